"""The stylesheet for the schemes' letters, generated from the scheme data."""

from functools import cache
from urllib.parse import quote

from .schemes import SCHEMES


@cache
def scheme_stylesheet() -> str:
    rules: list[str] = []
    seen: dict[str, tuple[str, str]] = {}
    for scheme in SCHEMES.values():
        for letter in scheme.letters:
            colours = (letter.color, letter.ink)
            # .letter-X: a letter's badge anywhere; .l-X: a cell of the grid holding it.
            if letter.code not in seen:
                seen[letter.code] = colours
                selector = f".letter-{letter.code}, .l-{letter.code}"
            elif seen[letter.code] != colours:
                scope = f'[data-scheme="{scheme.key}"]'
                selector = f"{scope} .letter-{letter.code}, {scope} .l-{letter.code}"
            else:
                continue
            rules.append(
                f"{selector} {{ --letter-bg: {letter.color}; --letter-ink: {letter.ink}; "
                f"--letter-badge: {badge(letter.color)}; }}"
            )
    return "\n".join(rules) + "\n"


def badge(color: str) -> str:
    """A grid cell's badge, a rounded square of ``color``, as a CSS image: drawn as the cell's
    background, it adds no box to the 3,600 or 20,000 cells (a pseudo-element per cell doubled
    what the browser lays out and paints on every keystroke)."""
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='30' height='30'>"
        f"<rect width='30' height='30' rx='6' fill='{color}'/></svg>"
    )
    return f'url("data:image/svg+xml,{quote(svg, safe=" =/:'")}")'
