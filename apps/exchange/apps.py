from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "apps.exchange"
    label = "exchange"
    verbose_name = "Export and import"

    def ready(self):
        from django.conf import settings

        from apps.raci.exchange import limits

        limits.configure(activities=settings.IMPORT_MAX_ACTIVITIES, roles=settings.IMPORT_MAX_ROLES)
        # Undo of a restored snapshot puts back the document its change kept: the history
        # (below this app) is told how, so that it imports nothing from here.
        from apps.history.services import UNDO
        from apps.matrices.changes import Action

        from .replace import undo_replace

        UNDO[Action.REPLACE] = undo_replace
