"""What every stream's handshake passes (apps/live/gate.py): the page's exact origin, a cap on
the streams open per address and per session, and a clean refusal while Redis is away."""

import asyncio
import logging
from functools import partial

import pytest

from apps.live import gate, presence
from apps.sharing.services import share_link_create
from apps.workshops.services import workshop_start
from tests.conftest import make_matrix, make_user

from .conftest import Stream, run, session_cookie

SERVER = "127.0.0.1:8105"  # the server's address, as the browser's Host header says it


@pytest.fixture
def world(transactional_db):
    owner = make_user("olga")
    matrix = make_matrix(team=owner.personal_team, activities=2, roles=2, phases=1)
    return {
        "owner": owner,
        "matrix": matrix,
        "cookie": session_cookie(owner),
        "shared": f"/ws/s/{share_link_create(matrix=matrix, by=owner).token}/",
    }


def shake(path, cookie=None, **kwargs) -> str:
    return run(partial(handshake, path, cookie, **kwargs))


async def handshake(path, cookie=None, **kwargs) -> str:
    stream = await Stream(path, cookie, **kwargs).open()
    if not stream.accepted:
        return f"refused {stream.status or stream.close_code}"
    first = await stream.next()
    await stream.close()
    return "open" if first["t"] == "hello" else f"unexpected {first}"


# -- The origin ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "outcome"),
    [
        (f"http://{SERVER}", "open"),
        # Another port, another scheme, another name of the host: other sites.
        ("http://localhost:31337", "refused 403"),
        ("https://127.0.0.1", "refused 403"),
        ("http://127.0.0.1", "refused 403"),
        (f"https://{SERVER}", "refused 403"),
        ("http://localhost:8105", "refused 403"),
        ("https://evil.example", "refused 403"),
        ("null", "refused 403"),
        (None, "refused 403"),  # no Origin: no browser's page
    ],
)
def test_only_a_page_of_the_site_itself_opens_a_stream(world, origin, outcome):
    path, cookie = f"/ws/m/{world['matrix'].slug}/", world["cookie"]
    assert shake(path, cookie, origin=origin, host=SERVER) == outcome


def test_a_host_the_site_does_not_serve_is_refused(world):
    kwargs = {"origin": "http://evil.example", "host": "evil.example"}
    assert shake(world["shared"], **kwargs) == "refused 403"


