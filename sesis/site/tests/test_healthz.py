"""/healthz, the load balancer's check: anonymous, no session, no disclosure; 200 while
the database answers, 503 when it does not."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client

from sesis.audit.models import AuditEvent, Disclosure
from tests.factories import District


def test_anonymous_gets_200_with_no_session_and_no_log(client: Client, district: District) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response.cookies == {}  # no session made, no CSRF cookie
    assert "no-cache" in response["Cache-Control"]
    assert Disclosure.objects.count() == 0 and AuditEvent.objects.count() == 0
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_a_signed_in_user_gets_the_same_answer(client: Client, district: District) -> None:
    client.force_login(district.doe_speech)
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    assert Disclosure.objects.count() == 0


@pytest.mark.django_db
def test_503_when_the_database_does_not_answer(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


def test_ping_still_needs_a_sign_in(client: Client, district: District) -> None:
    assert client.get("/ping/").status_code == 302
