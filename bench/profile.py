"""Profile one endpoint in process with pyinstrument, on a fresh benchmark database.

    .venv/bin/python -m bench.profile page 300x12
    .venv/bin/python -m bench.profile cell 300x12 --runs 30
    .venv/bin/python -m bench.profile export:pdf 300x12 --html /tmp/pdf.html
    .venv/bin/python -m bench.profile vote 20x8

Requests go through Django's test client with production settings (DEBUG off), as in
``bench.run``'s query counts; the first request is made before profiling, to warm caches.
"""

import argparse
import sys
import time
from pathlib import Path

from . import server as srv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("endpoint", help="page, cell, export:<csv|xlsx|pdf|json|md> or vote")
    parser.add_argument("size", help="activities x roles, e.g. 300x12")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML report here")
    parser.add_argument("--flat", action="store_true", help="functions by their own time")
    args = parser.parse_args(argv)
    activities, roles = (int(n) for n in args.size.lower().split("x"))

    _, db_url, _ = srv.django_start()
    from django.db import connections
    from pyinstrument import Profiler

    from . import build, load
    from .run import HTMX, InProcess, cell_codes, targets_prepare

    try:
        user, _, matrices = build.populate([(activities, roles)])
        matrix = matrices[activities, roles]
        target = targets_prepare({(activities, roles): matrix})[0]
        inproc = InProcess(user)
        if args.endpoint == "page":
            request = lambda turn: inproc.count("GET", f"/m/{target.slug}/")  # noqa: E731
        elif args.endpoint == "cell":
            codes = cell_codes()
            activity, role = target.timing_cell

            def request(turn):
                data = {"activity": activity, "role": role, "code": codes[turn % len(codes)]}
                return inproc.count("POST", f"/m/{target.slug}/cells/", data, **HTMX)

        elif args.endpoint.startswith("export:"):
            fmt = args.endpoint.split(":", 1)[1]
            request = lambda turn: inproc.count("GET", f"/m/{target.slug}/export/{fmt}/")  # noqa: E731
        elif args.endpoint == "vote":
            workshop = load.prepare(user=user, matrix=matrix)
            if workshop.get("skipped"):
                parser.error(workshop["skipped"])
            request = load.in_process_voter(workshop, name="Profiler")
        else:
            parser.error(f"unknown endpoint {args.endpoint!r}")
        queries = request(0)
        start = time.perf_counter()
        for turn in range(1, args.runs + 1):
            request(turn)
        plain_ms = (time.perf_counter() - start) * 1000 / args.runs
        profiler = Profiler(interval=0.0005)
        with profiler:
            for turn in range(1, args.runs + 1):
                request(turn)
        print(
            f"{args.endpoint} {args.size}: {queries} queries, {plain_ms:.1f} ms a request "
            f"unprofiled (mean of {args.runs}); the same number profiled:"
        )
        print(profiler.output_text(unicode=True, color=False, flat=args.flat))
        if args.html:
            args.html.write_text(profiler.output_html())
    finally:
        connections.close_all()
        srv.database_drop(db_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
