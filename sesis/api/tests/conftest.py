"""The API's test plumbing: a client per persona, each with a personal token."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sesis.api.actions import api_token_create
from sesis.api.models import TokenKind
from sesis.people.models import Staff
from sesis.services.tests.conftest import Sessions, sessions  # noqa: F401 (a fixture)


class Api:
    """A test client that sends a bearer token and JSON, and reads JSON back."""

    def __init__(self, secret: str) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, body: Any, **headers: str) -> Any:
        return self.client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=headers)

    def put(self, path: str, body: Any, **headers: str) -> Any:
        return self.client.put(f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=headers)


def token_for(staff: Staff, *, kind: TokenKind = TokenKind.PERSONAL, scopes: list[str] | None = None) -> str:
    days = 90 if kind == TokenKind.PERSONAL else 365
    return api_token_create(actor=staff, name="test", kind=kind, days=days, scopes=scopes).secret


@pytest.fixture
def api_as() -> Callable[[Staff], Api]:
    return lambda staff: Api(token_for(staff))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from sesis.api.tests.test_schema import CASES, REFUSALS

    if CASES:
        operations = {op for counts in CASES.values() for op in counts}
        total = sum(sum(counts.values()) for counts in CASES.values())
        roles = ", ".join(f"{role} {sum(counts.values())}" for role, counts in CASES.items())
        terminalreporter.write_line(
            f"schemathesis: {len(operations)} operations, {total} cases as {len(CASES)} roles ({roles})"
        )
        refused = ", ".join(f"{kind} {count}" for kind, count in REFUSALS.most_common()) or "none"
        terminalreporter.write_line(f"schemathesis: deliberate refusals of schema-valid input: {refused}")
