from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "apps.notices"
    label = "notices"
    verbose_name = "Notices"

    def ready(self):
        from . import receivers  # noqa: F401 - listens to the matrices' changes