@pytest.mark.parametrize(
    ("origin", "outcome"),
    [
        ("https://raci.example.com", "open"),
        ("http://raci.example.com", "refused 403"),
        ("https://raci.example.com:8443", "refused 403"),
    ],
)
def test_behind_a_tls_proxy_the_https_origin_is_the_sites(world, settings, origin, outcome):
    settings.ALLOWED_HOSTS = ["raci.example.com"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = [(b"x-forwarded-proto", b"https")]
    kwargs = {"origin": origin, "host": "raci.example.com", "headers": proxied}
    assert shake(world["shared"], **kwargs) == outcome


def test_a_trusted_origin_is_accepted_as_for_forms(world, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://raci.example.com", "https://*.example.org"]
    for origin, outcome in (
        ("https://raci.example.com", "open"),
        ("https://app.example.org", "open"),
        ("http://app.example.org", "refused 403"),
        ("https://raci.example.com:444", "refused 403"),
    ):
        assert shake(world["shared"], origin=origin, host=SERVER) == outcome, origin


# -- The cap --------------------------------------------------------------------------------------


async def open_many(path, count, **kwargs) -> list[Stream]:
    streams = []
    for _ in range(count):
        stream = await Stream(path, **kwargs).open()
        assert stream.accepted
        assert (await stream.until("hello"))["t"] == "hello"
        streams.append(stream)
    return streams


async def one_too_many(path, **kwargs) -> tuple[list, bool]:
    stream = await Stream(path, **kwargs).open()
    return await stream.all(0.5), stream.accepted


def test_streams_beyond_the_cap_per_address_are_closed_with_a_reason(world, settings):
    settings.LIVE_STREAMS_PER_ADDRESS = 3

    async def scenario():
        streams = await open_many(world["shared"], 3, client="203.0.113.5")
        refused, accepted = await one_too_many(world["shared"], client="203.0.113.5")
        elsewhere = await handshake(world["shared"], client="203.0.113.6")
        await streams[0].close()
        again = await handshake(world["shared"], client="203.0.113.5")
        for stream in streams[1:]:
            await stream.close()
        return refused, accepted, elsewhere, again

    refused, accepted, elsewhere, again = run(scenario)
    assert accepted  # to say why, which a refused handshake cannot
    assert refused[0] == {"t": "closed", "reason": gate.TOO_MANY_REASON}
    assert refused[-1] == {"t": "__closed__", "code": gate.TOO_MANY}
    assert (elsewhere, again) == ("open", "open")
    assert gate.open_streams() == ({}, {})


def test_the_cap_per_session_counts_a_browsers_streams_from_any_address(world, settings):
    settings.LIVE_STREAMS_PER_SESSION = 2
    path, cookie = f"/ws/m/{world['matrix'].slug}/", world["cookie"]

    async def scenario():
        streams = [
            *await open_many(path, 1, cookie=cookie, client="10.0.0.1"),
            *await open_many(path, 1, cookie=cookie, client="10.0.0.2"),
        ]
        refused, _ = await one_too_many(path, cookie=cookie, client="10.0.0.3")
        for stream in streams:
            await stream.close()
        return refused

    assert run(scenario)[-1] == {"t": "__closed__", "code": gate.TOO_MANY}


def test_the_cap_covers_the_workshop_streams_too(world, settings):
    settings.LIVE_STREAMS_PER_ADDRESS = 2
    matrix, owner = world["matrix"], world["owner"]
    workshop = workshop_start(matrix=matrix, activities=matrix.activities.all(), by=owner)
    board = f"/ws/m/{matrix.slug}/workshops/{workshop.pk}/"

    async def scenario():
        streams = await open_many(board, 2, cookie=world["cookie"])
        refused, _ = await one_too_many(f"/ws/w/{workshop.code}/")
        for stream in streams:
            await stream.close()
        return refused

    assert run(scenario)[-1] == {"t": "__closed__", "code": gate.TOO_MANY}


def test_the_address_is_the_proxys_visitor_only_behind_a_trusted_proxy(world, settings):
    settings.LIVE_STREAMS_PER_ADDRESS = 1
    forwarded = [(b"x-forwarded-for", b"203.0.113.9")]

    async def scenario():
        first = await open_many(world["shared"], 1, headers=forwarded)
        # Not behind a trusted proxy: made-up addresses count as the peer's own.
        other = [(b"x-forwarded-for", b"203.0.113.10")]
        refused, _ = await one_too_many(world["shared"], headers=other)
        settings.TRUSTED_PROXY_IPS = ["127.0.0.1"]
        allowed = await handshake(world["shared"], headers=other)
        await first[0].close()
        return refused[-1], allowed

    refused, allowed = run(scenario)
    assert refused == {"t": "__closed__", "code": gate.TOO_MANY}
    assert allowed == "open"


# -- Redis away ---------------------------------------------------------------------------------


class Away(presence.MemoryPresence):
    answers = False

    async def ping(self) -> None:
        if not self.answers:
            raise ConnectionError("Redis is away")


def test_while_redis_is_away_a_handshake_is_refused_cleanly_and_said_once(
    world, settings, monkeypatch, caplog
):
    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/9"
    store = Away()
    monkeypatch.setattr(presence, "_store", store)
    monkeypatch.setattr(gate, "RECHECK_DOWN", 0.05)
    caplog.set_level(logging.INFO)

    async def scenario():
        refused = [await handshake(world["shared"]) for _ in range(20)]
        store.answers = True
        await asyncio.sleep(0.1)
        return refused, await handshake(world["shared"])

    refused, back = run(scenario)
    assert refused == ["refused 503"] * 20
    assert back == "open"
    said = [record.getMessage() for record in caplog.records if record.name.startswith("apps.")]
    assert len([m for m in said if "does not answer" in m]) == 1, said
    assert len([m for m in said if "answers again" in m]) == 1, said
    assert not [record for record in caplog.records if record.exc_info]


# -- Paths that lead nowhere ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/ws/zzz/", "/ws/m/x/workshops/1180591620717411303424/"])
def test_a_path_no_stream_has_is_answered_404_without_a_traceback(world, path, caplog):
    assert shake(path, world["cookie"]) == "refused 404"
    assert not [record for record in caplog.records if record.exc_info]


def test_a_stream_that_redis_fails_under_before_anyone_noticed_ends_cleanly(
    world, settings, monkeypatch, caplog
):
    """Redis goes between the gate's last question and the stream's subscription: the handshake
    is answered 503 (not a 500 with a traceback), and the log says once that Redis is away; a
    stream already open closes with 1011, which the page retries."""
    from channels.layers import get_channel_layer
    from redis.exceptions import ConnectionError as RedisConnectionError

    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/9"
    store = Away()
    store.answers = True
    monkeypatch.setattr(presence, "_store", store)
    caplog.set_level(logging.INFO)
    layer = get_channel_layer()

    async def gone(*args, **kwargs):
        store.answers = False
        raise RedisConnectionError("Error 111 connecting to Redis. Connection refused.")

    async def scenario():
        before = await handshake(world["shared"])
        monkeypatch.setattr(layer, "new_channel", gone)
        return before, await handshake(world["shared"])

    assert run(scenario) == ("open", "refused 503")
    said = [record.getMessage() for record in caplog.records if record.name.startswith("apps.")]
    assert [m for m in said if "does not answer" in m] == [
        "Redis does not answer: live streams are refused until it does"
    ]
    assert not [record for record in caplog.records if record.exc_info]


def test_redis_tracebacks_of_the_channel_layer_become_one_line(settings, caplog):
    from redis.exceptions import ConnectionError as RedisConnectionError

    caplog.set_level(logging.INFO)
    channels_redis = logging.getLogger("channels_redis.pubsub")
    for _ in range(5):  # one a second, for as long as Redis is away
        try:
            raise RedisConnectionError("Connection refused.")
        except RedisConnectionError:
            channels_redis.exception("Unexpected exception in receive task")
    gate.note_layer(True)
    said = [record.getMessage() for record in caplog.records]
    assert said == [
        "Redis does not answer: live streams are refused until it does",
        "Redis answers again: live streams open again",
    ]
