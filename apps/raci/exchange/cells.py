"""Text going into spreadsheet cells (CSV and XLSX)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Keep a spreadsheet from reading CSV text as a formula (CSV/formula injection).

    A CSV cell has no type, so the only defence is a leading apostrophe, which spreadsheets
    treat as "this is text" (the OWASP advice). Our readers strip it again (``restore``).
    XLSX cells are typed: the XLSX writer stores such text as strings with Excel's quote
    prefix instead, so no apostrophe shows there.

    A name that itself starts with an apostrophe gets one more, so that ``restore`` can tell
    the two apart: ``'=x`` is written ``''=x`` and read back as ``'=x``.
    """
    if text and text.startswith((*FORMULA_STARTS, "'")):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo ``neutralise`` on text read back from a file we wrote."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith((*FORMULA_STARTS, "'")):
        return text[1:]
    return text
