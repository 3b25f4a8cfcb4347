"""The letters' stylesheet: each letter's colours and its badge, drawn from the scheme data."""

import re
from urllib.parse import unquote

from apps.raci.schemes import SCHEMES
from apps.raci.styles import scheme_stylesheet


def test_every_letter_has_its_colours_and_a_badge_of_its_own_colour():
    css = scheme_stylesheet()
    for scheme in SCHEMES.values():
        for letter in scheme.letters:
            rule = next(
                line
                for line in css.splitlines()
                if f".l-{letter.code} {{" in line or f".l-{letter.code}," in line
            )
            assert f"--letter-bg: {letter.color};" in rule
            assert f"--letter-ink: {letter.ink};" in rule
            badge = re.search(r'--letter-badge: url\("data:image/svg\+xml,([^"]+)"\)', rule)
            assert badge, rule
            svg = unquote(badge.group(1))
            assert svg.startswith("<svg xmlns='http://www.w3.org/2000/svg'")
            assert f"fill='{letter.color}'" in svg
            assert '"' not in badge.group(1) and "\n" not in badge.group(1)
