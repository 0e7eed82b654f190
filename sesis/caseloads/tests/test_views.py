from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sesis.caseloads.actions import caseload_add
from sesis.caseloads.models import CaseloadEntry
from tests.factories import District


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def supervisor(client: Client, district: District) -> Client:
    client.force_login(district.supervisor)
    return client


def test_add_to_caseload_shows_student_quick_search_with_checkboxes(supervisor: Client) -> None:
    response = supervisor.get(reverse("staff_caseload_add", args=["300"]), {"last_name": "oconn"})
    assert response.status_code == 200
    assert [s.osis for s, _ in response.context["rows"]] == ["111111111"]
    content = response.content.decode()
    assert 'type="checkbox" id="mark-111111111" name="osis" value="111111111"' in content
    assert "Add Students marked Below to Caseload" in content


def test_the_green_button_adds_the_marked_students_and_reports_each(supervisor: Client, district: District) -> None:
    url = reverse("staff_caseload_add", args=["300"]) + "?school=02M001"
    response = supervisor.post(url, {"osis": ["111111111", "444444444", "222222222"]}, follow=True)
    assert response.redirect_chain[-1][0] == url
    # Reported in the order the results page lists students: by name.
    assert messages_of(response) == [
        "Not added: Ben Garcia (222222222). The provider's discipline does not cover the mandated service "
        "(Occupational Therapy).",
        "Added to the caseload: Ana O'Connor (111111111).",
        "Not added: Dan Smith (444444444). No IEP mandate.",
    ]
    assert list(CaseloadEntry.objects.values_list("student__osis", flat=True)) == ["111111111"]


def test_a_student_out_of_scope_is_reported_like_one_that_does_not_exist(supervisor: Client) -> None:
    url = reverse("staff_caseload_add", args=["300"])
    response = supervisor.post(url, {"osis": ["666666666", "999999999"]}, follow=True)
    assert messages_of(response) == [
        "Not added: OSIS ID 666666666 was not found among the students you can see.",
        "Not added: OSIS ID 999999999 was not found among the students you can see.",
    ]
    assert not CaseloadEntry.objects.exists()


def test_posting_nothing_marked_says_so(supervisor: Client) -> None:
    response = supervisor.post(reverse("staff_caseload_add", args=["300"]), {}, follow=True)
    assert messages_of(response) == ["No students were marked. Check the box next to each student to add."]


def test_a_student_on_the_caseload_shows_as_such_in_the_results(supervisor: Client, district: District) -> None:
    caseload_add(actor=district.supervisor, provider=district.doe_speech, students=[district.speech_student])
    response = supervisor.get(reverse("staff_caseload_add", args=["300"]), {"osis": "111111111"})
    assert response.context["rows"] == [(district.speech_student, True)]
    assert b"On caseload" in response.content


def test_the_caseload_page_lists_the_providers_students(supervisor: Client, district: District) -> None:
    caseload_add(actor=district.supervisor, provider=district.doe_speech, students=[district.speech_student])
    response = supervisor.get(reverse("staff_caseload", args=["300"]))
    assert response.status_code == 200
    assert [e.student for e in response.context["entries"]] == [district.speech_student]
    assert b"O&#x27;Connor, Ana" in response.content


def test_caseload_pages_of_a_provider_out_of_scope_are_not_found(client: Client, district: District) -> None:
    client.force_login(district.supervisor_out)
    for name in ("staff_caseload", "staff_caseload_add"):
        assert client.get(reverse(name, args=["600"])).status_code == 404
    response = client.post(reverse("staff_caseload_add", args=["600"]), {"osis": ["333333333"]})
    assert response.status_code == 404
    assert not CaseloadEntry.objects.exists()


def test_a_supervisor_has_no_caseload_page(client: Client, district: District) -> None:
    client.force_login(district.admin)
    assert client.get(reverse("staff_caseload", args=["200"])).status_code == 404


def test_a_provider_uses_their_own_caseload_pages(client: Client, district: District) -> None:
    client.force_login(district.para)
    response = client.post(reverse("my_caseload_add") + "?osis=333333333", {"osis": ["333333333"]}, follow=True)
    assert messages_of(response) == ["Added to the caseload: Chloe Nguyen (333333333)."]
    caseload = client.get(reverse("my_caseload"))
    assert [e.student.osis for e in caseload.context["entries"]] == ["333333333"]
    entry = CaseloadEntry.objects.get()
    assert entry.source == "provider"


def test_a_provider_cannot_reach_another_providers_caseload(client: Client, district: District) -> None:
    client.force_login(district.para)
    assert client.get(reverse("staff_caseload", args=["300"])).status_code == 404


def test_the_homepage_has_my_student_caseload_with_student_quick_search(client: Client, district: District) -> None:
    client.force_login(district.doe_speech)
    content = client.get(reverse("home")).content.decode()
    assert "My Student Caseload" in content
    assert "Student Quick Search" in content
    assert f'action="{reverse("my_caseload_add")}"' in content


def test_removing_asks_for_a_reason_and_keeps_the_history(supervisor: Client, district: District) -> None:
    (result,) = caseload_add(
        actor=district.supervisor, provider=district.doe_speech, students=[district.speech_student]
    )
    assert result.entry is not None
    url = reverse("staff_caseload_remove", args=["300", result.entry.pk])
    refused = supervisor.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "reason" in refused.context["form"].errors
    other = supervisor.post(url, {"reason": "Other", "details": ""})
    assert other.context["form"].errors["details"] == ["Explain the reason when you choose Other."]
    assert CaseloadEntry.objects.get().is_active
    done = supervisor.post(url, {"reason": "Student changed schools"}, follow=True)
    assert messages_of(done) == ["Removed from the caseload: Ana O'Connor (111111111)."]
    assert [e.end_reason for e in done.context["history"]] == ["Student changed schools"]


def test_signing_in_is_required(client: Client, district: District) -> None:
    response = client.get(reverse("staff_caseload", args=["300"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_sign_in_with_their_staff_id(client: Client, district: District) -> None:
    from tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": "300", "password": PASSWORD})
    assert response.status_code == 302
    wrong = client.post(reverse("login"), {"username": "300", "password": "wrong-password-here"})
    assert wrong.status_code == 200
    assert b"correct staff ID and password" in wrong.content


def test_an_empty_removal_post_is_refused_not_shown_blank(supervisor: Client, district: District) -> None:
    (result,) = caseload_add(
        actor=district.supervisor, provider=district.doe_speech, students=[district.speech_student]
    )
    assert result.entry is not None
    response = supervisor.post(reverse("staff_caseload_remove", args=["300", result.entry.pk]), {})
    assert response.context["form"].errors["reason"] == ["Choose a reason for removing the student."]
    assert CaseloadEntry.objects.get().is_active
