from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "apps.history"
    label = "history"
    verbose_name = "History"

    def ready(self):
        from . import records  # noqa: F401 - connects the listener
