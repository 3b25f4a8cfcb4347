"""``make bench``: the app as in production (gunicorn with uvicorn workers, ASGI), measured from
outside: SQLite with the in-memory channel layer in one process, or PostgreSQL with Redis in
several.

    .venv/bin/python -m bench.run            # full: 20x8, 300x12, 1000x20, 30 s workshop load
    .venv/bin/python -m bench.run --quick    # CI: small sizes, few runs, 5 s load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/raci .venv/bin/python -m bench.run
        # PostgreSQL: runs in a database of its own (raci_bench), never in raci

Timings come from requests over loopback to gunicorn; query counts from the same requests
made in this process through Django's test client with CaptureQueriesContext, against the
same database (a server process cannot report them). See docs/performance.md.
"""

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, replace

from . import browser, fanout, largest, queries
from . import server as srv
from .client import BenchError, Session
from .stats import ratio, summary

FORMATS = ("csv", "xlsx", "pdf", "json", "md")


@dataclass(frozen=True)
class Plan:
    sizes: tuple[tuple[int, int], ...]
    floor_runs: int
    runs: int  # matrix page and cell update, at each size
    export_runs: int
    heavy_export_runs: int  # XLSX and PDF from 300 activities up
    load_seconds: float
    participants: int
    think_ms: int
    quick: bool
    fanout: fanout.Plan
    capacity_seconds: float | None  # seconds of each room of the capacity search; None: none


