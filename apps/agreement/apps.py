from django.apps import AppConfig


class AgreementConfig(AppConfig):
    name = "apps.agreement"
    label = "agreement"
    verbose_name = "Agreement"

    def ready(self):
        from . import receivers  # noqa: F401 - listens to the matrices' changes
