import sys

from django.core.management.base import BaseCommand, CommandError

from apps.matrices.models import Matrix

from ...formats import FORMATS
from ...selectors import matrix_document


class Command(BaseCommand):
    help = "Export a matrix as CSV, XLSX, PDF, JSON or Markdown."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=sorted(FORMATS), default="json")
        parser.add_argument(
            "--output", "-o", help="File to write; standard output when omitted (text formats)."
        )

    def handle(self, *args, slug, format, output, **options):
        matrix = Matrix.objects.filter(slug=slug).first()
        if matrix is None:
            raise CommandError(f'No matrix with the slug "{slug}".')
        fmt = FORMATS[format]
        if fmt.binary and not output:
            raise CommandError(f"{fmt.label} is a binary format: give --output FILE.")
        body = fmt.write(matrix_document(matrix))
        if output:
            mode = "wb" if isinstance(body, bytes) else "w"
            with open(
                output, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})
            ) as f:
                f.write(body)
            self.stderr.write(f"Wrote {output}")
        else:
            sys.stdout.write(body)