FULL = Plan(
    sizes=((20, 8), (300, 12), (1000, 20)),
    floor_runs=300,
    runs=30,
    export_runs=15,
    heavy_export_runs=5,
    load_seconds=30,
    participants=50,
    think_ms=1000,
    quick=False,
    fanout=fanout.FULL,
    capacity_seconds=20,
)
QUICK = Plan(
    sizes=((20, 8), (300, 12)),
    floor_runs=50,
    runs=5,
    export_runs=3,
    heavy_export_runs=1,
    load_seconds=5,
    participants=50,
    think_ms=1000,
    quick=True,
    fanout=fanout.QUICK,
    capacity_seconds=None,
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def size_key(activities: int, roles: int) -> str:
    return f"{activities}x{roles}"


# -- In process: query counts ------------------------------------------------------------------


class InProcess:
    """Django's test client against the bench database, to count the queries of a request."""

    def __init__(self, user):
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1")
        self.client.force_login(user)

    def count(self, method: str, path: str, data: dict | None = None, **headers) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        call = self.client.get if method == "GET" else self.client.post
        with CaptureQueriesContext(connection) as captured:
            response = call(path, data or {}, headers=headers)
        if response.status_code != 200:
            raise BenchError(f"{method} {path} answered {response.status_code} in process")
        return queries.count(captured.captured_queries)


@dataclass
class Target:
    """One benchmark matrix and the cells the cell updates write to."""

    slug: str
    size: str
    activities: int
    # (activity pk, role pk) of an empty cell, one for in-process counting, one for timing.
    count_cell: tuple[int, int]
    timing_cell: tuple[int, int]
    # Every cell, for a pasted block.
    cells: tuple[tuple[int, int], ...] = ()


def targets_prepare(matrices) -> list[Target]:
    from apps.matrices.models import MatrixRole

    out = []
    for (activities, roles), matrix in matrices.items():
        role_pks = list(
            MatrixRole.objects.filter(matrix=matrix)
            .order_by("position")
            .values_list("role", flat=True)
        )
        activity_pks = list(matrix.activities.order_by("position").values_list("pk", flat=True))
        # build.matrix_build fills roles i..i+4 of activity i; i+5 is empty (roles > 5).
        first, last = 0, activities - 1
        out.append(
            Target(
                slug=matrix.slug,
                size=size_key(activities, roles),
                activities=activities,
                count_cell=(activity_pks[first], role_pks[(first + 5) % roles]),
                timing_cell=(activity_pks[last], role_pks[(last + 5) % roles]),
                cells=tuple((a, r) for a in activity_pks for r in role_pks),
            )
        )
    return out


def cell_codes() -> list[str]:
    """Set, change, clear: the three things a click on a cell does."""
    from apps.raci.schemes import RACI, Kind

    return [RACI.code_for(Kind.CONSULTED), RACI.code_for(Kind.INFORMED), ""]


HTMX = {"HX-Request": "true"}


def count_queries(inproc: InProcess, targets: list[Target]) -> dict:
    counts: dict = {"matrix_page": {}, "cell_update": {}, "exports": {f: {} for f in FORMATS}}
    for target in targets:
        page = f"/m/{target.slug}/"
        inproc.count("GET", page)  # warm: per-process caches
        counts["matrix_page"][target.size] = inproc.count("GET", page)
        activity, role = target.count_cell
        counts["cell_update"][target.size] = max(
            inproc.count(
                "POST",
                f"/m/{target.slug}/cells/",
                {"activity": activity, "role": role, "code": code},
                **HTMX,
            )
            for code in cell_codes()
        )
        for fmt in FORMATS:
            counts["exports"][fmt][target.size] = inproc.count(
                "GET", f"/m/{target.slug}/export/{fmt}/"
            )
    return counts


# -- Over HTTP: timings ------------------------------------------------------------------------


def timed(call, runs: int, warmup: int, expect: int = 200) -> tuple[list[float], float, int]:
    """Run ``call`` ``warmup`` times untimed, then ``runs`` times; times in ms and wall seconds."""
    for _ in range(warmup):
        call()
    times, size = [], 0
    start = time.perf_counter()
    for _ in range(runs):
        response = call()
        if response.status != expect:
            raise BenchError(
                f"answered {response.status}, expected {expect}: {response.text[:300]}"
            )
        times.append(response.ms)
        size = len(response.body)
    return times, time.perf_counter() - start, size


def letters_save(slug: str) -> list:
    from apps.matrices.models import Responsibility

    return list(Responsibility.objects.filter(activity__matrix__slug=slug))


def letters_restore(slug: str, saved: list) -> None:
    from django.db import transaction

    from apps.matrices.models import Responsibility

    with transaction.atomic():
        Responsibility.objects.filter(activity__matrix__slug=slug).delete()
        Responsibility.objects.bulk_create(saved)


def measure_http(session: Session, plan: Plan, targets: list[Target], warmup: int) -> dict:
    out: dict = {
        "matrix_page": {},
        "cell_update": {},
        "block_paste": {},
        "exports": {f: {} for f in FORMATS},
    }
    # Warm every worker (templates compiled, the export libraries imported) on the smallest
    # matrix, so the figures are those of a server that has been up for a while.
    smallest = targets[0].slug
    for path in [f"/m/{smallest}/", *(f"/m/{smallest}/export/{fmt}/" for fmt in FORMATS)]:
        for _ in range(3 * warmup):
            session.expect(session.get(path), 200)
    times, elapsed, _ = timed(lambda: session.get("/healthz"), plan.floor_runs, warmup * 10)
    out["floor"] = summary(times, elapsed_s=elapsed)
    log(f"floor: {out['floor']['median_ms']} ms median, {out['floor']['rps']} req/s")
    codes = cell_codes()
    for target in targets:
        page = f"/m/{target.slug}/"
        times, elapsed, size = timed(lambda page=page: session.get(page), plan.runs, warmup)
        out["matrix_page"][target.size] = {**summary(times, elapsed_s=elapsed), "bytes": size}
        log(f"matrix page {target.size}: {out['matrix_page'][target.size]['median_ms']} ms")

        activity, role = target.timing_cell
        turn = iter(range(10**9))

        def update(slug=target.slug, activity=activity, role=role, turn=turn):
            code = codes[next(turn) % len(codes)]
            data = {"activity": activity, "role": role, "code": code}
            return session.post(f"/m/{slug}/cells/", data, headers=HTMX)

        times, elapsed, size = timed(update, plan.runs, warmup)
        out["cell_update"][target.size] = {**summary(times, elapsed_s=elapsed), "bytes": size}
        log(f"cell update {target.size}: {out['cell_update'][target.size]['median_ms']} ms")

        # A whole grid pasted in one request (every cell changes each time).
        block = iter(range(10**9))

        def paste(slug=target.slug, cells=target.cells, block=block):
            turn = next(block)
            data = [[a, r, codes[(turn + i) % 2]] for i, (a, r) in enumerate(cells)]
            return session.post(
                f"/m/{slug}/cells/block/", {"cells": json.dumps(data)}, headers=HTMX
            )

        saved = letters_save(target.slug)
        times, elapsed, size = timed(paste, max(3, plan.runs // 3), 1)
        out["block_paste"][target.size] = {**summary(times, elapsed_s=elapsed), "bytes": size}
        log(f"block paste {target.size}: {out['block_paste'][target.size]['median_ms']} ms")
        # Back as built: the exports, the load and the fan-out below measure a matrix filled as
        # real ones are, not one with every cell set and a finding on every row.
        letters_restore(target.slug, saved)

        for fmt in FORMATS:
            heavy = fmt in ("xlsx", "pdf") and target.activities >= 300
            runs = plan.heavy_export_runs if heavy else plan.export_runs
            url = f"/m/{target.slug}/export/{fmt}/"
            times, elapsed, size = timed(lambda url=url: session.get(url), runs, 1)
            out["exports"][fmt][target.size] = {**summary(times, elapsed_s=elapsed), "bytes": size}
            log(f"export {fmt} {target.size}: {out['exports'][fmt][target.size]['median_ms']} ms")
    return out


def merge(timings: dict, counts: dict) -> dict:
    """Timings with the query counts and the throughput as a ratio to the floor."""
    floor_rps = timings["floor"]["rps"]

    def with_counts(figures: dict, queries: int) -> dict:
        return {**figures, "queries": queries, "ratio": ratio(figures["rps"], floor_rps)}

    return {
        "floor": timings["floor"],
        "block_paste": timings["block_paste"],
        "matrix_page": {
            size: with_counts(figures, counts["matrix_page"][size])
            for size, figures in timings["matrix_page"].items()
        },
        "cell_update": {
            size: with_counts(figures, counts["cell_update"][size])
            for size, figures in timings["cell_update"].items()
        },
        "exports": {
            fmt: {
                size: with_counts(figures, counts["exports"][fmt][size])
                for size, figures in sizes.items()
            }
            for fmt, sizes in timings["exports"].items()
        },
    }


# -- The run -----------------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("BENCH_QUICK", "").lower() in {"1", "true", "yes"},
        help="small sizes, few runs, a 5 s load (also BENCH_QUICK=1); writes no results",
    )
    parser.add_argument("--runs", type=int, help="runs of the page and the cell update")
    parser.add_argument("--duration", type=float, help="seconds of workshop load (at most 60)")
    parser.add_argument(
        "--workers",
        type=int,
        help="uvicorn workers (default: 1 on SQLite, whose channel layer is the process's "
        "memory; 2 x cores, 2 to 4, on PostgreSQL with Redis)",
    )
    parser.add_argument("--watchers", type=int, help="WebSocket clients of the fan-out")
    parser.add_argument("--fanout-seconds", type=float, help="seconds of edits in the fan-out")
    parser.add_argument(
        "--capacity",
        type=float,
        metavar="SECONDS",
        help="seconds of each room in the workshop capacity search (0: no search; default 20, "
        "none in quick mode)",
    )
    parser.add_argument("--note", default="", help="said next to the figures (e.g. a busy machine)")
    parser.add_argument(
        "--write",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write bench/results.json and docs/performance.md (default: not in quick mode)",
    )
    parser.add_argument(
        "--update-baseline",
        action="store_true",
        help="store this run's query counts in bench/queries.json",
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    args = parser.parse_args(argv)
    if args.duration is not None and not 0 < args.duration <= 60:
        parser.error("--duration must be more than 0 and at most 60 seconds")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    plan = QUICK if args.quick else FULL
    if args.runs:
        plan = replace(plan, runs=args.runs)
    if args.duration:
        plan = replace(plan, load_seconds=args.duration)
    if args.capacity is not None:
        plan = replace(plan, capacity_seconds=args.capacity or None)
    if args.watchers or args.fanout_seconds:
        plan = replace(
            plan,
            fanout=replace(
                plan.fanout,
                watchers=args.watchers or plan.fanout.watchers,
                seconds=args.fanout_seconds or plan.fanout.seconds,
            ),
        )
    write = (not plan.quick) if args.write is None else args.write

    # Every participant joins from 127.0.0.1: let them all in within the minute. The channel
    # layer as in production: Redis with PostgreSQL, the process's memory with SQLite (and
    # then one process, which is all that layer serves).
    postgres = (os.environ.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql://"))
    extra = {"WORKSHOP_JOINS_PER_MINUTE_PER_IP": str(2 * plan.participants)}
    extra["REDIS_URL"] = srv.redis_url() if postgres else ""
    if args.workers is None:
        args.workers = srv.default_workers() if postgres else 1
    work, db_url, env = srv.django_start(extra)
    from django.db import connections

    try:
        run = bench(plan, env, work, args)
    finally:
        connections.close_all()
        if not args.keep:
            srv.database_drop(db_url)
    return conclude(run, plan, args, write)


def bench(plan: Plan, env: dict, work, args) -> dict:
    from django.db import connection, connections

    from . import build, load
    from .machine import describe

    log(f"database: {env['DATABASE_URL']}")
    user, password, matrices = build.populate(plan.sizes)
    targets = targets_prepare(matrices)
    machine = describe(connection)
    vendor = connection.vendor
    log("counting queries in process")
    counts = count_queries(InProcess(user), targets)
    workshop = load.prepare(user=user, matrix=matrices[plan.sizes[0]])
    watched = fanout.prepare(user=user, matrix=matrices[plan.sizes[0]])
    connections.close_all()

    layer = "Redis" if env.get("REDIS_URL") else "in-memory"
    log(f"starting gunicorn ({args.workers} uvicorn workers, {layer} channel layer)")
    with srv.Server(env, work, workers=args.workers) as server:
        try:
            session = server.session()
            session.login(build.USERNAME, password)
            session.refresh_csrf(f"/m/{targets[0].slug}/")
            # In the browser first, on the matrices as built (the block pastes below put them
            # back as they were, but the cell updates leave a letter or two).
            log("in Chromium: typing, findings, page load, bytes, scrolling")
            in_browser = browser.run(
                url=f"http://127.0.0.1:{server.port}",
                username=build.USERNAME,
                password=password,
                slugs=[target.slug for target in targets],
                quick=plan.quick,
                reference=browser.REFERENCE,
            )
            timings = measure_http(session, plan, targets, warmup=args.workers)
            biggest = largest.measure(session, quick=plan.quick, log=log)
            session.close()
            load_result = load.run(
                server=server,
                workshop=workshop,
                participants=plan.participants,
                seconds=plan.load_seconds,
                think_ms=plan.think_ms,
                facilitator=(build.USERNAME, password),
            )
        except BenchError as error:
            raise BenchError(f"{error}\n-- gunicorn's log --\n{server.log()}") from error
    # The fan-out on a server of its own, started afresh: its memory is read before and after
    # the watchers connect, and what the load above left behind would blur it.
    log(
        f"fan-out: {plan.fanout.watchers} watchers, {plan.fanout.rate:g} edits/s "
        f"for {plan.fanout.seconds:g} s"
    )
    with srv.Server(env, work, workers=args.workers, name="gunicorn-fanout") as server:
        try:
            fanned = fanout.run(
                server=server,
                plan=plan.fanout,
                info=watched,
                editor=(build.USERNAME, password),
                cell=targets[0].count_cell,
                codes=cell_codes(),
            )
        except BenchError as error:
            raise BenchError(f"{error}\n-- gunicorn's log --\n{server.log()}") from error
    run = merge(timings, counts)
    sizes = {t.slug: t.size for t in targets} | {"reference": browser.REFERENCE_SIZE}
    run["largest"] = biggest
    run["browser"] = {
        sizes[slug]: figures for slug, figures in in_browser.items() if slug != "skipped"
    } or in_browser
    if not load_result.get("skipped"):
        load_result["ratio"] = ratio(load_result["rps"], run["floor"]["rps"])
        load_result.update(
            load.verify(workshop, load_result.pop("acknowledged"), load_result.get("streams"))
        )
    run["workshop_load"] = load_result
    run["workshop_queries"] = workshop.get("queries", {}) if isinstance(workshop, dict) else {}
    run["fanout"] = fanned
    run["workshop_capacity"] = capacity_search(plan, env, work, args, user, password, matrices)
    busy = (machine["load_average_at_start"] or [0])[0] > 0.25 * (machine["cores"] or 1)
    run["machine"] = machine
    run["vendor"] = vendor
    run["settings"] = {
        "workers": args.workers,
        "server": "gunicorn, uvicorn workers (ASGI)",
        "channel_layer": layer,
        "quick": plan.quick,
        "runs": plan.runs,
        "floor_runs": plan.floor_runs,
        "export_runs": plan.export_runs,
        "heavy_export_runs": plan.heavy_export_runs,
        "server_environment": {
            k: v for k, v in env.items() if k not in ("SECRET_KEY", "DATABASE_URL")
        },
        "note": args.note or ("machine busy at start (load average)" if busy else ""),
    }
    return run


def capacity_search(plan: Plan, env: dict, work, args, user, password, matrices) -> dict:
    """The largest workshop room the server takes (bench/load.py), on a server of its own."""
    from . import build, load

    if plan.capacity_seconds is None:
        return {"skipped": "not asked for (quick mode; --capacity SECONDS)"}
    reason = load.available()
    if reason:
        return {"skipped": reason}
    matrix = matrices[plan.sizes[0]]
    log(f"workshop capacity: rooms of growing size, {plan.capacity_seconds:g} s each")
    with srv.Server(env, work, workers=args.workers, name="gunicorn-capacity") as server:
        try:
            return load.capacity(
                server=server,
                new_workshop=lambda: load.start(user=user, matrix=matrix),
                facilitator=(build.USERNAME, password),
                seconds=plan.capacity_seconds,
                think_ms=plan.think_ms,
            )
        except BenchError as error:
            raise BenchError(f"{error}\n-- gunicorn's log --\n{server.log()}") from error


def conclude(run: dict, plan: Plan, args, write: bool) -> int:
    from . import report, targets

    checks = targets.evaluate(run)
    run["targets"] = targets.as_json(checks)
    vendor = run["vendor"]
    counts = report.query_counts(run)
    comparison = report.baseline_compare(vendor, counts)
    run["query_baseline"] = comparison
    print(report.table(run, checks))
    print()
    for check in checks:
        print(check.line())
    if write:
        report.results_write(vendor, run)
        if not report.doc_update(vendor, report.table(run, checks)):
            log(f"note: docs/performance.md has no bench:{vendor} markers; table not written")
        report.doc_update("summary", report.summary(report.load_results()))
        log("wrote bench/results.json and docs/performance.md")
    if args.update_baseline:
        report.baseline_update(vendor, counts)
        log(f"stored the query counts as the {vendor} baseline in bench/queries.json")
        return 0
    if fanout_broken(run.get("fanout")):
        log("FAIL: the fan-out lost or reordered change messages (see above)")
        return 1
    for key in comparison["no_baseline"]:
        log(f"note: no baseline for {key} ({counts[key]} queries); add it with --update-baseline")
    for key, pair in comparison["below"].items():
        log(
            f"note: {key} now {pair['now']} queries, baseline {pair['baseline']}: "
            "lower the baseline"
        )
    if comparison["above"]:
        for key, pair in comparison["above"].items():
            log(f"FAIL: {key} makes {pair['now']} queries, baseline {pair['baseline']}")
        return 1
    return 0


def fanout_broken(figures: dict | None) -> bool:
    """Events lost, out of order or twice: a failure even in quick mode, where timings are not."""
    if not figures:
        return False
    return bool(figures["lost"] or figures["out_of_order"] or figures["duplicates"])


if __name__ == "__main__":
    sys.exit(main())
