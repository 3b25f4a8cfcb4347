from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "apps.workshops"
    label = "workshops"
    verbose_name = "Workshops"
