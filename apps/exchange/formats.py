"""The export formats and the import readers, by name."""

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings

from apps.raci.exchange.budget import Budget
from apps.raci.exchange.csvfile import read_csv, write_csv
from apps.raci.exchange.document import MatrixDocument
from apps.raci.exchange.jsonfile import read_json, write_json
from apps.raci.exchange.markdown import write_markdown
from apps.raci.exchange.problems import ImportProblem


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    extension: str
    content_type: str
    binary: bool

    def max_cells(self) -> int | None:
        """The largest grid (activities x roles) this format makes (EXPORT_MAX_CELLS); None:
        any (CSV, JSON and Markdown take a fraction of a second at the import limits)."""
        return settings.EXPORT_MAX_CELLS.get(self.key)

    def write(self, doc: MatrixDocument, budget: Budget | None = None) -> bytes | str:
        """The document in this format; PDF and Excel stop when ``budget`` is spent."""
        if self.key == "csv":
            return write_csv(doc)
        if self.key == "json":
            return write_json(doc)
        if self.key == "md":
            return write_markdown(doc)
        if self.key == "xlsx":
            from apps.raci.exchange.xlsx import write_xlsx

            return write_xlsx(doc, budget=budget)
        from apps.raci.exchange.pdf import write_pdf

        return write_pdf(doc, budget=budget)


FORMATS = {
    f.key: f
    for f in (
        Format("csv", "CSV", "csv", "text/csv; charset=utf-8", False),
        Format(
            "xlsx",
            "Excel",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            True,
        ),
        Format("pdf", "PDF", "pdf", "application/pdf", True),
        Format("json", "JSON", "json", "application/json; charset=utf-8", False),
        Format("md", "Markdown", "md", "text/markdown; charset=utf-8", False),
    )
}

IMPORT_EXTENSIONS = (".json", ".csv", ".xlsx")


def read_document(name: str, data: bytes, *, title: str = "") -> MatrixDocument:
    """Parse an uploaded or given file by its extension (or its content, when it has none)."""
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportProblem(
            f"The file is {len(data) / 1_000_000:.1f} MB; the limit is {limit / 1_000_000:.1f} MB."
        )
    if not data.strip():
        raise ImportProblem("The file is empty.")
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx" or (not suffix and data[:2] == b"PK"):
        from apps.raci.exchange.xlsx import read_xlsx

        return read_xlsx(data, title=title)
    if suffix == ".json" or (not suffix and data.lstrip()[:1] == b"{"):
        return read_json(data, title=title)
    if suffix in (".csv", ".txt", ""):
        if data[:2] == b"PK" or b"\x00" in data[:1024]:
            raise ImportProblem("This file is not a CSV file (it looks like a binary file).")
        return read_csv(data, title=title or "Imported matrix")
    if suffix in (".xls", ".ods", ".numbers"):
        raise ImportProblem(
            f"{suffix} files cannot be read; save the spreadsheet as .xlsx or CSV UTF-8."
        )
    raise ImportProblem(
        f'"{suffix}" files are not supported; upload {", ".join(IMPORT_EXTENSIONS)}.'
    )
