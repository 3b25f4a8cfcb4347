"""What the load costs (bench/cpu.py): the server's CPU per vote, the harness's share; and the
asyncio participants (bench/participants.py) driven against a trivial server (bench/echo.py)."""

import pytest

from bench import cpu, load, report, targets
from bench.server import cpu_seconds, workdir


def test_the_server_cpu_per_vote_is_its_cpu_over_the_window_over_acknowledged_votes():
    window = cpu.Window(start_cpu_s=10.0, end_cpu_s=13.0, wall_s=20.0)
    assert window.used_s == 3.0
    assert cpu.per_vote_ms(window, 1500) == 2.0
    assert cpu.per_vote_ms(window, 0) is None
    # A worker that restarted reads less than before: never a negative cost.
    assert cpu.Window(5.0, 4.0, 1.0).used_s == 0.0


def test_the_harness_share_is_its_cpu_over_the_wall_time_in_cores_and_of_the_machine():
    assert cpu.share(3.0, 20.0, cores=2) == {"cores_used": 0.15, "machine_share": 0.075}
    assert cpu.share(1.0, 0.0, cores=2) == {"cores_used": None, "machine_share": None}
    figures = cpu.figures(server=cpu.Window(0.0, 6.0, 10.0), harness_cpu_s=1.0, votes=2000, cores=2)
    assert figures["server_cpu_ms_per_vote"] == 3.0
    assert figures["server"]["cores_used"] == 0.6
    assert figures["harness_cpu_ms_per_vote"] == 0.5
    assert figures["harness"] == {"cores_used": 0.1, "machine_share": 0.05}


def test_cpu_seconds_are_read_from_proc_for_a_running_process():
    import os

    spent = cpu_seconds(os.getpid())
    sum(i * i for i in range(300_000))
    assert cpu_seconds(os.getpid()) > spent
    assert cpu_seconds(2**22 + 12345) == 0.0  # no such process: nothing, no error


def test_participants_are_dealt_evenly_between_the_harness_processes():
    parts = load.split(list(range(7)), 3)
    assert parts == [[0, 3, 6], [1, 4], [2, 5]]
    assert sorted(x for part in parts for x in part) == list(range(7))


def test_a_stage_change_is_timed_per_view_and_a_ballot_it_never_reached_is_missed():
    change = {"change": "pause", "sent": 100.0, "stage": 4}
    everyone = [
        {"view": "grid", "hello": True, "stages": [(3, 99.0), (4, 100.2)]},
        {"view": "grid", "hello": True, "stages": [(5, 100.4)]},  # a later stage counts
        {"view": "", "hello": True, "stages": [(4, 100.1)]},
        {"view": "", "hello": True, "stages": [(3, 99.5)]},  # never got it
        {"view": "", "hello": False, "stages": []},  # never connected: not a ballot
    ]
    figures = load.stage_figures(everyone, [change])
    grid, one = figures["pause (whole grid)"], figures["pause (one activity)"]
    assert (grid["ballots"], grid["missed"], grid["max_ms"]) == (2, 0, 400.0)
    assert (one["ballots"], one["missed"], one["p50_ms"]) == (2, 1, 100.0)
    checks = {
        c.what: c.ok
        for c in targets.evaluate(
            {"workshop_stages": {"participants": 5, "changes": figures}, "vendor": "sqlite"}
        )
    }
    assert checks["stage change to 5 ballots, pause (whole grid): p95"] is True
    assert checks["stage change, pause (one activity): ballots missed"] is False
    text = "".join(report.stage_lines({"participants": 5, "changes": figures}))
    assert "1 of 2 missed" in text


def test_the_room_to_take_is_300_on_postgresql_and_150_on_sqlite():
    def largest(vendor, room):
        results = {"vendor": vendor, "workshop_capacity": {"largest_room": room}}
        results["workshop_capacity"]["p95_limit_ms"] = 250
        return next(c for c in targets.evaluate(results) if "capacity" in c.what).ok

    assert largest("sqlite", 150) and not largest("sqlite", 125)
    assert largest("postgresql", 300) and not largest("postgresql", 275)


@pytest.mark.parametrize("mode", load.VOTE_MODES)
def test_the_asyncio_participants_join_hold_their_stream_and_vote(mode, monkeypatch):
    """Against bench/echo.py, which answers at once: every vote is answered and counted, and
    the harness reports its own CPU."""
    from bench.echo import EchoServer

    monkeypatch.setattr(load, "stage_run", lambda board, workshop: [])
    monkeypatch.setattr(load, "workshop_version", lambda pk: None)
    workshop = {
        "pk": 1,
        "code": "ACDEFH",
        "slug": "calibration",
        "activities": [1, 2],
        "roles": [3, 4],
        "codes": ["R", "A", "none"],
    }
    with EchoServer(workdir()) as server:
        result = load.run(
            server=server,
            workshop=workshop,
            participants=12,
            seconds=2,
            think_ms=200,
            facilitator=("f", "p"),
            mode=mode,
            processes=2,
        )
    assert result["joined"] == 12
    assert result["errors"] == 0, result["error_kinds"]
    assert result["streams"]["ballots_failed"] == 0
    assert result["cost"]["votes"] == result["requests"] > 12
    assert result["cost"]["harness_cpu_s"] > 0
    acknowledged = sum(p["votes"] for p in result["acknowledged"].values())
    assert acknowledged == result["requests"]
