"""Live streams tested in the test process: the whole ASGI application (origin check, cookies,
routing, consumer) driven by Channels' WebsocketCommunicator, changes made through the services
in a thread, as a request would make them. The data is committed (transactional_db), so the
consumer's own threads see it.

With REDIS_URL set (CI's PostgreSQL run), the channel layer and the presence list are Redis's.
"""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.conf import settings
from django.test import Client

from apps.live import gate, presence
from config.asgi import application

HOST = "127.0.0.1"
ORIGIN = f"http://{HOST}"


@pytest.fixture(autouse=True)
def _fresh_layer_and_presence(transactional_db):
    """Each test starts with an empty channel layer and presence list."""
    channel_layers.backends.clear()
    presence.reset()
    gate.reset()
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter("raci:presence:*"))
        if keys:
            client.delete(*keys)
        client.close()
    yield
    channel_layers.backends.clear()
    presence.reset()
    gate.reset()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class Stream:
    """One browser's stream, as the test sees it."""

    def __init__(
        self,
        path: str,
        cookie: str | None = None,
        origin: str | None = ORIGIN,
        host: str = HOST,
        client: str = "127.0.0.1",
        headers: list | None = None,
    ):
        # As a browser sends them: the server's host, and the page's origin.
        headers = [(b"host", host.encode()), *(headers or [])]
        if origin:
            headers.append((b"origin", origin.encode()))
        if cookie:
            headers.append((b"cookie", cookie.encode()))
        # What an ASGI server passes the application for a WebSocket (channels.testing has a
        # WebsocketCommunicator, but its package needs daphne, which nothing else here does).
        scope = {
            "type": "websocket",
            "path": path,
            "query_string": b"",
            "headers": headers,
            "client": (client, 50000),
            # As uvicorn: a handshake may be answered with an HTTP status (apps/live/gate.py).
            "extensions": {"websocket.http.response": {}},
        }
        self.communicator = ApplicationCommunicator(application, scope)
        self.accepted = None
        self.close_code = None
        self.status = None

    async def open(self) -> "Stream":
        await self.communicator.send_input({"type": "websocket.connect"})
        response = await self.communicator.receive_output(5)
        self.accepted = response["type"] == "websocket.accept"
        if response["type"] == "websocket.http.response.start":
            self.status = response["status"]  # refused with an HTTP answer
            self.body = (await self.communicator.receive_output(5))["body"].decode()
        elif not self.accepted:
            self.close_code = response.get("code", 1000)
        return self

    async def next(self, timeout: float = 3) -> dict:
        """The next message; TimeoutError if none comes (the stream stays open, unlike with
        receive_output, which ends the application on a timeout)."""
        communicator = self.communicator
        if communicator.future.done() and communicator.output_queue.empty():
            communicator.future.result()  # the consumer raised: show why
        output = await asyncio.wait_for(communicator.output_queue.get(), timeout)
        if output["type"] == "websocket.close":
            self.close_code = output.get("code")
            return {"t": "__closed__", "code": self.close_code}
        return json.loads(output["text"])

    async def until(self, kind: str, timeout: float = 3) -> dict:
        """The next message of ``kind``, skipping others (presence, say)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            message = await self.next(max(0.05, deadline - loop.time()))
            if message["t"] == kind:
                return message
            if message["t"] == "__closed__":
                raise AssertionError(f"closed ({message['code']}) while waiting for {kind}")

    async def all(self, timeout: float = 0.3) -> list[dict]:
        """Every message that arrives within ``timeout``."""
        messages = []
        while True:
            try:
                messages.append(await self.next(timeout))
            except TimeoutError:
                return messages
            if messages[-1]["t"] == "__closed__":
                return messages

    async def send(self, message) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        await self.communicator.send_input({"type": "websocket.receive", "text": text})

    async def close(self) -> None:
        await self.communicator.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.communicator.wait(5)


def run(coroutine_function, *args):
    """Run an async scenario to its end, from a thread of its own: once the browser tests have
    started Playwright, this thread has an event loop of Playwright's, and async_to_sync refuses
    to run beside it."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(async_to_sync(coroutine_function), *args).result()


def in_thread(function, *args, **kwargs):
    """Run a service the way a request does: in a thread, its commit announced from there."""
    return database_sync_to_async(function)(*args, **kwargs)
