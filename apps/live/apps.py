from django.apps import AppConfig


class LiveConfig(AppConfig):
    """The live layer: every open browser of a matrix hears of its changes and sees who is there
    (Django Channels; see docs/architecture.md)."""

    name = "apps.live"
    label = "live"
    verbose_name = "Live collaboration"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the listeners
