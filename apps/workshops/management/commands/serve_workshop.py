"""`make workshop`: a workshop served to the room's network in one command.

Migrates, seeds, collects the static files and serves the app in production mode (DEBUG off,
whitenoise serving the static files) in one uvicorn process with the in-memory channel layer (no
Redis), on the machine's network address, which it detects (the address of the interface that
reaches other networks; ``--address`` to name another). The board's join address and QR code
carry that address (``WORKSHOP_JOIN_ORIGIN``) even when the facilitator opens the board at
127.0.0.1. docs/workshop.md and README's workshop section; the figures it holds are in
docs/performance.md.
"""

import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from config.serving import uvicorn_options

# An address of TEST-NET-1 (RFC 5737): connecting a UDP socket to it sends nothing, and the
# system picks the interface (and the address) it would route through.
PROBE = ("192.0.2.1", 9)


def detect_address() -> str:
    """The machine's address on the network its default route leads to; 127.0.0.1 without one."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(PROBE)
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def join_origin(address: str, port: int) -> str:
    """The origin phones use: ``http://<address>:<port>`` (IPv6 in brackets)."""
    host = f"[{address}]" if ":" in address else address
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = (
        "Set up and serve a workshop to the room's network in production mode, one process, "
        "no Redis: migrate, seed, collect static files, serve on the detected network address."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--address", help="the address phones reach this machine at (default: detected)"
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--bind",
            default="0.0.0.0",  # noqa: S104 (the room's phones must reach it)
            help="where to listen (default: every interface)",
        )
        parser.add_argument(
            "--no-setup",
            action="store_true",
            help="serve without migrating, seeding and collecting static files",
        )

    def handle(self, *args, address, port, bind, no_setup, **options):
        if settings.DEBUG:
            raise CommandError(
                "serve_workshop serves in production mode: run it with DEBUG=false "
                "(make workshop does)."
            )
        if settings.SECURE_SSL_REDIRECT:
            raise CommandError(
                "serve_workshop serves plain HTTP to the room's network: run it with HTTPS=false "
                "(make workshop does), or behind a TLS proxy as in docs/deploy.md."
            )
        address = address or detect_address()
        origin = join_origin(address, port)
        if not no_setup:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("seed", verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            call_command("ensure_local_admin", url=f"{origin}/")
        # The join address the board shows and puts in the QR code, and the hosts it answers to.
        settings.WORKSHOP_JOIN_ORIGIN = origin
        for host in (address, "localhost", "127.0.0.1"):
            if host not in settings.ALLOWED_HOSTS:
                settings.ALLOWED_HOSTS.append(host)
        if address.startswith("127."):
            self.stderr.write(
                "No network address found: only this computer can join. Connect to the room's "
                "network, or give one with --address."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Participants join at {origin}/w/ ")
            + f"(the board shows the code and a QR code). The board: {origin}/ (Ctrl+C to stop)"
        )
        self.stdout.flush()
        self.serve(bind, port)

    def serve(self, bind: str, port: int) -> None:
        import uvicorn

        from config.asgi import application
        from config.serving import stream_process_ready

        stream_process_ready()
        uvicorn.run(
            application,
            host=bind,
            port=port,
            lifespan="off",
            log_level="warning",
            timeout_graceful_shutdown=5,
            **uvicorn_options(),
        )
