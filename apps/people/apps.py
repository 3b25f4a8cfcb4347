from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "apps.people"
    label = "people"
    verbose_name = "People on roles"

    def ready(self):
        from apps.matrices.holders import register_reader

        from . import receivers  # noqa: F401
        from .selectors import matrix_holders

        # The matrices app reads holders through this one hook (apps/matrices/holders.py).
        register_reader(matrix_holders)
