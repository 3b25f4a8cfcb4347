"""Fonts and text: what the PDF can draw, and lines that fit a width."""

import functools
import os
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

MAX_LINES = 12  # of a name in the grid, or of a cell in the notes: a row must fit on a page
# Characters of one text drawn (a name, a description, a note, a definition): more are cut,
# with an ellipsis, before any layout. Well above the models' limits, so only data from before
# them is cut; it keeps a text with no space to break at from costing seconds per page (the
# JSON and Excel exports keep texts whole).
TEXT_MAX = 5_000
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_DEJAVU = "/usr/share/fonts/truetype/dejavu/"
_VERA = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
FONT_CANDIDATES = (
    ("RaciDejaVuSans", _DEJAVU + "DejaVuSans.ttf", _DEJAVU + "DejaVuSans-Bold.ttf"),
    ("RaciVera", os.path.join(_VERA, "Vera.ttf"), os.path.join(_VERA, "VeraBd.ttf")),
)


@dataclass(frozen=True, slots=True)
class _Fonts:
    regular: str
    bold: str
    covered: frozenset[int]  # code points both faces have a glyph for


@functools.cache
def _fonts() -> _Fonts:
    """Register the first font family that loads (once per process) and note what it covers."""
    for family, regular_path, bold_path in FONT_CANDIDATES:
        if not (os.path.isfile(regular_path) and os.path.isfile(bold_path)):
            continue
        try:
            regular = TTFont(family, regular_path)
            bold = TTFont(family + "-Bold", bold_path)
        except (TTFError, OSError):
            continue
        pdfmetrics.registerFont(regular)
        pdfmetrics.registerFont(bold)
        pdfmetrics.registerFontFamily(
            family, normal=regular.fontName, bold=bold.fontName, italic=regular.fontName,
            boldItalic=bold.fontName,
        )  # fmt: skip
        both = {code for code, glyph in regular.face.charToGlyph.items() if glyph}
        both &= {code for code, glyph in bold.face.charToGlyph.items() if glyph}
        # Control and format characters (soft hyphen, zero-width joiner...) are never drawn.
        covered = frozenset(
            code for code in both if unicodedata.category(chr(code)) not in ("Cc", "Cf")
        )
        return _Fonts(regular.fontName, bold.fontName, covered)
    raise RuntimeError("no usable TrueType font for the PDF export")  # Vera ships with ReportLab


def _glyphs(text: str) -> str:
    """``text`` with every character the font cannot draw replaced by a near one or "?"."""
    covered = _fonts().covered
    if all(ord(char) in covered for char in text):
        return text
    out = []
    for char in text:
        if ord(char) in covered:
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs"):
            continue  # control and formatting characters, lone surrogates: nothing to draw
        else:
            near = "".join(
                part
                for part in unicodedata.normalize("NFKD", char)
                if ord(part) in covered and not unicodedata.combining(part)
            )
            out.append(near or "?")
    return "".join(out)


def _clip(text: str) -> str:
    """``text``, cut to TEXT_MAX characters with an ellipsis."""
    return text if len(text) <= TEXT_MAX else text[:TEXT_MAX].rstrip() + _ellipsis()


def _line(text: str) -> str:
    """One line of drawable text: runs of whitespace (line breaks included) become one space."""
    return _glyphs(" ".join(_clip(text).split()))


def _lines(text: str) -> list[str]:
    """Drawable lines of a multi-line text, without empty ones."""
    return [line for line in (_line(part) for part in _clip(text).splitlines()) if line]


def _markup(text: str) -> str:
    """Paragraph markup for a user's text: escaped, line breaks kept."""
    return "<br/>".join(escape(line) for line in _lines(text))


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _ellipsis() -> str:
    return "\u2026" if 0x2026 in _fonts().covered else "..."


def _fitting(text: str, font: str, size: float, width: float) -> int:
    """How many characters at the start of ``text`` fit ``width``."""
    used = 0.0
    for index, char in enumerate(text):
        used += _width(char, font, size)
        if used > width:
            return index
    return len(text)


def _truncate(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut (with an ellipsis) to fit ``width``."""
    if _width(text, font, size) <= width:
        return text
    dots = _ellipsis()
    return text[: _fitting(text, font, size, width - _width(dots, font, size))].rstrip() + dots


def _wrap(
    text: str, font: str, size: float, width: float, max_lines: int | None = None
) -> list[str]:
    """Split one drawable line into lines that fit ``width``; break words that are too long.

    With ``max_lines``, the last line kept ends with an ellipsis when text was left out.
    """
    if not text:
        return []
    if _width(text, font, size) <= width:
        return [text]
    space = _width(" ", font, size)
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in text.split(" "):
        word_width = _width(word, font, size)
        if current and used + space + word_width <= width:
            current.append(word)
            used += space + word_width
            continue
        if current:
            lines.append(" ".join(current))
        while word_width > width and len(word) > 1:  # a word wider than the column: break it
            index = max(1, _fitting(word, font, size, width))
            lines.append(word[:index])
            word_width -= _width(word[:index], font, size)
            word = word[index:]
            if max_lines is not None and len(lines) > max_lines:
                break
        current, used = [word], word_width
        if max_lines is not None and len(lines) > max_lines:
            break  # enough to fill the lines kept, and to know that text is left out
    else:
        if current:
            lines.append(" ".join(current))
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last, dots = lines[-1], _ellipsis()
        room = width - _width(dots, font, size)
        if _width(last, font, size) > room:
            last = last[: _fitting(last, font, size, room)].rstrip()
        lines[-1] = last + dots
    return lines


def _date(moment: datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
