"""schemathesis against the OpenAPI schema, in-process, as each role (administrator,
supervisor, provider): every operation, no server error, every response (status,
headers, body) as the schema declares it, every call without a token refused."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from pytest_django.fixtures import Settings as SettingsWrapper
from schemathesis.specs.openapi.checks import positive_data_acceptance

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

# Cases run, by role and operation; the suite's summary prints the totals.
CASES: dict[str, Counter[str]] = defaultdict(Counter)

# Left out: "schema-valid input is always accepted". A well-formed request may still
# name a student outside the caller's scope or break a service rule; those are 404 and
# 422 by design, tested one by one in the other modules.
ACCEPTS_VALID = positive_data_acceptance


def _as(role: str):
    @schema.parametrize()
    @hypothesis_settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    def test(case: schemathesis.Case, tokens: dict[str, str]) -> None:
        CASES[role][case.operation.label] += 1
        case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"}, excluded_checks=[ACCEPTS_VALID])

    return test


test_every_operation_as_an_administrator = _as("admin")
test_every_operation_as_a_supervisor = _as("supervisor")
test_every_operation_as_a_provider = _as("doe_speech")
