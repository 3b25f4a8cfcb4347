from django.urls import path, re_path

from . import views
from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    # Anything else under /api/ is a JSON 404, as the API's own are.
    re_path(r"^api/", views.not_found, name="api_not_found"),
    path("accounts/tokens/", views.tokens, name="api_tokens"),
    path("accounts/tokens/<id:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
]
