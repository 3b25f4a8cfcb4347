"""Summaries of timings: medians and percentiles, and throughput as a ratio to the floor."""

import math
import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(times_ms: Sequence[float], *, elapsed_s: float | None = None) -> dict:
    """Median, p95, p99, min, max of request times in milliseconds, and requests per second.

    Throughput is the number of requests over ``elapsed_s`` (the wall time they took,
    requests sent one after the other unless said otherwise), else over their summed times.
    """
    elapsed = elapsed_s if elapsed_s is not None else sum(times_ms) / 1000
    return {
        "runs": len(times_ms),
        "median_ms": round(statistics.median(times_ms), 2),
        "p95_ms": round(percentile(times_ms, 95), 2),
        "p99_ms": round(percentile(times_ms, 99), 2),
        "min_ms": round(min(times_ms), 2),
        "max_ms": round(max(times_ms), 2),
        "rps": round(len(times_ms) / elapsed, 1) if elapsed > 0 else None,
    }


def ratio(rps: float | None, floor_rps: float | None) -> float | None:
    """Throughput as a fraction of the trivial view's: comparable across machines."""
    if not rps or not floor_rps:
        return None
    return round(rps / floor_rps, 3)
