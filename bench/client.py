"""A small HTTP client on the standard library: cookies, CSRF, timing. One per thread.

The benchmark needs nothing more than sequential requests over loopback with a cookie jar,
so it uses ``http.client`` rather than adding a dependency.
"""

import http.client
import re
import ssl
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_IN_HTML = (
    re.compile(r'"X-CSRFToken":\s*"([^"]+)"'),
    re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"'),
)


class BenchError(Exception):
    """The benchmark cannot go on: a request answered something it should not have."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    ms: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def csrf_token(self) -> str | None:
        for pattern in CSRF_IN_HTML:
            if match := pattern.search(self.text):
                return match.group(1)
        return None


class Session:
    """Cookies and a connection to one server; not thread-safe (use one per thread)."""

    def __init__(self, host: str, port: int, *, timeout: float = 120, tls: bool = False):
        self.host, self.port, self.timeout = host, port, timeout
        # HTTPS to a server with a throwaway certificate (nginx in tests/scaleout): unverified.
        self.tls = tls
        self.cookies: dict[str, str] = {}
        self.csrf: str | None = None
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(
        self,
        method: str,
        path: str,
        *,
        data: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Send one request and read the whole answer; ``ms`` is the time from send to last byte."""
        all_headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if method != "GET" and self.csrf:
            all_headers["X-CSRFToken"] = self.csrf
        if method != "GET":
            # As a browser does; over HTTPS, Django's CSRF check wants it (or a Referer).
            scheme = "https" if self.tls else "http"
            all_headers["Origin"] = f"{scheme}://{self.host}:{self.port}"
        all_headers.update(headers or {})
        # A kept-alive connection the server closed while it was idle (uvicorn does after 5 s)
        # fails on the next request before the server has seen it: open a new one and send it
        # again, once, as browsers do.
        for attempt in (1, 2):
            reused = self._conn is not None
            if self._conn is None:
                self._conn = self._connect()
            start = time.perf_counter()
            try:
                self._conn.request(method, path, body=body, headers=all_headers)
                answer = self._conn.getresponse()
                content = answer.read()
                break
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                self.close()
                if not reused or attempt == 2:
                    raise
            except (OSError, http.client.HTTPException):
                self.close()
                raise
        ms = (time.perf_counter() - start) * 1000
        response = Response(answer.status, dict(answer.getheaders()), content, ms)
        for name, value in answer.getheaders():
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        if answer.will_close:
            self.close()
        return response

    def _connect(self) -> http.client.HTTPConnection:
        if self.tls:
            return http.client.HTTPSConnection(
                self.host,
                self.port,
                timeout=self.timeout,
                context=ssl._create_unverified_context(),  # noqa: S323
            )
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Response:
        return self.request("POST", path, data=data, **kwargs)

    def expect(self, response: Response, *statuses: int) -> Response:
        if response.status not in statuses:
            raise BenchError(
                f"answered {response.status}, expected {statuses}: {response.text[:300]}"
            )
        return response

    def refresh_csrf(self, path: str) -> None:
        """Take the CSRF token from a page (the one sent with htmx requests)."""
        page = self.expect(self.get(path), 200)
        self.csrf = page.csrf_token() or self.csrf

    def login(self, username: str, password: str, *, path: str = "/accounts/login/") -> None:
        """Sign in through the login form, once; the session cookie is then reused."""
        form = self.expect(self.get(path), 200)
        token = form.csrf_token()
        answer = self.post(
            path, {"username": username, "password": password, "csrfmiddlewaretoken": token or ""}
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"login as {username!r} failed ({answer.status}): {answer.text[:300]}")
