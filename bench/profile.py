"""Profile one endpoint in process with pyinstrument, on a fresh benchmark database.

    .venv/bin/python -m bench.profile page 300x12
    .venv/bin/python -m bench.profile cell 300x12 --runs 30
    .venv/bin/python -m bench.profile export:pdf 300x12 --html /tmp/pdf.html
    .venv/bin/python -m bench.profile vote 20x8
    .venv/bin/python -m bench.profile room 29x9 --people 300

Requests go through Django's test client with production settings (DEBUG off), as in
``bench.run``'s query counts; the first request is made before profiling, to warm caches.

``room`` prices a workshop of ``--people`` participants (each with three roles voted on every
activity) part by part, in CPU milliseconds (bench/room.py): the vote's database hop as the
ballot's stream makes it, a board redraw as what changed, the whole board (a board that opens
or falls behind), a stage change (the small message, and the revealed results, per process),
a whole "Whole grid" ballot (drawn only when a page asks); then votes over a real stream at the
room's pace with a board open, CPU per vote all included. ``--html`` profiles the redraw.
"""

import argparse
import json
import sys
import time
from pathlib import Path

from . import server as srv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("endpoint", help="page, cell, export:<csv|xlsx|pdf|json|md>, vote or room")
    parser.add_argument("size", help="activities x roles, e.g. 300x12")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML report here")
    parser.add_argument("--flat", action="store_true", help="functions by their own time")
    parser.add_argument("--people", type=int, default=30, help="room: participants")
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
        elif args.endpoint == "room":
            return room(args, user, matrix)
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


def room(args, user, matrix) -> int:
    """The parts of a workshop's vote path, priced (see the module's docstring)."""
    import asyncio

    from apps.live.workshop import deltas, renders
    from apps.live.workshop import votes as stream_votes
    from apps.workshops import services
    from apps.workshops.models import Participant, Workshop
    from apps.workshops.regions import ballot_html

    from .room import crowd, sessions, timed, votes_with_a_board

    workshop = services.workshop_start(matrix=matrix, activities=matrix.activities.all())
    everyone = crowd(workshop, args.people)
    runs = args.runs
    person = Participant.objects.select_related("workshop__matrix").get(pk=everyone[0].pk)
    frame = stream_votes.frame_of(person)
    activities, roles = sorted(frame.activities), sorted(frame.roles)
    turn = iter(range(10**9))

    def vote():
        n = next(turn)
        a, r = activities[n % len(activities)], roles[(n // len(activities)) % len(roles)]
        stream_votes.record(frame, a, r, "RACI"[n % 4])

    figures = {"vote hop (database, one transaction)": timed(vote, runs * 5)}
    snap = [deltas.draw(workshop.pk, None)[0]]

    def redraw():
        vote()
        vote()
        snap[0], delta = deltas.draw(workshop.pk, snap[0])
        redraw.kb = len(json.dumps(delta)) / 1024

    figures["board redraw as a delta, after 2 votes (less the 2 votes)"] = (
        timed(redraw, runs) - 2 * figures["vote hop (database, one transaction)"]
    )
    request = page_request()
    figures["whole board (read and rendered)"] = timed(
        lambda: deltas.whole(deltas.draw(workshop.pk, None)[0], request), max(3, runs // 5)
    )
    whole_kb = len(deltas.whole(snap[0], request)) / 1024
    services.workshop_reveal(workshop=Workshop.objects.get(pk=workshop.pk), revealed=True)
    stage = Workshop.objects.get(pk=workshop.pk).stage
    figures["stage change message (per process)"] = timed(
        lambda: renders._stage_text.__wrapped__(stage, "paused", True), runs
    )
    figures["revealed results as data (per process)"] = timed(
        lambda: renders.draw_results(workshop.pk, stage), runs
    )
    results_kb = len(renders.draw_results(workshop.pk, stage)) / 1024
    person = Participant.objects.select_related("workshop__matrix").get(pk=everyone[0].pk)
    figures["a whole 'Whole grid' ballot (only when a page asks)"] = timed(
        lambda: ballot_html(person, step=None, grid=True), max(3, runs // 5)
    )
    services.workshop_reveal(workshop=Workshop.objects.get(pk=workshop.pk), revealed=False)
    print(f"room {args.size}, {args.people} participants (CPU ms, mean of {runs} or fewer):")
    for name, ms in figures.items():
        print(f"  {ms:8.2f}  {name}")
    print(
        f"  sizes: a delta after 2 votes {redraw.kb:.1f} KB, the whole board {whole_kb:.0f} KB, "
        f"the revealed results {results_kb:.1f} KB"
    )
    renders.forget()
    workshop = Workshop.objects.select_related("matrix").get(pk=workshop.pk)
    cookies = sessions(workshop, everyone[1 : 1 + min(20, args.people - 1)], user)
    live = asyncio.run(votes_with_a_board(workshop, cookies, roles, args.people, runs * 20))
    print(
        f"  {live['cpu_ms_per_vote']:8.2f}  per vote over {len(cookies[0])} streams at "
        f"{args.people} votes/s asked with a board open, everything included "
        f"({live['votes']} votes in {live['seconds']:.1f} s; "
        f"board messages {dict(live['board_messages'])}, "
        f"{live['board_kb_per_message']:.1f} KB each on average)"
    )
    if args.html:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(runs):
                redraw()
        args.html.write_text(profiler.output_html())
        print(profiler.output_text(unicode=True, color=False, flat=args.flat)[:6000])
    return 0


def page_request():
    from apps.live.workshop.access import page_request as request_of

    return request_of({"path": "/ws/", "headers": [(b"host", b"127.0.0.1")]})


if __name__ == "__main__":
    sys.exit(main())
