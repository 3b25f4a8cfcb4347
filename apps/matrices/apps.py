from django.apps import AppConfig


class MatricesConfig(AppConfig):
    name = "apps.matrices"
    label = "matrices"
    verbose_name = "Matrices"
