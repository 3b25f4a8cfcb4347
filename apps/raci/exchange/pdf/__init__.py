"""PDF: the matrix to print or attach to a mail, on landscape A4.

What the file holds, in order:

1. The title, the date, the scheme (name and description), the matrix description and a legend
   of the scheme's letters (coloured box, code, name, question).
2. The grid: a header row of role short labels (the role name small underneath) repeated on
   every page, a grey band per phase, one row per activity, letters in the colours of the app.
   A cell with a note carries a small footnote number; the notes follow the grid. When the roles
   do not fit across the page even at the narrowest legible column width, they are split into
   groups: all activities with the first group, then all activities with the next one, and so
   on, each table captioned "Roles 16-30 of 30" (with an en dash) on every page.
3. The rule engine's findings: counts per severity, then the messages (the first hundred).
4. An appendix with each role's definition, and who holds it.

Plain Python and ReportLab, no Django. Speed matters (300 activities x 12 roles well under a
second), so the grid avoids Paragraphs: text is wrapped here (``text._wrap``) and drawn as plain
table strings or by ``_Lines``, a tiny flowable. Paragraphs, which are slow but handle markup, are
kept for the few long texts (descriptions, role definitions); everything that goes into one is
escaped.

Fonts: DejaVu Sans when the system has it (Debian's fonts-dejavu-core), else the Bitstream Vera
font bundled with ReportLab. Characters the font has no glyph for are replaced by a close
character (é -> e through Unicode decomposition) or "?", never drawn as empty boxes.

Modules: ``text`` (fonts, glyphs, wrapping), ``style`` (page, colours, paragraph styles),
``flowables`` (the cheap cells), ``grid`` (the grid and its notes), ``sections`` (the heading,
legend, notes, findings and appendix) and ``writer`` (the document and its footer).
"""

from .text import TEXT_MAX
from .writer import write_pdf

__all__ = ["TEXT_MAX", "write_pdf"]
