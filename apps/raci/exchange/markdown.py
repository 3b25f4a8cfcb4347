"""Markdown: a table to paste into a wiki or an issue, with a legend."""

from .document import MatrixDocument


def _cell(text: str) -> str:
    """Table-safe text: pipes escaped, line breaks folded, HTML-significant characters escaped."""
    text = " ".join(text.split())
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(char, entity)
    return text.replace("|", "\\|")


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
    return "\n".join(lines) + "\n"
