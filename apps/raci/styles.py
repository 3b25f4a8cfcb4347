"""The stylesheet for the schemes' letters, generated from the scheme data."""

from functools import cache

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
                f"{selector} {{ --letter-bg: {letter.color}; --letter-ink: {letter.ink}; }}"
            )
    return "\n".join(rules) + "\n"
