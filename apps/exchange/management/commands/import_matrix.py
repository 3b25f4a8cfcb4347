from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import Team
from apps.accounts.services import team_ensure_personal
from apps.raci.exchange.problems import ImportProblem

from ...formats import read_document
from ...services import import_plan, matrix_import


class Command(BaseCommand):
    help = "Import a matrix from JSON, CSV or XLSX and print the new matrix's slug."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--title", default="")
        parser.add_argument(
            "--user",
            help="Username whose personal team gets the matrix (default: first superuser).",
        )
        parser.add_argument("--team", type=int, help="Team id (instead of --user).")

    def handle(self, *args, file, title, user, team, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        owner = None
        if team is not None:
            target = Team.objects.filter(pk=team).first()
            if target is None:
                raise CommandError(f"No team with id {team}.")
        else:
            User = get_user_model()
            owner = (
                User.objects.filter(username=user).first()
                if user
                else User.objects.filter(is_superuser=True).order_by("pk").first()
            )
            if owner is None:
                raise CommandError("No such user; give --user USERNAME or --team ID.")
            target = team_ensure_personal(user=owner)
        try:
            doc = read_document(path.name, path.read_bytes(), title=title)
            plan = import_plan(doc=doc, team=target)
            matrix = matrix_import(doc=doc, team=target, created_by=owner, title=title)
        except ImportProblem as problem:
            raise CommandError(f"Nothing was imported: {problem}") from None
        if plan.shortened:
            self.stderr.write(plan.shortened_summary(shown=len(plan.shortened)))
        self.stdout.write(matrix.slug)
