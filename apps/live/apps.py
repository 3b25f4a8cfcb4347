from django.apps import AppConfig


class LiveConfig(AppConfig):
    """The live layer: every open browser of a matrix hears of its changes and sees who is there
    (Django Channels; see docs/architecture.md)."""

    name = "apps.live"
    label = "live"
    verbose_name = "Live collaboration"

    def ready(self):
        import logging

        from . import receivers  # noqa: F401 - connects the listeners
        from .gate import QuietWhileAway

        # One line per Redis outage in the log, not a traceback a second (gate.py).
        logging.getLogger("channels_redis.pubsub").addFilter(QuietWhileAway())
