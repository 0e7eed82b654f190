"""Tokens: made and revoked through their actions and pages; a token authenticates
only while usable; a service token only within its scopes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from sesis.api.actions import MAX_ACTIVE_PERSONAL, api_token_create, api_token_revoke
from sesis.api.models import ApiToken, TokenKind, token_digest
from sesis.api.tests.conftest import Api, token_for
from sesis.audit.models import AuditEvent
from sesis.lib.errors import ActionRefused
from tests.factories import District


def test_a_new_token_is_kept_only_as_a_digest(district: District) -> None:
    new = api_token_create(actor=district.doe_speech, name="Scheduler", kind=TokenKind.PERSONAL, days=30)
    assert new.secret.startswith("sesis_") and len(new.secret) > 40
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert stored.digest == token_digest(new.secret) and new.secret not in (stored.digest, stored.prefix)
    assert stored.expires_at - timezone.now() > dt.timedelta(days=29)
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(stored.pk)).exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "  ", "kind": TokenKind.PERSONAL, "days": 30}, "Give the token a name"),
        ({"name": "x", "kind": TokenKind.PERSONAL, "days": 7}, "Choose how long the token lasts: 30, 90, 365 days."),
        ({"name": "x", "kind": TokenKind.SERVICE, "days": 365, "scopes": ["students:read"]}, "Only administrators"),
    ],
)
def test_it_refuses_a_bad_token(district: District, kwargs: dict, message: str) -> None:
    with pytest.raises(ActionRefused, match=message):
        api_token_create(actor=district.supervisor, **kwargs)
    assert not ApiToken.objects.exists()


def test_a_service_token_needs_known_scopes(district: District) -> None:
    with pytest.raises(ActionRefused, match="Choose at least one scope"):
        api_token_create(actor=district.admin, name="SIS", kind=TokenKind.SERVICE, days=365, scopes=[])
    with pytest.raises(ActionRefused, match="students:write is not a scope"):
        api_token_create(actor=district.admin, name="SIS", kind=TokenKind.SERVICE, days=365, scopes=["students:write"])
    assert not ApiToken.objects.exists()


def test_a_staff_member_has_at_most_ten_personal_tokens(district: District) -> None:
    for _ in range(MAX_ACTIVE_PERSONAL):
        token_for(district.para)
    with pytest.raises(ActionRefused, match="revoke one"):
        token_for(district.para)
    api_token_revoke(actor=district.para, token=ApiToken.objects.filter(staff=district.para).first())
    assert token_for(district.para)


def test_only_the_owner_or_an_administrator_revokes(district: District) -> None:
    new = api_token_create(actor=district.doe_speech, name="mine", kind=TokenKind.PERSONAL, days=30)
    with pytest.raises(ActionRefused, match="Only its owner or an administrator"):
        api_token_revoke(actor=district.supervisor, token=new.token)
    api_token_revoke(actor=district.admin, token=new.token)
    with pytest.raises(ActionRefused, match="already revoked"):
        api_token_revoke(actor=district.doe_speech, token=new.token)


def test_a_token_authenticates_as_its_owner_until_revoked(district: District) -> None:
    new = api_token_create(actor=district.doe_speech, name="mine", kind=TokenKind.PERSONAL, days=30)
    api = Api(new.secret)
    me = api.get("/staff/me")
    assert me.status_code == 200 and me.json()["staff"]["staff_id"] == district.doe_speech.staff_id
    assert ApiToken.objects.get(pk=new.token.pk).last_used_at is not None
    api_token_revoke(actor=district.doe_speech, token=new.token)
    refused = api.get("/staff/me")
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthenticated"
    assert refused["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer  {}", "Bearer {} ", "Bearer {}\t", "Bearer {}x", "Token {}", "{}"])
def test_only_exactly_bearer_and_the_token_authenticates(district: District, header: str) -> None:
    new = api_token_create(actor=district.doe_speech, name="mine", kind=TokenKind.PERSONAL, days=30)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {new.secret}").get("/api/v1/staff/me").status_code == 200
    assert Client(HTTP_AUTHORIZATION=header.format(new.secret)).get("/api/v1/staff/me").status_code == 401


def test_an_expired_token_or_a_deactivated_owner_is_refused(district: District) -> None:
    expired = api_token_create(actor=district.para, name="old", kind=TokenKind.PERSONAL, days=30)
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Api(expired.secret).get("/staff/me").status_code == 401
    owner = api_token_create(actor=district.agency_ot, name="ot", kind=TokenKind.PERSONAL, days=30)
    district.agency_ot.is_active = False
    district.agency_ot.save()
    assert Api(owner.secret).get("/staff/me").status_code == 401
    assert Api("sesis_not-a-token").get("/staff/me").status_code == 401


def test_a_service_token_works_only_within_its_scopes(district: District) -> None:
    new = api_token_create(
        actor=district.admin, name="Medicaid claiming", kind=TokenKind.SERVICE, days=365, scopes=["reports:read"]
    )
    api = Api(new.secret)
    assert api.get("/reports/encounter-attendance").status_code == 200
    refused = api.get("/students", osis=district.speech_student.osis)
    assert refused.status_code == 403
    assert refused.json() == {
        "code": "insufficient_scope",
        "message": "This token does not have the students:read scope.",
        "field": None,
        "problems": [],
    }


def test_changes_made_with_a_token_name_it_in_the_audit_log(district: District) -> None:
    new = api_token_create(
        actor=district.admin, name="Outside IVR", kind=TokenKind.SERVICE, days=365, scopes=["first_attends:write"]
    )
    body = {
        "call_id": "feed-1",
        "staff_id": district.doe_speech.staff_id,
        "osis": district.speech_student.osis,
        "service": "SPEECH",
        "first_attend_date": timezone.localdate().isoformat(),
    }
    assert Api(new.secret).post("/first-attends", body).status_code == 201
    event = AuditEvent.objects.get(action="first_attend.receive")
    assert event.details["via"] == f"api service token {new.token.pk} (Outside IVR)"


def test_a_staff_member_creates_and_revokes_a_personal_token_on_the_page(client: Client, district: District) -> None:
    client.force_login(district.doe_speech)
    assert "Manage your API tokens" in client.get("/profile/").content.decode()
    refused = client.post("/profile/api-tokens/", {"name": "", "days": "90"})
    assert "Give the token a name that says what uses it." in refused.content.decode()
    created = client.post("/profile/api-tokens/", {"name": "Spreadsheet", "days": "90"})
    token = ApiToken.objects.get(staff=district.doe_speech)
    secret = created.content.decode().split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert token.digest == token_digest(secret)
    listed = client.get("/profile/api-tokens/").content.decode()
    assert "Spreadsheet" in listed and secret not in listed
    client.post(f"/api-tokens/{token.pk}/revoke/")
    assert ApiToken.objects.get(pk=token.pk).revoked_by == district.doe_speech


def test_only_administrators_have_the_service_token_page(client: Client, district: District) -> None:
    client.force_login(district.supervisor)
    assert client.get("/administration/api-tokens/").status_code == 404
    other = api_token_create(actor=district.admin, name="SIS", kind=TokenKind.SERVICE, days=365, scopes=["staff:read"])
    assert client.post(f"/api-tokens/{other.token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=other.token.pk).revoked_at is None
    client.force_login(district.admin)
    refused = client.post("/administration/api-tokens/", {"name": "Payroll", "days": "365"})
    assert "Choose at least one scope for the service token." in refused.content.decode()
    client.post(
        "/administration/api-tokens/", {"name": "Payroll", "days": "365", "scopes": ["records:read", "staff:read"]}
    )
    payroll = ApiToken.objects.get(name="Payroll")
    assert payroll.kind == TokenKind.SERVICE and payroll.scopes == ["records:read", "staff:read"]
    page = client.get("/administration/api-tokens/").content.decode()
    assert "Payroll" in page and "records:read, staff:read" in page
