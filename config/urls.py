from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("apps.matrices.urls")),
    path("", include("apps.exchange.urls")),
    path("roles/", include("apps.catalog.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("admin/", admin.site.urls),
]
