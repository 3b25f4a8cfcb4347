"""The REST API, /api/v1/: its OpenAPI document at /api/v1/openapi.json, generated from the
operations' types, and the interactive docs at /api/v1/docs (Swagger UI from our own static
files, CSP-clean). docs/api.md describes it for people."""

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from . import errors
from .auth import TokenAuth
from .endpoints import grid, history, matrices, people, structure

api = NinjaAPI(
    title="RACI Builder API",
    version="1",
    description=(
        "Teams, matrices, their grids, history and exports. Authenticate with a token made in "
        "your account settings (API tokens): `Authorization: Bearer <token>`. Errors are JSON "
        "with a stable `code` and a `message`; lists come a page at a time (`?page=`)."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)
for module in (matrices, grid, structure, people, history):
    api.add_router("", module.router)
