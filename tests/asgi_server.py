"""The app served over ASGI by uvicorn in a thread of the test process, pages and live streams
alike, on the test database: what the browser tests and the live tests talk to.

In one process with the tests, the in-memory channel layer carries the changes from the
server's requests to its streams, as it does under `make run`; with REDIS_URL set, Redis does.
"""

import socket
import threading
import time

import uvicorn


class AsgiServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((host, 0))
        self.host, self.port = self.socket.getsockname()
        self.url = f"http://{host}:{self.port}"
        self.ws_url = f"ws://{host}:{self.port}"
        from config.asgi import application
        from config.serving import uvicorn_options

        # The limits every recipe serves with (config/serving.py): frames, proxy headers.
        config = uvicorn.Config(
            application,
            lifespan="off",
            log_level="warning",
            timeout_graceful_shutdown=1,
            **uvicorn_options(),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, name="asgi-server", daemon=True)

    def _run(self):
        self.server.run(sockets=[self.socket])

    def start(self) -> "AsgiServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("The ASGI server did not start.")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
