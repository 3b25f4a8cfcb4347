from django.apps import AppConfig


class MatricesConfig(AppConfig):
    name = "apps.matrices"
    label = "matrices"
    verbose_name = "Matrices"

    def ready(self):
        from . import receivers  # noqa: F401
