"""What the load costs, in CPU: the server's per vote and the harness's share of the machine.

Both are read from Linux's /proc (``utime`` + ``stime`` of every process, bench/server.py's
``cpu_seconds``) or from ``getrusage`` in the harness's processes, before and after the voting.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    """CPU seconds of a set of processes at the start and the end of a window of wall time."""

    start_cpu_s: float
    end_cpu_s: float
    wall_s: float

    @property
    def used_s(self) -> float:
        return max(0.0, self.end_cpu_s - self.start_cpu_s)


def per_vote_ms(window: Window, votes: int) -> float | None:
    """CPU milliseconds per acknowledged vote over the window (None without votes)."""
    if votes <= 0:
        return None
    return round(1000 * window.used_s / votes, 3)


def share(cpu_s: float, wall_s: float, cores: int | None = None) -> dict:
    """CPU seconds over wall seconds: as a fraction of one core, and of the machine's cores."""
    if wall_s <= 0:
        return {"cores_used": None, "machine_share": None}
    cores_used = cpu_s / wall_s
    return {
        "cores_used": round(cores_used, 3),
        "machine_share": round(cores_used / cores, 3) if cores else None,
    }


def figures(*, server: Window, harness_cpu_s: float, votes: int, cores: int | None) -> dict:
    """The cost figures ``make bench`` prints beside the latencies."""
    return {
        "server_cpu_s": round(server.used_s, 3),
        "server_cpu_ms_per_vote": per_vote_ms(server, votes),
        "server": share(server.used_s, server.wall_s, cores),
        "harness_cpu_s": round(harness_cpu_s, 3),
        "harness_cpu_ms_per_vote": per_vote_ms(Window(0, harness_cpu_s, server.wall_s), votes),
        "harness": share(harness_cpu_s, server.wall_s, cores),
        "votes": votes,
        "wall_s": round(server.wall_s, 2),
    }
