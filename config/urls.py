from django.conf import settings
from django.contrib import admin
from django.urls import include, path

# <id:pk>: ids bounded to what the database holds, so that 2**70 is a 404, not an overflow.
# Registered by importing apps.ids, before the apps' URLs are included.
import apps.ids  # noqa: F401

from .views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("apps.matrices.urls")),
    path("", include("apps.exchange.urls")),
    path("", include("apps.history.urls")),
    path("", include("apps.workshops.urls")),
    path("roles/", include("apps.catalog.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("teams/", include("apps.accounts.team_urls")),
    path("", include("apps.sharing.urls")),
    path("", include("apps.people.urls")),
    path("", include("apps.agreement.urls")),
    path("", include("apps.notices.urls")),
    path("", include("apps.api.urls")),
    path("", include("apps.webhooks.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG_TOOLBAR:
    from debug_toolbar.toolbar import debug_toolbar_urls

    urlpatterns += debug_toolbar_urls()
