from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sesis.audit.models import AuditEvent
from sesis.ivr.actions import first_attend_receive
from sesis.ivr.models import Source
from tests.factories import District


@pytest.fixture
def reported(district: District) -> None:
    day = timezone.localdate()
    for call_id, staff_id, osis, service in [
        ("C1", "300", "111111111", "SPEECH"),
        ("C2", "300", "444444444", "SPEECH"),
        ("C3", "600", "333333333", "PARA"),
        ("C4", "300", "666666666", "SPEECH"),
    ]:
        first_attend_receive(
            staff_id=staff_id, osis=osis, service=service, first_attend_date=day, call_id=call_id, source=Source.CALL
        )


def call_ids(response) -> list[str]:
    return sorted(fa.call_id for fa in response.context["page"])


def test_a_provider_sees_their_own_first_attends_and_outcomes(
    client: Client, district: District, reported: None
) -> None:
    client.force_login(district.doe_speech)
    response = client.get(reverse("my_first_attends"))
    assert call_ids(response) == ["C1", "C2", "C4"]
    assert b"Not added</strong>: No IEP mandate" in response.content


def test_a_supervisor_sees_the_first_attends_of_providers_in_scope_by_status(
    client: Client, district: District, reported: None
) -> None:
    client.force_login(district.supervisor)
    assert call_ids(client.get(reverse("first_attends_admin"))) == ["C1", "C2", "C3", "C4"]
    assert call_ids(client.get(reverse("first_attends_admin"), {"status": "refused"})) == ["C2"]
    assert call_ids(client.get(reverse("first_attends_admin"), {"staff_id": "600"})) == ["C3"]
    client.force_login(district.supervisor_out)  # sees only provider 300 (assigned to 15K003)
    assert call_ids(client.get(reverse("first_attends_admin"))) == ["C1", "C2", "C4"]


def test_providers_have_no_administration_page_and_supervisors_no_provider_page(
    client: Client, district: District
) -> None:
    client.force_login(district.doe_speech)
    assert client.get(reverse("first_attends_admin")).status_code == 404
    client.force_login(district.supervisor)
    assert client.get(reverse("my_first_attends")).status_code == 404


def test_a_provider_sets_a_telephone_pin(client: Client, district: District) -> None:
    client.force_login(district.doe_speech)
    response = client.post(reverse("profile"), {"pin": "4827"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Your telephone PIN is set."]
    district.doe_speech.refresh_from_db()
    assert district.doe_speech.check_ivr_pin("4827") and not district.doe_speech.check_ivr_pin("4828")
    assert "4827" not in district.doe_speech.ivr_pin
    assert AuditEvent.objects.filter(action="staff.set_pin").count() == 1


@pytest.mark.parametrize(
    ("pin", "message"),
    [
        ("", "Enter a PIN of 4 to 8 digits."),
        ("12a4", "A telephone PIN is 4 to 8 digits."),
        ("123", "A telephone PIN is 4 to 8 digits."),
        ("1234", "That PIN is too easy to guess; choose another."),
        ("7777", "That PIN is too easy to guess; choose another."),
        ("0000", "That PIN is too easy to guess; choose another."),
    ],
)
def test_a_bad_pin_is_refused_with_a_reason(client: Client, district: District, pin: str, message: str) -> None:
    client.force_login(district.doe_speech)
    response = client.post(reverse("profile"), {"pin": pin})
    assert response.context["form"].errors["pin"] == [message]
    district.doe_speech.refresh_from_db()
    assert district.doe_speech.ivr_pin == ""
