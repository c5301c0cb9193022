"""One JSON shape for every error the API answers, and the handlers that produce it.

    {"code": "validation_error", "message": "…", "fields": {"subject": ["…"]}}

`fields` names each faulty field (dotted for nested ones, `fields.iban` for a typed
field) with its messages; it is empty when no single field is to blame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema


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


# Errors an operation may answer besides those it declares itself, because every
# request passes the same authentication, size and rate checks (`auth.admit`) and the
# same parsing of parameters and body. Added to the OpenAPI schema of every operation
# that does not declare the status itself.
_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
_HEADER_DOCS = {
    401: ("WWW-Authenticate", "How to authenticate.", {"type": "string"}),
    429: ("Retry-After", "Seconds to wait before trying again.", {"type": "integer"}),
}


def _common_errors(method: str, operation: Mapping[str, Any]) -> dict[int, str]:
    body = "requestBody" in operation
    names = {parameter.get("name") for parameter in operation.get("parameters", ())}
    errors: dict[int, str] = {}
    if body:
        errors[400] = "The body cannot be read (not JSON, or a malformed multipart)."
    if "cursor" in names:
        errors[400] = "The cursor is not valid, or was made for another list or filters."
    if operation.get("security"):
        errors[401] = "No valid API token and no signed-in session."
        if method != "get":
            errors[403] = "Not allowed (a read-only token, or not the caller's to change)."
        if body:
            errors[413] = "The body is too large."
        errors[429] = "Too many requests; see Retry-After."
    if body or operation.get("parameters"):
        errors[422] = "Some parameters or fields are not valid; `fields` names them."
    return errors


def declare_common_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI `schema` with the errors of `_common_errors` declared on every
    operation that does not declare them itself."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ErrorOut.model_json_schema())
    for path in schema.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            for status, description in _common_errors(method, operation).items():
                if status in responses or str(status) in responses:
                    continue
                response: dict[str, Any] = {
                    "description": description,
                    "content": {"application/json": {"schema": _ERROR_REF}},
                }
                if status in _HEADER_DOCS:
                    name, about, header_schema = _HEADER_DOCS[status]
                    response["headers"] = {
                        name: {"description": about, "required": True, "schema": header_schema}
                    }
                responses[status] = response
    return schema


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every failure into the one error shape, and
    declare the common errors in the OpenAPI schema."""
    plain_schema = api.get_openapi_schema

    def schema_with_errors(
        *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = plain_schema(path_prefix=path_prefix, path_params=path_params)
        declare_common_errors(schema)
        return schema

    # ninja has no hook on the generated schema; routers added after this call are
    # covered too, since the schema is built on each request for it.
    api.get_openapi_schema = schema_with_errors  # type: ignore[method-assign]

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

    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(BadRequest)
    @api.exception_handler(TooManyFieldsSent)
    @api.exception_handler(TooManyFilesSent)
    def unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A malformed multipart body, too many fields or files: Django's own answer
        # would be an HTML page.
        error = ApiError(400, "bad_request", _("The request body cannot be read."))
        return _respond(api, request, error)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "not_allowed"}
        if status == 400 and str(exc).startswith("Cannot parse request body"):
            message = _("The request body must be a JSON object.")
            error = ApiError(400, "bad_request", message, {"body": [message]})
        else:
            error = ApiError(status, codes.get(status, "error"), str(exc))
        return _respond(api, request, error)
