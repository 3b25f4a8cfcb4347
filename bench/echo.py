"""A trivial server for calibrating the load generator: a bare ASGI app (no Django) that answers
every request and message the workshop load makes (joins, ballot pages, votes by POST or over
the stream, the facilitator's login) at once, served by one uvicorn process. What the harness
reaches against it is the harness's own ceiling (``python -m bench.workshop --calibrate``)."""

import json
import subprocess
import sys
import time

from .client import BenchError, Session
from .server import ROOT, cpu_seconds, free_port

PAGE = (
    b'<form><input type="hidden" name="csrfmiddlewaretoken" value="calibration"></form>'
    b'<div id="ballot" data-stage="1"></div>'
)


async def app(scope, receive, send):
    if scope["type"] == "http":
        await _http(scope, receive, send)
    elif scope["type"] == "websocket":
        await _websocket(receive, send)


async def _http(scope, receive, send):
    while (await receive()).get("more_body"):
        pass
    path, method = scope["path"], scope["method"]
    status, headers, body = 200, [(b"content-type", b"text/html")], PAGE
    if path == "/healthz":
        body = b"ok"
    elif method == "POST" and not path.endswith("/cast/"):
        status = 302  # a join or a login: a session, and on
        headers += [(b"location", b"/"), (b"set-cookie", b"sessionid=calibration; Path=/")]
        body = b""
    elif method == "POST":
        body = b'<span class="saved">Saved</span>'
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _websocket(receive, send):
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": json.dumps({"t": "hello", "stage": 1, "v": 1})})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        data = json.loads(message.get("text") or "{}")
        if data.get("t") == "vote":
            answer = {**data, "t": "voted", "v": 1}
            await send({"type": "websocket.send", "text": json.dumps(answer)})


class EchoServer:
    """``app`` under one uvicorn process, with the bench Server's interface."""

    def __init__(self, workdir):
        self.port = free_port()
        self.log_path = workdir / "echo.log"
        self.process = None

    def __enter__(self):
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our interpreter, fixed arguments)
                [
                    *(sys.executable, "-m", "uvicorn", "bench.echo:app", "--port", str(self.port)),
                    *("--log-level", "warning", "--lifespan", "off", "--no-access-log"),
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.session(timeout=2).get("/healthz").status == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise BenchError("the echo server did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def session(self, **kwargs) -> Session:
        return Session("127.0.0.1", self.port, **kwargs)
