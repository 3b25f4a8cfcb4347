"""A small asyncio HTTP/1.1 client for the load's participants: one kept-alive connection per
participant, a cookie jar, CSRF. The standard library only, as bench/client.py, so that a few
hundred participants cost a few coroutines in one process rather than a thread each."""

import asyncio
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .client import CSRF_IN_HTML, Response


class AsyncSession:
    def __init__(self, host: str, port: int, *, timeout: float = 30):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.csrf: str | None = None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._reader = self._writer = None

    async def request(
        self, method: str, path: str, *, data: dict | None = None, headers: dict | None = None
    ) -> Response:
        body = urlencode(data).encode() if data is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            lines.append(f"Cookie: {self.cookie_header}")
        if method != "GET":
            lines.append(f"Origin: http://{self.host}:{self.port}")
            if self.csrf:
                lines.append(f"X-CSRFToken: {self.csrf}")
        if data is not None:
            lines.append("Content-Type: application/x-www-form-urlencoded")
        if method != "GET" or body:
            lines.append(f"Content-Length: {len(body)}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        # A kept-alive connection the server closed while idle fails before the server saw the
        # request: open a new one and send it again, once, as browsers do.
        for attempt in (1, 2):
            reused = self._writer is not None
            if self._writer is None:
                self._reader, self._writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), self.timeout
                )
            start = time.perf_counter()
            try:
                self._writer.write(raw)
                status, answer_headers, content = await asyncio.wait_for(self._read(), self.timeout)
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if not reused or attempt == 2:
                    raise
            except (OSError, TimeoutError):
                await self.close()
                raise
        ms = (time.perf_counter() - start) * 1000
        for name, value in answer_headers:
            if name == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        if any(n == "connection" and v.lower() == "close" for n, v in answer_headers):
            await self.close()
        return Response(status, dict(answer_headers), content, ms)

    async def _read(self) -> tuple[int, list[tuple[str, str]], bytes]:
        reader = self._reader
        status_line = await reader.readuntil(b"\r\n")
        if not status_line.strip():
            raise ConnectionResetError("the server closed the connection")
        status = int(status_line.split()[1])
        headers = []
        while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip().lower(), value.strip()))
        found = dict(headers)
        if "content-length" in found:
            content = await reader.readexactly(int(found["content-length"]))
        elif found.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while (size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)) > 0:
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")
            content = b"".join(parts)
        else:
            content = await reader.read()
            await self.close()
        return status, headers, content

    async def get(self, path: str, **kwargs) -> Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, data: dict, **kwargs) -> Response:
        return await self.request("POST", path, data=data, **kwargs)


def csrf_token(text: str) -> str | None:
    for pattern in CSRF_IN_HTML:
        if match := pattern.search(text):
            return match.group(1)
    return None
