"""Server time of the matrix page and of a cell update, at several sizes.

Run: .venv/bin/python bench/page.py [--runs N]
Builds matrices in a throwaway SQLite database (or DATABASE_URL), renders through Django's
test client (no network), and prints the median and 95th percentile over repeated runs,
with the query count of one run. A benchmark, not a test: figures vary with the machine.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from apps.raci.schemes import RACI  # noqa: E402

SIZES = [(20, 8), (300, 12), (1000, 20)]


def build(size, roles, user):
    from apps.catalog.models import Role, RoleKind
    from apps.matrices.models import Activity, Matrix, MatrixRole, Phase, Responsibility
    from apps.raci.schemes import RACI, Kind

    team = user.personal_team
    matrix = Matrix.objects.create(
        title=f"Bench {size}x{roles}", slug=f"bench-{size}-{roles}", team=team
    )
    role_objs = [
        Role.objects.create(
            slug=f"b{size}-{i}",
            name=f"Bench role {size}-{i}",
            short_label=f"B{i}",
            kind=RoleKind.CUSTOM,
            team=team,
        )
        for i in range(roles)
    ]
    MatrixRole.objects.bulk_create(
        MatrixRole(matrix=matrix, role=r, position=i) for i, r in enumerate(role_objs)
    )
    phases = Phase.objects.bulk_create(
        Phase(matrix=matrix, name=f"Phase {p}", position=p) for p in range(6)
    )
    activities = Activity.objects.bulk_create(
        Activity(
            matrix=matrix,
            phase=phases[i * 6 // size],
            name=f"Activity {i}",
            description="Something the team does.",
            position=i,
        )
        for i in range(size)
    )
    codes = [
        RACI.code_for(k)
        for k in (Kind.ACCOUNTABLE, Kind.RESPONSIBLE, Kind.CONSULTED, Kind.INFORMED)
    ]
    Responsibility.objects.bulk_create(
        Responsibility(activity=a, role=role_objs[(i + j) % roles], code=code)
        for i, a in enumerate(activities)
        for j, code in enumerate(codes)
    )
    return matrix


def measure(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


class QueryCounter:
    """Counts the SQL statements run inside ``with connection.execute_wrapper(counter)``."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def report(what, size, roles, median, p95, queries):
    print(f"{what:<16}{f'{size}x{roles}':>10}{median:>12.1f}{p95:>10.1f}{queries:>9}")


def check(response):
    if response.status_code != 200:
        raise SystemExit(f"unexpected status {response.status_code}: {response.content[:200]!r}")


def bench_size(client, user, size, roles, runs):
    matrix = build(size, roles, user)
    url = matrix.get_absolute_url()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        check(client.get(url))
    report("matrix page", size, roles, *measure(lambda: client.get(url), runs), counter.count)

    activity, role = matrix.activities.first(), matrix.roles.first()
    codes = iter([RACI.codes[2], RACI.codes[3]] * (runs + 1))
    assign = f"/m/{matrix.slug}/cells/"

    def update():
        data = {"activity": activity.pk, "role": role.pk, "code": next(codes)}
        check(client.post(assign, data, HTTP_HX_REQUEST="true"))

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        update()
    report("cell update", size, roles, *measure(update, runs), counter.count)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bench")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    print(f"{'what':<16}{'size':>10}{'median ms':>12}{'p95 ms':>10}{'queries':>9}")
    for size, roles in SIZES:
        bench_size(client, user, size, roles, args.runs)


if __name__ == "__main__":
    main()
