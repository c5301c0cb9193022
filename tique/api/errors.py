"""One JSON shape for every error the API answers, and the handlers that produce it.

    {"code": "validation_error", "message": "…", "fields": {"subject": ["…"]}}

`fields` names each faulty field (dotted for nested ones, `fields.iban` for a typed
field) with its messages; it is empty when no single field is to blame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ApiError(Exception):
    """An error with its status, code and faulty fields, raised anywhere in an operation."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Mapping[str, Iterable[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = {name: list(messages) for name, messages in (fields or {}).items()}
        self.headers = dict(headers or {})


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Not found."))


def _respond(api: NinjaAPI, request: HttpRequest, error: ApiError) -> HttpResponse:
    body = {"code": error.code, "message": error.message, "fields": error.fields}
    response = api.create_response(request, body, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def _pydantic_field(error: Mapping[str, Any]) -> str:
    """The dotted field name of a request validation error: its location without the
    part of the request ("body", "query", "path") and the operation's parameter name."""
    loc = [str(part) for part in error.get("loc", ())]
    if loc and loc[0] == "body":
        loc = loc[2:]
    elif loc and loc[0] in {"query", "path", "header", "cookie", "form", "file"}:
        loc = loc[1:]
    return ".".join(loc) or "body"


def validation_fields(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_pydantic_field(error), []).append(str(error.get("msg", "")))
    return fields


def django_fields(error: DjangoValidationError, prefix: str = "") -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (f"{prefix}{name}" if name != "__all__" else "__all__"): [
                str(message) for item in items for message in item.messages
            ]
            for name, items in error.error_dict.items()
        }
    return {}


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every failure into the one error shape."""

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return _respond(api, request, exc)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = validation_fields(exc.errors)
        return _respond(
            api,
            request,
            ApiError(422, "validation_error", _("Some fields are not valid."), fields),
        )

    @api.exception_handler(DjangoValidationError)
    def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = django_fields(exc)
        message = " ".join(exc.messages) if not fields else _("Some fields are not valid.")
        return _respond(api, request, ApiError(422, "validation_error", message, fields))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        error = ApiError(
            401,
            "not_authenticated",
            _("Send a valid API token (Authorization: Bearer …) or sign in."),
            headers={"WWW-Authenticate": 'Bearer realm="tique"'},
        )
        return _respond(api, request, error)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        error = ApiError(403, "forbidden", _("You may not do this."))
        return _respond(api, request, error)

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _respond(api, request, not_found())

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        error = ApiError(413, "too_large", _("The request body is too large."))
        return _respond(api, request, error)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "not_allowed"}
        error = ApiError(status, codes.get(status, "error"), str(exc))
        return _respond(api, request, error)
