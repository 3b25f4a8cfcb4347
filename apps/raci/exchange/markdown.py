"""Markdown: a table to paste into a wiki or an issue, with a legend.

Every name and text is written to render as itself, in CommonMark, GitHub's Markdown and
renderers that do not sanitise alike: an activity called ``[click](javascript:alert(1))`` is
that text, not a link.
"""

import re

from .document import MatrixDocument

# Backslash-escaped wherever they are (CommonMark reads a backslash before any ASCII punctuation
# as that character): the backslash itself, code, emphasis, links and images (brackets),
# strikethrough, math, and the table's own pipes.
_ESCAPED = str.maketrans({char: "\\" + char for char in "\\`*_[]~$|"})
# At the start of a line: headings, lists, thematic breaks, setext underlines ("<" and ">" are
# entities already, so neither HTML, nor autolinks, nor quotes come through).
_BLOCK_START = re.compile(r"[#+=-]|[0-9]+[.)]")


def _cell(text: str) -> str:
    """Text that renders as itself, on one line, in a table cell or a paragraph."""
    text = " ".join(text.split())
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(char, entity)
    text = text.translate(_ESCAPED)
    if start := _BLOCK_START.match(text):
        end = start.end()
        text = text[: end - 1] + "\\" + text[end - 1 :]
    return text


def write_markdown(doc: MatrixDocument) -> str:
    scheme = doc.scheme_definition
    lines = [f"# {_cell(doc.title)}", ""]
    if doc.description:
        lines += [_cell(doc.description), ""]
    header = ["Phase", "Activity", *(_cell(role.short_label or role.name) for role in doc.roles)]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join([" --- ", " --- "] + [" :-: "] * len(doc.roles)) + "|")
    for phase, activity in doc.activities():
        row = [
            _cell(phase.name),
            _cell(activity.name),
            *(activity.cells.get(role.key, "") for role in doc.roles),
        ]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "**"
        + scheme.name
        + ":** "
        + ", ".join(f"**{letter.code}** {letter.name}" for letter in scheme.letters),
    ]
    labelled = [role for role in doc.roles if role.short_label and role.short_label != role.name]
    if labelled:
        lines.append(
            "**Roles:** "
            + ", ".join(f"{_cell(role.short_label)} = {_cell(role.name)}" for role in labelled)
        )
    held = [role for role in doc.roles if role.holders]
    if held:
        lines.append(
            "**Held by:** "
            + "; ".join(
                f"{_cell(role.short_label or role.name)}: "
                + ", ".join(_cell(holder.name) for holder in role.holders)
                for role in held
            )
        )
    return "\n".join(lines) + "\n"
