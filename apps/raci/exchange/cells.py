"""Text going into spreadsheet cells (CSV and XLSX)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Keep a spreadsheet from reading ``text`` as a formula (CSV/formula injection).

    A leading apostrophe is what Excel and LibreOffice themselves use to mean "this is text";
    it is shown in the formula bar only. Readers strip it again (``restore``).
    """
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo ``neutralise`` on text read back from a file we wrote."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
