"""Administrators see and correct the Medicaid facts in the browser: a student's
consents, Medicaid IDs and orders; a provider's credential from the staff page; the
claim rules. Every problem of a form is named at once and nothing is saved; a save is
audited with before and after; no one but an administrator reaches these pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sesis.audit.models import AuditEvent, Disclosure
from sesis.medicaid.checks import npi_from
from sesis.medicaid.models import ClaimRule, Consent, Credential, CredentialKind, Eligibility, Order
from tests.factories import District


@pytest.fixture
def admin(client: Client, district: District) -> Client:
    client.force_login(district.admin)
    return client


def fact_url(d: District, kind: str, fact_id: int | None = None) -> str:
    url = reverse(f"student_{kind}", args=[d.speech_student.osis])
    return url + (f"?id={fact_id}" if fact_id else "")


def errors(response: object) -> dict[str, list[str]]:
    return response.context["form"].errors  # type: ignore[attr-defined,no-any-return]


def test_an_administrator_adds_a_consent_and_the_student_page_shows_it(admin: Client, district: District) -> None:
    response = admin.post(fact_url(district, "consent"), {"given_on": "2026-09-08", "withdrawn_on": ""}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"The parental consent to bill Medicaid of {district.speech_student.full_name} "
        f"({district.speech_student.osis}) is saved."
    ]
    consent = Consent.objects.get(student=district.speech_student)
    assert consent.given_on == dt.date(2026, 9, 8)
    assert consent.withdrawn_on is None
    event = AuditEvent.objects.get(action="medicaid.consent.create")
    assert event.student_id == district.speech_student.pk
    assert event.actor_id == district.admin.pk
    page = response.content.decode()
    assert "2026-09-08" in page
    assert "Stands" in page
    # Seeing a student's facts is a disclosure, like any other of their records.
    seen = Disclosure.objects.get(what="Medicaid facts")
    assert list(seen.students.values_list("student_id", flat=True)) == [district.speech_student.pk]


def test_withdrawing_a_consent_records_before_and_after(admin: Client, district: District) -> None:
    consent = Consent.objects.create(student=district.speech_student, given_on=dt.date(2026, 9, 8))
    admin.post(fact_url(district, "consent", consent.pk), {"given_on": "2026-09-08", "withdrawn_on": "2026-11-20"})
    consent.refresh_from_db()
    assert consent.withdrawn_on == dt.date(2026, 11, 20)
    event = AuditEvent.objects.get(action="medicaid.consent.update")
    assert event.details["values"] == {"withdrawn_on": [None, "2026-11-20"]}


def test_a_consent_withdrawn_before_it_was_given_is_refused_on_its_field(admin: Client, district: District) -> None:
    response = admin.post(fact_url(district, "consent"), {"given_on": "2026-09-08", "withdrawn_on": "2026-09-01"})
    assert response.status_code == 200
    assert list(errors(response)) == ["withdrawn_on"]
    assert "date given" in errors(response)["withdrawn_on"][0]
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="medicaid.").exists()


def test_every_problem_of_a_medicaid_id_is_named_at_once(admin: Client, district: District) -> None:
    response = admin.post(
        fact_url(district, "eligibility"),
        {"medicaid_id": "12345", "start_date": "2026-09-01", "end_date": "2026-08-01"},
    )
    found = errors(response)
    assert sorted(found) == ["end_date", "medicaid_id"]
    assert "12345" in found["medicaid_id"][0]
    assert not Eligibility.objects.exists()
    good = {"medicaid_id": "ab12345c", "start_date": "2026-09-01", "end_date": ""}
    admin.post(fact_url(district, "eligibility"), good)
    assert Eligibility.objects.get().medicaid_id == "AB12345C"


def test_an_order_names_each_bad_value_and_offers_only_claimed_services(admin: Client, district: District) -> None:
    form = admin.get(fact_url(district, "order")).context["form"]
    offered = {value for value, _label in form.fields["service"].choices}
    assert offered == {rule.service for rule in ClaimRule.objects.all()}
    assert "PARA" not in offered
    values = {
        "service": "SPEECH",
        "ordered_by": "Dr. Ana Ruiz",
        "ordered_by_npi": "1234567890",  # fails the Luhn check
        "diagnosis": "speech",
        "order_date": "2026-09-01",
        "start_date": "2026-09-01",
        "end_date": "2027-06-30",
    }
    response = admin.post(fact_url(district, "order"), values)
    assert sorted(errors(response)) == ["diagnosis", "ordered_by_npi"]
    assert not Order.objects.exists()
    values.update(ordered_by_npi=npi_from(900000001), diagnosis="f80.9")
    admin.post(fact_url(district, "order"), values)
    order = Order.objects.get()
    assert order.diagnosis == "F80.9"
    # Ending it early: the change and the audit event's before and after.
    admin.post(fact_url(district, "order", order.pk), {**values, "end_date": "2026-10-31"})
    order.refresh_from_db()
    assert order.end_date == dt.date(2026, 10, 31)
    event = AuditEvent.objects.get(action="medicaid.order.update")
    assert event.details["values"] == {"end_date": ["2027-06-30", "2026-10-31"]}


def test_the_same_order_twice_is_refused_with_a_message(admin: Client, district: District) -> None:
    values = {
        "service": "SPEECH",
        "ordered_by": "Dr. Ana Ruiz",
        "ordered_by_npi": npi_from(900000001),
        "diagnosis": "F80.9",
        "order_date": "2026-09-01",
        "start_date": "2026-09-01",
        "end_date": "2027-06-30",
    }
    admin.post(fact_url(district, "order"), values)
    response = admin.post(fact_url(district, "order"), values)
    assert "already on file" in response.content.decode()
    assert Order.objects.count() == 1


def test_another_students_fact_is_not_reached_through_this_student(admin: Client, district: District) -> None:
    other = Consent.objects.create(student=district.ot_student, given_on=dt.date(2026, 9, 8))
    assert admin.get(fact_url(district, "consent", other.pk)).status_code == 404
    assert admin.get(fact_url(district, "consent") + "?id=x").status_code == 404


def test_a_credential_under_direction_needs_its_director(admin: Client, district: District) -> None:
    url = reverse("staff_credential", args=[district.agency_ot.staff_id])
    values = {
        "npi": npi_from(400000001),
        "kind": CredentialKind.UNDER_DIRECTION,
        "license_number": "COTA-004567",
        "expires_on": "2027-06-30",
        "directed_by": "",
    }
    assert list(errors(admin.post(url, values))) == ["directed_by"]
    assert list(errors(admin.post(url, {**values, "directed_by": "no-such"}))) == ["directed_by"]
    assert list(errors(admin.post(url, {**values, "directed_by": district.agency_ot.staff_id}))) == ["directed_by"]
    assert not Credential.objects.exists()
    response = admin.post(url, {**values, "directed_by": district.doe_speech.staff_id}, follow=True)
    credential = Credential.objects.get(staff=district.agency_ot)
    assert credential.supervisor == district.doe_speech
    page = response.content.decode()
    assert "COTA-004567" in page
    assert f"(staff ID {district.doe_speech.staff_id})" in page
    assert AuditEvent.objects.filter(action="medicaid.credential.create").count() == 1
    # The form shows the director by staff ID when it is opened again.
    assert admin.get(url).context["form"]["directed_by"].value() == district.doe_speech.staff_id


def test_a_claim_rule_is_changed_and_a_bad_one_refused(admin: Client, district: District) -> None:
    rule = ClaimRule.objects.get(service="SPEECH", group=False)
    url = reverse("claim_rule_edit") + f"?id={rule.pk}"
    values = {"procedure_code": "9250", "unit": "session", "rate": "0", "minimum_minutes": "0", "source": "x"}
    assert sorted(errors(admin.post(url, values))) == ["procedure_code", "rate"]
    admin.post(url, {**values, "procedure_code": "92507", "rate": "61.25"})
    rule.refresh_from_db()
    assert rule.rate == Decimal("61.25")
    event = AuditEvent.objects.get(action="medicaid.claim_rule.update")
    assert "rate" in event.details["values"]
    assert "$61.25" in admin.get(reverse("claim_rules")).content.decode()


def test_a_claim_rule_is_added_once_per_service_and_group(admin: Client, district: District) -> None:
    url = reverse("claim_rule_edit")
    values = {"service": "SPEECH", "procedure_code": "92507", "unit": "session", "rate": "50", "minimum_minutes": "0"}
    assert list(errors(admin.post(url, values))) == ["service"]
    admin.post(url, {**values, "service": "HEARING", "procedure_code": "92507"})
    assert ClaimRule.objects.filter(service="HEARING", group=False).exists()


def test_the_claims_page_finds_a_student_by_osis(admin: Client, district: District) -> None:
    response = admin.get(reverse("medicaid_claims") + f"?osis={district.speech_student.osis}")
    assert response["Location"] == reverse("student_medicaid", args=[district.speech_student.osis])
    response = admin.get(reverse("medicaid_claims") + "?osis=000000000")
    assert [str(m) for m in response.context["messages"]] == ["No student has OSIS ID 000000000."]


@pytest.mark.parametrize("who", ["supervisor", "doe_speech"])
def test_no_one_else_reaches_the_fact_pages(client: Client, district: District, who: str) -> None:
    client.force_login(getattr(district, who))
    osis = district.speech_student.osis
    urls = [
        reverse("student_medicaid", args=[osis]),
        fact_url(district, "consent"),
        reverse("staff_credential", args=[district.doe_speech.staff_id]),
        reverse("claim_rules"),
        reverse("claim_rule_edit"),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(fact_url(district, "consent"), {"given_on": "2026-09-08"}).status_code == 404
    assert not Consent.objects.exists()
    # The staff page shows no credential section to a supervisor.
    if who == "supervisor":
        page = client.get(reverse("staff_detail", args=[district.doe_speech.staff_id])).content.decode()
        assert "Medicaid credential" not in page


@pytest.mark.parametrize("kind", ["consent", "eligibility", "order"])
def test_an_empty_form_names_each_required_field(admin: Client, district: District, kind: str) -> None:
    response = admin.post(fact_url(district, kind), {})
    required = {name for name, field in response.context["form"].fields.items() if field.required}
    assert set(errors(response)) == required
    assert not AuditEvent.objects.filter(action__startswith="medicaid.").exists()


def test_an_empty_credential_or_rule_names_each_required_field(admin: Client, district: District) -> None:
    response = admin.post(reverse("staff_credential", args=[district.doe_speech.staff_id]), {})
    assert set(errors(response)) == {"npi", "kind", "license_number", "expires_on"}
    response = admin.post(reverse("claim_rule_edit"), {})
    assert set(errors(response)) == {"service", "procedure_code", "unit", "rate", "minimum_minutes"}
    assert not Credential.objects.exists()


def test_a_date_that_does_not_parse_is_named_and_the_other_checked(admin: Client, district: District) -> None:
    response = admin.post(fact_url(district, "consent"), {"given_on": "2026-13-45", "withdrawn_on": "2026-09-01"})
    assert list(errors(response)) == ["given_on"]
    assert not Consent.objects.exists()
