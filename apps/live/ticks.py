"""When a stream's periodic checks come: ``every`` seconds apart on average, each stream at a
phase of its own.

Streams opened together (a room joining at once, every page reconnecting after a restart) would
otherwise check together, every ``every`` seconds, for as long as they stay open: a 300-person
room's 300 access checks queued at once on the process's one database thread, ahead of the
votes, which stalled for 0.4 to 0.9 s every 10 s (bench.workshop, PostgreSQL, votes traced per
second). The first wait is drawn from half to one and a half times ``every``, the next within a
tenth of it, so the checks spread over the whole interval and stay spread.
"""

import asyncio
import random


async def tick_wait(every: float, *, first: bool) -> None:
    spread = (0.5, 1.5) if first else (0.9, 1.1)
    await asyncio.sleep(every * random.uniform(*spread))  # noqa: S311 (timing, not security)
