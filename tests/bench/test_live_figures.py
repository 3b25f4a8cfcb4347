"""The bookkeeping of the live benchmarks: what counts as lost or out of order in the fan-out,
how its latency is taken, and how the workshop capacity search closes in on the largest room."""

import pytest

from bench import fanout, load, report, targets


def edit(version: int, ack: float) -> dict:
    return {"status": 200, "version": version, "sent": ack - 0.01, "ack": ack}


def test_the_fanout_counts_what_each_watcher_missed_reordered_or_got_twice():
    edits = [edit(11, 1.0), edit(12, 2.0), edit(13, 3.0)]
    watched = [
        {"hello": 10, "changes": [(11, 1.01), (12, 2.02), (13, 3.03)], "syncs": [], "error": ""},
        {"hello": 10, "changes": [(11, 1.05), (13, 3.01)], "syncs": [13], "error": ""},  # lost 12
        {"hello": 10, "changes": [(12, 2.0), (11, 2.1), (13, 3.0), (13, 3.0)], "syncs": []}
        | {"error": ""},  # 11 after 12, 13 twice
        {"hello": 12, "changes": [(13, 3.2)], "syncs": [], "error": ""},  # joined late: only 13
    ]
    figures = fanout._figures(edits, watched)
    assert (figures["lost"], figures["out_of_order"], figures["duplicates"]) == (1, 2, 1)
    assert figures["catch_ups"] == 1
    assert figures["messages_expected"] == 3 + 3 + 3 + 1
    # An edit's latency is to its last watcher: 11 reached the third at 2.1 s, 1.1 s after.
    assert figures["fanout_last"]["max_ms"] == pytest.approx(1100, abs=0.5)
    broken = {"fanout": {**figures, "watchers": len(watched)}}
    checks = {c.what: c.ok for c in targets.evaluate(broken)}
    assert checks["fan-out to 4 watchers: change messages lost"] is False


def test_the_capacity_search_closes_in_on_the_largest_room_that_passes(monkeypatch):
    for limit, found in ((0, 0), (30, 25), (137, 125), (300, 300), (420, 400), (900, 800)):
        tried = []

        def fake_run(*, participants, limit=limit, tried=tried, **kwargs):
            tried.append(participants)
            p95 = 100 if participants <= limit else 900
            return {
                "vote": {"median_ms": 50, "p95_ms": p95},
                "votes_rps": participants,
                "errors": 0,
                "acknowledged": {},
                "streams": {"ballots_failed": 0},
            }

        monkeypatch.setattr(load, "run", fake_run)
        monkeypatch.setattr(load, "verify", lambda *args: {"lost_votes": 0})
        monkeypatch.setattr(load, "log", lambda message: None)
        result = load.capacity(
            server=None, new_workshop=dict, facilitator=("f", "p"), seconds=1, think_ms=1000
        )
        assert result["largest_room"] == found, (limit, tried)
        assert len(tried) <= 9
        assert "Workshop capacity" in "".join(report.capacity_lines(result))


def test_a_room_that_loses_a_vote_or_a_stream_fails_however_fast():
    fast = {"vote": {"p95_ms": 20}, "errors": 0, "lost_votes": 0, "streams": {}}
    assert load.passed(fast)
    assert not load.passed({**fast, "lost_votes": 1})
    assert not load.passed({**fast, "streams": {"ballots_failed": 1}})
    assert not load.passed({**fast, "board_stale": True})
    assert not load.passed({**fast, "vote": {"p95_ms": load.P95_LIMIT_MS + 1}})
