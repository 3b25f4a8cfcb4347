"""A real HTTP server that receives webhooks in a thread of the test: it records each request
and answers with the statuses it is told, in turn (the last one from then on)."""

import http.server
import threading
from dataclasses import dataclass


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


class Receiver:
    def __init__(self, answers=(200,), location: str = ""):
        self.answers = list(answers)
        self.received: list[Received] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.arrived:
                    receiver.received.append(Received(self.path, dict(self.headers), body))
                    status = receiver.answers[
                        min(len(receiver.received), len(receiver.answers)) - 1
                    ]
                    receiver.arrived.notify_all()
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, n: int, timeout: float = 20) -> list[Received]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= n, timeout)
        return list(self.received)
