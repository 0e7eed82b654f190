"""The API: one NinjaAPI under /api/v1/ with its OpenAPI schema and reference page.
Every error becomes the Error shape; every operation checks its own authentication
and answers 401 (sesis.access.middleware keeps the sign-in redirect off the API)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sesis.api.docs import Reference
from sesis.api.endpoints import caseloads, first_attends, records, reports, schoolcalendar, staff, students
from sesis.api.errors import ApiError, Error, Problem
from sesis.lib.errors import ActionRefused
from sesis.services.actions import RecordRefused, StaleVersion

DESCRIPTION = """The SESIS API for other district systems: the student information system,
payroll, Medicaid claiming, an outside IVR. It does what the web pages do, through the
same rules and the same access: a student or record outside the caller's scope is a 404.

**Authentication.** `Authorization: Bearer <token>`. Staff make personal tokens on
*My profile*; administrators make service tokens, each with scopes, under
*Administration → API tokens*. A browser that is signed in may call the API with its
session and CSRF token.

**Errors** are JSON: `{"code", "message", "field", "problems"}`. The message is the
one the web page shows for the same input.

**Retries.** Creates accept an `Idempotency-Key` header: the same key again returns the
first response (with `Idempotent-Replayed: true`) and does nothing twice. Editing an
uncertified record needs the `version` you read (the record's `ETag` names it too): a
stale edit is refused with 409.

**Times** of sessions are local school times in the district's time zone
(America/New_York), `HH:MM` or `HH:MM:SS`, with no offset.

**Lists** take `limit` (at most 200) and `offset`, and return
`{count, limit, offset, next_offset, items}`; `ordering` names a field, `-` before it
for descending."""


@login_not_required
@csrf_exempt
def no_such_path(request: HttpRequest) -> HttpResponse:
    """Any other address under /api/v1/ is a JSON 404, not the web pages' HTML one."""
    body = Error(code="not_found", message=f"No API operation at {request.path}.")
    return JsonResponse(body.model_dump(), status=404)


api = NinjaAPI(
    title="SESIS API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=Reference(),
    openapi_extra={"info": {"contact": {"name": "SESIS support"}}},
)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _refuse_nul(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No text SESIS keeps may hold a NUL character (PostgreSQL cannot store one, and
    no real name or note has one). The web forms refuse it field by field; the API
    refuses the whole request before it reaches anything else. Nor does any query
    parameter come twice."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        body: Any = None
        if request.content_type == "application/json" and request.body:
            try:
                body = json.loads(request.body)
            except ValueError:
                body = None  # the operation answers a body that is not JSON
        if _has_nul([request.path, *request.GET.values(), *request.headers.values(), body]):
            return _error(request, 400, Error(code="bad_request", message="Text cannot contain NUL characters."))
        # No query parameter takes several values: a repeated one is refused, not read
        # as its last value.
        repeated = [name for name, values in request.GET.lists() if len(values) > 1]
        if repeated:
            message = f"{repeated[0]}: give this parameter once."
            return _error(request, 422, Error(code="invalid", message=message, field=repeated[0]))
        return run(request, *args, **kwargs)

    return wrapper


api.add_decorator(_refuse_nul, mode="view")


def _error(request: HttpRequest, status: int, body: Error) -> HttpResponse:
    return api.create_response(request, body.model_dump(), status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc.status, exc.body)


@api.exception_handler(StaleVersion)
def _stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    return _error(request, 409, Error(code="stale_version", message=exc.message, field="version"))


@api.exception_handler(RecordRefused)
def _record_refused(request: HttpRequest, exc: RecordRefused) -> HttpResponse:
    problems = [Problem(field=name, message=message) for name, message in exc.problems]
    return _error(request, 422, Error(code="refused", message=exc.message, field=exc.field, problems=problems))


@api.exception_handler(ActionRefused)
def _refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
    return _error(request, 422, Error(code="refused", message=exc.message, field=exc.field))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    message = str(exc) or "Not found."
    return _error(request, 404, Error(code="not_found", message=message))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = "Sign in, or send a valid token: Authorization: Bearer <token>."
    response = _error(request, 401, Error(code="unauthenticated", message=message))
    response["WWW-Authenticate"] = 'Bearer realm="sesis"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {400: "bad_request", 403: "forbidden", 405: "method_not_allowed"}
    return _error(request, exc.status_code, Error(code=codes.get(exc.status_code, "error"), message=str(exc)))


def _field(loc: Any) -> str | None:
    names = [str(part) for part in loc if not isinstance(part, int)]
    names = [name for name in names if name not in ("body", "query", "path", "header", "payload", "filters", "page")]
    return ".".join(names) or None


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        Problem(field=_field(error.get("loc", ())), message=str(error.get("msg", "Invalid."))) for error in exc.errors
    ]
    first = problems[0] if problems else Problem(message="The request is not valid.")
    message = f"{first.field}: {first.message}" if first.field else first.message
    return _error(request, 422, Error(code="invalid", message=message, field=first.field, problems=problems))


api.add_router("/students", students.router, tags=["Students and mandates"])
api.add_router("/mandates", students.mandates_router, tags=["Students and mandates"])
api.add_router("/staff", staff.router, tags=["Staff"])
api.add_router("/caseloads", caseloads.router, tags=["Caseloads"])
api.add_router("/service-records", records.router, tags=["Service records"])
api.add_router("/first-attends", first_attends.router, tags=["First attends"])
api.add_router("/school-calendar", schoolcalendar.router, tags=["School calendar"])
api.add_router("/reports", reports.router, tags=["Reports"])
