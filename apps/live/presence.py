"""Who has a matrix open: one entry per open connection, with the cell it has focused.

Kept where every process sees it: in Redis when REDIS_URL is set (a hash of the members and a
sorted set of when each was last heard from, per matrix), in this process's memory when it is
not (then there is only one process). Each connection refreshes its entry every few seconds
(consumers.py); an entry not refreshed for ``STALE_AFTER`` seconds belongs to a connection that
died with its process, and whoever notices first removes it and tells the others.
"""

import json
import time
from dataclasses import asdict, dataclass

from django.conf import settings

STALE_AFTER = 30  # seconds
POOL_SIZE = 100  # Redis connections per process (event loop) for the presence lists
POOL_WAIT = 5  # seconds a stream waits for one of them before giving up


def now() -> float:
    return time.time()


@dataclass(slots=True)
class Member:
    id: str  # the connection's, not the person's: one person may have two tabs open
    name: str
    initials: str
    color: int
    user: int | None = None  # None for a share link's visitor
    viewer: bool = False  # can see but not change the matrix
    focus: str | None = None  # the id of the focused cell, e.g. "cell-12-3"

    def as_dict(self) -> dict:
        return asdict(self)


class MemoryPresence:
    def __init__(self):
        self._members: dict[int, dict[str, tuple[Member, float]]] = {}

    async def join(self, matrix_id: int, member: Member) -> None:
        self._members.setdefault(matrix_id, {})[member.id] = (member, now())

    async def touch(self, matrix_id: int, member: Member) -> None:
        await self.join(matrix_id, member)

    async def leave(self, matrix_id: int, member_id: str) -> None:
        members = self._members.get(matrix_id, {})
        members.pop(member_id, None)
        if not members:
            self._members.pop(matrix_id, None)

    async def expire(self, matrix_id: int) -> list[str]:
        members = self._members.get(matrix_id, {})
        limit = now() - STALE_AFTER
        stale = [key for key, (_, seen) in members.items() if seen < limit]
        for key in stale:
            members.pop(key, None)
        return stale

    async def roster(self, matrix_id: int) -> list[dict]:
        limit = now() - STALE_AFTER
        members = list(self._members.get(matrix_id, {}).values())
        return [member.as_dict() for member, seen in members if seen >= limit]

    async def ping(self) -> None:
        return None

    async def server_id(self) -> str:
        return "memory"


class RedisPresence:
    def __init__(self, url: str):
        from redis import asyncio as aioredis

        self._url = url
        self._aioredis = aioredis
        self._clients = {}

    def _client(self):
        # A client per event loop: a connection cannot be shared between loops.
        import asyncio

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            # A pool that makes a stream wait for a free connection rather than fail: since
            # redis-py 8 a pool holds at most 100 connections by default and refuses the 101st
            # ("Too many connections"), and a room's streams closing together (250 at once in
            # tests/live/test_many_streams.py) each remove their entry at the same moment;
            # refused, those entries stayed on every page as ghosts until they went stale.
            pool = self._aioredis.BlockingConnectionPool.from_url(
                self._url,
                max_connections=POOL_SIZE,
                timeout=POOL_WAIT,
                socket_connect_timeout=2,
                socket_timeout=2,
                decode_responses=True,
            )
            client = self._clients[loop] = self._aioredis.Redis(connection_pool=pool)
        return client

    @staticmethod
    def _keys(matrix_id: int) -> tuple[str, str]:
        return f"raci:presence:{matrix_id}", f"raci:presence:{matrix_id}:seen"

    async def join(self, matrix_id: int, member: Member) -> None:
        members, seen = self._keys(matrix_id)
        async with self._client().pipeline(transaction=True) as pipe:
            pipe.hset(members, member.id, json.dumps(member.as_dict()))
            pipe.zadd(seen, {member.id: now()})
            # Nothing outlives its matrix's last visitor by long: each stream refreshes its
            # entry every TICK (10 s), and the keys go STALE_AFTER after the last refresh.
            pipe.expire(members, STALE_AFTER * 2)
            pipe.expire(seen, STALE_AFTER * 2)
            await pipe.execute()

    touch = join

    async def leave(self, matrix_id: int, member_id: str) -> None:
        members, seen = self._keys(matrix_id)
        async with self._client().pipeline(transaction=True) as pipe:
            pipe.hdel(members, member_id)
            pipe.zrem(seen, member_id)
            await pipe.execute()

    async def expire(self, matrix_id: int) -> list[str]:
        members, seen = self._keys(matrix_id)
        client = self._client()
        stale = await client.zrangebyscore(seen, "-inf", now() - STALE_AFTER)
        removed = []
        for member_id in stale:
            # Only one of the processes that notice it removes it, and tells the others.
            if await client.zrem(seen, member_id):
                await client.hdel(members, member_id)
                removed.append(member_id)
        return removed

    async def roster(self, matrix_id: int) -> list[dict]:
        """The members heard from lately (an entry not refreshed for STALE_AFTER is not shown,
        even before someone removes it)."""
        members, seen = self._keys(matrix_id)
        client = self._client()
        fresh = await client.zrangebyscore(seen, now() - STALE_AFTER, "+inf")
        if not fresh:
            return []
        return [json.loads(value) for value in await client.hmget(members, fresh) if value]

    async def ping(self) -> None:
        await self._client().ping()

    async def server_id(self) -> str:
        """The answering server's run id, which a restart changes (watch.py)."""
        return (await self._client().info("server"))["run_id"]


_store = None


def store():
    global _store
    if _store is None:
        url = settings.REDIS_URL
        _store = RedisPresence(url) if url else MemoryPresence()
    return _store


def reset() -> None:
    """Forget the store (the tests switch between the in-memory one and Redis)."""
    global _store
    _store = None
