"""The cell update's cost, step by step above the floor: why x floor >= 0.5 is out of reach.

    .venv/bin/python -m bench.ladder                 # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/raci .venv/bin/python -m bench.ladder

Starts gunicorn as ``bench.run`` does, with bench/ladder_settings.py: the app's URLs plus
views that each do one more part of what a cell update does (bench/ladder_urls.py):

    floor        GET /healthz: no session, no database
    signed in    GET, signed in: the session and the user are read
    posted       ...a POST: the CSRF check and the form body
    checked      ...the access check: the matrix and the user's membership
    written      ...the write: one upsert or one delete of the cell
    recorded     ...and its history entry, in one transaction with the write
    cell update  the app's own POST /m/<slug>/cells/, with its response

Each step is measured in interleaved rounds (so that a slow moment of the machine hits every
step alike) on the 20 x 8 matrix, and reported as a median and as x floor: a step's
throughput over the floor's. The target asks the cell update for x floor >= 0.5.
"""

import argparse
import statistics
import sys

from . import server as srv
from .run import HTMX, cell_codes, log, targets_prepare, timed

STEPS = ("floor", "signed in", "posted", "checked", "written", "recorded", "cell update")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ladder")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=50, help="requests per step and round")
    parser.add_argument("--workers", type=int, default=srv.default_workers())
    args = parser.parse_args(argv)

    work, db_url, env = srv.django_start()
    from django.db import connection, connections

    from . import build

    try:
        _, password, matrices = build.populate([(20, 8)])
        target = targets_prepare(matrices)[0]
        vendor = connection.vendor
        connections.close_all()
        server_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.ladder_settings"}
        with srv.Server(server_env, work, workers=args.workers) as server:
            times = climb(server, build.USERNAME, password, target, args)
    finally:
        connections.close_all()
        srv.database_drop(db_url)
    report(times, vendor, args)
    return 0


def climb(server, username: str, password: str, target, args) -> dict[str, list[float]]:
    session = server.session()
    session.login(username, password)
    session.refresh_csrf(f"/m/{target.slug}/")
    activity, role = target.timing_cell
    codes, turn = cell_codes(), [0]

    def post(path: str):
        turn[0] += 1
        data = {"activity": activity, "role": role, "code": codes[turn[0] % len(codes)]}
        return session.post(path, data, headers=HTMX)

    ladder = f"/bench/ladder/{{}}/{target.slug}/"
    calls = {
        "floor": lambda: session.get("/healthz"),
        "signed in": lambda: session.get("/bench/ladder/signed-in/"),
        "posted": lambda: post("/bench/ladder/posted/"),
        "checked": lambda: post(ladder.format("checked")),
        "written": lambda: post(ladder.format("written")),
        "recorded": lambda: post(ladder.format("recorded")),
        "cell update": lambda: post(f"/m/{target.slug}/cells/"),
    }
    times: dict[str, list[float]] = {step: [] for step in STEPS}
    for number in range(args.rounds):
        log(f"round {number + 1} of {args.rounds}")
        for step in STEPS:
            step_times, _, _ = timed(calls[step], args.runs, warmup=args.workers)
            times[step] += step_times
    session.close()
    return times


def report(times: dict[str, list[float]], vendor: str, args) -> None:
    floor = statistics.median(times["floor"])
    print(
        f"\n{vendor}, gunicorn with {args.workers} sync workers, "
        f"{args.rounds} rounds of {args.runs} requests per step\n"
    )
    print("| Step | Median ms | x floor |")
    print("| --- | --- | --- |")
    for step in STEPS:
        median = statistics.median(times[step])
        print(f"| {step} | {median:.2f} | {floor / median:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
