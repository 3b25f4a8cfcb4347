"""The appendix's agreement: who agreed to which version of their letters, when, and the
objections (none for a share link's export, which names nobody)."""

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from ..document import MatrixDocument
from .sections import _text_table
from .style import FRAME_WIDTH, _Styles
from .text import _date, _Fonts, _line


def _agreement(doc: MatrixDocument, fonts: _Fonts, styles: _Styles) -> list[Flowable]:
    if doc.holders_hidden or not doc.agreement:
        return []
    entries = doc.agreement
    total, agreed = len(entries), doc.agreed_count
    summary = f"Agreed by {agreed} of {total}" + (": everyone agrees." if agreed == total else ".")
    story: list[Flowable] = [
        Paragraph("Appendix: agreement", styles.heading),
        Paragraph(summary, styles.body),
    ]
    rows = []
    for entry in entries:
        if entry.meeting_on:
            when = f"in the meeting on {_date(entry.meeting_on)}"
        elif entry.answered_at:
            when = _date(entry.answered_at)
        else:
            when = ""
        version = (
            f"{len(entry.letters)} letter{'s' if len(entry.letters) != 1 else ''}, {entry.version}"
            if entry.version
            else ""
        )
        if entry.answer == "objected":
            details = entry.reason
        elif entry.answer == "outdated":
            details = "Changed since: " + "; ".join(entry.changed)
        else:
            details = ""
        rows.append(
            (_line(entry.person), entry.answer_label, when, version, _line(details)),
        )
    widths = [45 * mm, 22 * mm, 52 * mm, 40 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    story.append(
        _text_table(
            ("Person", "Answer", "When", "Version answered", "Objection, or what changed"),
            rows,
            widths,
            fonts,
        )
    )
    return story
