"""The workshop load alone, at the room sizes asked for, on the recipe ``make bench`` serves:
``python -m bench.workshop --sizes 50,150,300 --seconds 20 --mode ws [--stages]``.

On SQLite (no DATABASE_URL) the server is one process with the in-memory channel layer, the
embedded default (`make workshop`); with DATABASE_URL's PostgreSQL and Redis, gunicorn with
several workers (bench/server.py). Each room is a new workshop on the 20 x 8 matrix; each room's
figures (latencies, votes a second, errors, votes lost, the server's CPU per vote, the harness's
share, stage changes) are printed as JSON lines, and a summary at the end.

``--calibrate`` runs the harness against a trivial server instead (bench/echo.py: a bare ASGI
app answering the same requests and messages without Django), to show how far the load
generator itself goes.
"""

import argparse
import json
import os
import sys

from . import load
from . import server as srv
from .client import BenchError


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.workshop", description=__doc__)
    parser.add_argument("--sizes", default="50", help="room sizes, comma separated")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--think-ms", type=int, default=1000)
    parser.add_argument("--mode", choices=load.VOTE_MODES, default="ws")
    parser.add_argument("--processes", type=int, default=1, help="harness processes")
    parser.add_argument("--workers", type=int, help="server processes (PostgreSQL only)")
    parser.add_argument("--stages", action="store_true", help="time stage changes after")
    parser.add_argument("--calibrate", action="store_true", help="against bench/echo.py")
    return parser.parse_args(argv)


def brief(result: dict) -> dict:
    """The figures of one room that the summary shows."""
    return {
        "participants": result["participants"],
        "mode": result["mode"],
        "vote_p50_ms": result["vote"]["median_ms"],
        "vote_p95_ms": result["vote"]["p95_ms"],
        "vote_p99_ms": result["vote"]["p99_ms"],
        "votes_rps": result["votes_rps"],
        "errors": result["errors"],
        "error_kinds": result["error_kinds"],
        "lost_votes": result.get("lost_votes"),
        "votes_acknowledged": result.get("votes_acknowledged"),
        "ballots_failed": result["streams"]["ballots_failed"],
        "board_stale": result.get("board_stale"),
        "server_cpu_ms_per_vote": result["cost"]["server_cpu_ms_per_vote"],
        "server_cores_used": result["cost"]["server"]["cores_used"],
        "harness_cpu_ms_per_vote": result["cost"]["harness_cpu_ms_per_vote"],
        "harness_cores_used": result["cost"]["harness"]["cores_used"],
        "stage_changes": result.get("stage_changes"),
        "passed": load.passed(result) if "lost_votes" in result else None,
    }


def main(argv=None) -> int:
    args = parse(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    postgres = (os.environ.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql://"))
    extra = {"WORKSHOP_JOINS_PER_MINUTE_PER_IP": str(4 * max(sizes))}
    extra["REDIS_URL"] = srv.redis_url() if postgres and not args.calibrate else ""
    work, db_url, env = srv.django_start(extra)
    from django.db import connections

    from . import build

    out = []
    try:
        user, password, matrices = build.populate([(20, 8)])
        matrix = matrices[(20, 8)]
        workers = args.workers or (srv.default_workers() if postgres else 1)
        if args.calibrate:
            from .echo import EchoServer

            server_cm = EchoServer(work)
        else:
            server_cm = srv.Server(env, work, workers=workers, name="gunicorn-workshop")
        with server_cm as server:
            for size in sizes:
                workshop = load.start(user=user, matrix=matrix)
                connections.close_all()
                try:
                    result = load.run(
                        server=server,
                        workshop=workshop,
                        participants=size,
                        seconds=args.seconds,
                        think_ms=args.think_ms,
                        facilitator=(build.USERNAME, password),
                        mode=args.mode,
                        processes=args.processes,
                        stage_changes=args.stages and not args.calibrate,
                    )
                except BenchError as error:
                    raise BenchError(f"{error}\n-- server log --\n{server.log()}") from error
                acknowledged = result.pop("acknowledged")
                if not args.calibrate:
                    result.update(load.verify(workshop, acknowledged, result["streams"]))
                out.append(brief(result))
                print(json.dumps(out[-1]), flush=True)
    finally:
        connections.close_all()
        srv.database_drop(db_url)
    print(json.dumps({"rooms": out, "workers": workers, "database": db_url.split(":")[0]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
