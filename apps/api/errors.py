"""Errors as the API answers them: JSON with a stable ``code`` and a ``message`` for people.

The codes (docs/api.md lists them) never change meaning; the messages may be reworded.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from apps.matrices.services import EditError
from apps.raci.exchange.problems import ImportProblem


class Error(Schema):
    code: str
    message: str


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, headers=None) -> JsonResponse:
    response = JsonResponse({"code": code, "message": message}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# Every operation may answer these besides its own success (declared in the OpenAPI document).
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}
PUBLIC_ERRORS = {400: Error, 404: Error, 422: Error}


def install(api) -> None:
    """Register the handlers that turn exceptions into the API's JSON errors."""

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @api.exception_handler(AuthenticationError)
    def _unauthorized(request: HttpRequest, exc):
        return error_response(
            401,
            "unauthorized",
            "Send an API token: Authorization: Bearer <token>.",
            {"WWW-Authenticate": 'Bearer realm="api"'},
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc):
        return error_response(404, "not_found", str(exc) or "Not found.")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc):
        return error_response(403, "forbidden", str(exc) or "You may not do that.")

    @api.exception_handler(EditError)
    def _refused(request: HttpRequest, exc):
        # A more precise code where the service gives one (NameTaken: "name_taken").
        code = getattr(exc, "code", "edit_refused")
        return error_response(400, code, f"{exc} Nothing was changed.")

    @api.exception_handler(ImportProblem)
    def _import_problem(request: HttpRequest, exc):
        return error_response(400, "edit_refused", f"{exc} Nothing was changed.")

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError):
        first = exc.errors[0] if exc.errors else {}
        loc = list(first.get("loc", ()))
        if loc[:1] == ["body"]:
            loc = loc[2:]  # the body's parameter name says nothing to the caller
        where = ".".join(str(part) for part in loc)
        message = first.get("msg", "Invalid request.")
        return error_response(422, "invalid_request", f"{where}: {message}" if where else message)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError):
        codes = {400: "bad_request", 405: "method_not_allowed", 413: "too_large"}
        return error_response(exc.status_code, codes.get(exc.status_code, "error"), str(exc))
