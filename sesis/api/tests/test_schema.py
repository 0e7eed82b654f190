"""schemathesis against the OpenAPI schema, in-process, as each role (administrator,
supervisor, provider): every operation, every check (no server error, every response
as the schema declares it, schema-valid input accepted unless a documented rule
refuses it), every call without a token refused."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from pytest_django.fixtures import Settings as SettingsWrapper
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.checks import RejectedPositiveData

from sesis.api.tests.conftest import Sessions, token_for


@pytest.fixture
def api_schema(sessions: Sessions, settings: SettingsWrapper) -> Iterator[schemathesis.schemas.BaseSchema]:
    settings.ALLOWED_HOSTS = ["localhost"]  # schemathesis's in-process requests
    # Django closes the connection at the end of each request; in a test that would
    # end the test's transaction. The test client disconnects these the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(sessions: Sessions) -> dict[str, str]:
    return {role: token_for(getattr(sessions.d, role)) for role in ("admin", "supervisor", "doe_speech")}


schema = schemathesis.pytest.from_fixture("api_schema")

# Cases run, by role and operation; deliberate refusals seen, by kind. The suite's
# summary prints both (sesis/api/tests/conftest.py).
CASES: dict[str, Counter[str]] = defaultdict(Counter)
REFUSALS: Counter[str] = Counter()

# Every check runs, response_schema_conformance and positive_data_acceptance included.
# positive_data_acceptance expects a schema-valid request to be accepted; these are the
# requests that are schema-valid yet refused on purpose, each a rule the schema
# describes in words (docs/api.md's error table) but JSON Schema cannot state. Each is
# recognised by its status, code and message, so a refusal of any other kind (a type
# the server reads more strictly than the schema, say) still fails the test.
DELIBERATE: dict[str, tuple[int, str, re.Pattern[str]]] = {
    # A filter or field that names a student, provider or school outside the caller's
    # scope (or none at all): the same answer for both, so scope does not leak.
    "names nothing in your scope": (
        422,
        "invalid",
        re.compile(r"^(No school has the DBN|No provider with staff ID|No student with OSIS ID|No staff member)"),
    ),
    "outside your scope (a rule)": (422, "refused", re.compile(r"is in your scope\.$|in your scope")),
    # Two parameters that are each valid but not together.
    "To date before From date": (422, "invalid", re.compile(r"^The To date must be on or after the From date\.$")),
    "a period longer than a year": (422, "invalid", re.compile(r"at most 366 days")),
    "a search with no criteria": (422, "invalid", re.compile(r"^Enter at least one of")),
    "a name with no letter in it": (422, "invalid", re.compile(r"^Enter at least one letter\.$")),
    # The service rules (docs/service-records.md): a date in the future or outside the
    # mandate, overlapping sessions, a group larger than the mandate's, and the rest.
    "a service rule": (422, "refused", re.compile(r".")),
    # An Idempotency-Key sent again with another body (schemathesis reuses its example).
    "Idempotency-Key reused": (422, "idempotency_key_reused", re.compile(r".")),
    # Text with a NUL character: PostgreSQL cannot store one (sesis/api/main.py).
    "NUL in text": (400, "bad_request", re.compile(r"^Text cannot contain NUL characters\.$")),
}


def _deliberate(failure: Exception, response: Any) -> str | None:
    """The kind of deliberate refusal a positive_data_acceptance failure is, if any."""
    if not isinstance(failure, RejectedPositiveData):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    for kind, (status, code, message) in DELIBERATE.items():
        if response.status_code == status and body.get("code") == code and message.search(body.get("message", "")):
            return kind
    return None


def _as(role: str):
    @schema.parametrize()
    @hypothesis_settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    def test(case: schemathesis.Case, tokens: dict[str, str]) -> None:
        CASES[role][case.operation.label] += 1
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        response = case.call(headers=headers)
        try:
            case.validate_response(response, headers=headers)
        except FailureGroup as failures:
            kinds = [_deliberate(failure, response) for failure in failures.exceptions]
            if None in kinds:
                raise
            REFUSALS.update(kinds)

    return test


test_every_operation_as_an_administrator = _as("admin")
test_every_operation_as_a_supervisor = _as("supervisor")
test_every_operation_as_a_provider = _as("doe_speech")


def test_a_refusal_of_another_kind_is_not_excused() -> None:
    """The filter above cannot pass a type mismatch or a server error as deliberate."""

    class Response:
        def __init__(self, status: int, body: dict[str, str]) -> None:
            self.status_code, self.body = status, body

        def json(self) -> dict[str, str]:
            return self.body

    rejected = RejectedPositiveData(operation="x", message="m", status_code=422, allowed_statuses=["2xx"])
    strict = Response(422, {"code": "invalid", "message": "group_count: Input should be a valid integer"})
    assert _deliberate(rejected, strict) is None
    assert _deliberate(rejected, Response(500, {"code": "refused", "message": "x"})) is None
    assert _deliberate(ValueError("not a rejection"), Response(422, {"code": "refused", "message": "x"})) is None
    future = Response(422, {"code": "refused", "message": "The date cannot be in the future."})
    assert _deliberate(rejected, future) == "a service rule"
