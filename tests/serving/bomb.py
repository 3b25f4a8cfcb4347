"""The attacker of tests/serving/test_frames.py, in a process of its own so that the test
process's memory is the server's alone: ``python -m tests.serving.bomb ORIGIN COOKIE URL...``
opens each URL with permessage-deflate, sends one frame of 16,000,000 spaces (about 16 KB on the
wire) on each, and prints the close codes the server answered with, as JSON."""

import asyncio
import json
import sys

import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

SPACES = 16_000_000


async def send_bomb(url: str, origin: str, cookie: str, payload: str) -> int | None:
    headers = {"Cookie": cookie} if cookie else {}
    deflate = ClientPerMessageDeflateFactory(compress_settings={"level": 9})
    async with websockets.connect(
        url, origin=origin, additional_headers=headers, extensions=[deflate], open_timeout=10
    ) as socket:
        if not socket.protocol.extensions:
            return -1  # the server took no compression: not the attack this is
        await socket.send(payload)
        try:
            while True:
                await asyncio.wait_for(socket.recv(), 10)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
    return None


async def main(origin: str, cookie: str, urls: list[str]) -> list:
    payload = " " * SPACES
    return await asyncio.gather(*(send_bomb(url, origin, cookie, payload) for url in urls))


if __name__ == "__main__":
    origin, cookie, *urls = sys.argv[1:]
    print(json.dumps(asyncio.run(main(origin, cookie, urls))))
