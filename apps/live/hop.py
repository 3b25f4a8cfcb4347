"""A stream's trip to the database, on a connection the server process keeps for its streams.

Channels' ``database_sync_to_async`` closes the thread's connection before and after every call
when ``CONN_MAX_AGE`` is 0 (the setting under ASGI, where each HTTP request runs on a thread of
its own and would leak a kept connection). Every vote, board redraw and access check of a room
is such a call: under load a server process spent a fifth of its CPU opening connections
(py-spy, a 150-person room on SQLite: 239 of 1,100 samples in ``get_new_connection``), and on
PostgreSQL each call also forked a backend.

A process's stream hops all run on one thread (they are thread-sensitive: asgiref's single
executor thread), so that thread can keep one connection for good: ``database_hop`` does, once
the server turned it on (``keep_connections()``: config.serving's ASGI worker and the workshop
server). The connection is still closed, and opened again on the next hop, when a hop left it
unusable (an error and a failed health check), inside a transaction or with autocommit changed,
as Django does between requests. Without it (the tests' consumers, ``make run``) a hop behaves
as Channels' own.
"""

from asgiref.sync import SyncToAsync
from django.db import close_old_connections, connections

_keep = False


def keep_connections(keep: bool = True) -> None:
    """Keep the stream thread's connections from now on (called once by a server process)."""
    global _keep
    _keep = keep


def _hold() -> None:
    """Let the connections this thread holds outlive ``CONN_MAX_AGE`` 0 (but not an error)."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.in_atomic_block:
            connection.close_at = None


class DatabaseHop(SyncToAsync):
    """``channels.db.database_sync_to_async``, keeping the thread's connection when told to."""

    def thread_handler(self, loop, *args, **kwargs):
        close_old_connections()  # closes only an unusable or obsolete one when kept
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            if _keep:
                _hold()
            close_old_connections()


database_hop = DatabaseHop
