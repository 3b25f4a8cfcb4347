"""Every recipe refuses a WebSocket frame above the largest legitimate message before it is
inflated (config/serving.py, WS_MAX_SIZE): a frame of 16,000,000 compressed spaces, about 16 KB
on the wire, is closed at the protocol level, and the server's memory does not grow with it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from apps.sharing.services import share_link_create
from apps.workshops.services import workshop_start
from config.serving import WS_MAX_SIZE
from tests.conftest import make_matrix, make_user

from .bomb import SPACES

ROOT = Path(__file__).resolve().parents[2]
FRAMES = 5


def peak_rss_bytes() -> int:
    """The most memory this process (the tests' and the server's thread) has held so far; the
    attacker runs in a process of its own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def compressed_size() -> int:
    import zlib

    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    return len(squeeze.compress(b" " * SPACES) + squeeze.flush(zlib.Z_SYNC_FLUSH))


def test_the_frame_is_small_on_the_wire_and_far_above_the_limit():
    assert compressed_size() < 20_000
    assert SPACES > 100 * WS_MAX_SIZE
    # The consumers accept at most 512 characters; JSON may escape each as six bytes.
    assert WS_MAX_SIZE >= 6 * 512 + 512


@pytest.fixture
def streams(transactional_db, server):
    owner = make_user("olga")
    matrix = make_matrix(team=owner.personal_team, activities=3, roles=3, phases=1)
    link = share_link_create(matrix=matrix, by=owner)
    workshop = workshop_start(matrix=matrix, activities=matrix.activities.all(), by=owner)
    return {"share": f"/ws/s/{link.token}/", "workshop": workshop}


def participant_cookie(http, code: str) -> str:
    form = http.get(f"/w/{code}/")
    answer = http.post(
        f"/w/{code}/", {"name": "Pat", "csrfmiddlewaretoken": form.csrf_token() or ""}
    )
    assert answer.status == 302, answer.text[:300]
    return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def test_compressed_frames_to_a_share_link_and_a_ballot_are_refused_and_memory_stays_put(
    server, http, streams
):
    ballot = f"/ws/w/{streams['workshop'].code}/"
    cookie = participant_cookie(http, streams["workshop"].code)
    urls = [f"{server.ws_url}{streams['share']}"] * FRAMES + [f"{server.ws_url}{ballot}"] * FRAMES
    before = peak_rss_bytes()
    attacker = subprocess.run(
        [sys.executable, "-m", "tests.serving.bomb", server.url, cookie, *urls],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert attacker.returncode == 0, attacker.stderr[-2000:]
    closed = json.loads(attacker.stdout)
    # 1009: message too big, said by the server before the message reached the consumer.
    assert closed == [1009] * (2 * FRAMES)
    grown = peak_rss_bytes() - before
    # Inflated, each frame alone would be 16 MB (and as much again decoded to a string).
    assert grown < 16_000_000, f"the peak memory grew by {grown / 1e6:.1f} MB"
