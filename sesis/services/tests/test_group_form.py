"""The group form, student by student (issue 19, item 1): each student's own Session
Notes (a shared note fills the ones left empty), language (their mandate's by
default) and, for paraprofessionals, Progress Indicator; each student shown with OSIS
ID and mandate; a student whose mandate cannot be in the group is marked before Save,
and refused (naming them, saving nobody) after."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from sesis.caseloads.actions import caseload_add
from sesis.mandates.models import Mandate
from sesis.people.models import Staff
from sesis.services.actions import GroupMember, group_session_record
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions
from sesis.services.tests.test_group import common
from sesis.students.models import Student
from tests.factories import PASSWORD, MandateFactory, StudentFactory


@pytest.fixture
def kids(sessions: Sessions) -> list[Student]:
    """Three speech students of Maria Santos: two in groups of up to 3 (one Russian-
    speaking), one seen individually only."""
    made = []
    for name, language, size in (("Anya", "Russian", 3), ("Boris", "English", 3), ("Cleo", "English", 1)):
        student = StudentFactory.create(school=sessions.d.school_a, first_name=name, last_name="Petrov")
        MandateFactory.create(student=student, service="SPEECH", group_size=size, language=language)
        made.append(student)
    caseload_add(actor=sessions.d.doe_speech, provider=sessions.d.doe_speech, students=made)
    return made


def _client(user: Staff) -> Client:
    client = Client()
    assert client.login(username=user.staff_id, password=PASSWORD)
    return client


def _post(user: Staff, members: list[Student], **extra: object):  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "date": "2026-11-16",
        "start_time": "11:00",
        "end_time": "11:30",
        "service": "SPEECH",
        "location": "separate",
        "notes": "",
        "member": [s.osis for s in members],
        "certify": "on",
    } | extra
    return _client(user).post("/services/group/", data)


def test_each_student_keeps_their_own_notes_and_language(sessions: Sessions, kids: list[Student]) -> None:
    anya, boris, _ = kids
    answer = _post(
        sessions.d.doe_speech,
        [anya, boris],
        **{f"notes-{anya.osis}": "Anya: /r/ in words.", f"notes-{boris.osis}": "Boris: turn-taking."},
    )
    assert answer.status_code == 302
    saved = {r.student.first_name: r for r in ServiceRecord.objects.select_related("student")}
    assert (saved["Anya"].notes, saved["Anya"].language) == ("Anya: /r/ in words.", "Russian")
    assert (saved["Boris"].notes, saved["Boris"].language) == ("Boris: turn-taking.", "English")
    assert {r.group_count for r in saved.values()} == {2}


def test_the_shared_note_fills_the_notes_left_empty(sessions: Sessions, kids: list[Student]) -> None:
    anya, boris, _ = kids
    _post(
        sessions.d.doe_speech,
        [anya, boris],
        notes="Turn-taking game.",
        **{f"notes-{anya.osis}": "Anya: /r/ in words.", f"language-{boris.osis}": "Spanish"},
    )
    saved = {r.student.first_name: r for r in ServiceRecord.objects.select_related("student")}
    assert saved["Anya"].notes == "Anya: /r/ in words."
    assert (saved["Boris"].notes, saved["Boris"].language) == ("Turn-taking game.", "Spanish")


def test_the_form_shows_each_student_with_osis_mandate_and_language(sessions: Sessions, kids: list[Student]) -> None:
    page = html.unescape(_client(sessions.d.doe_speech).get("/services/group/").content.decode())
    anya, _, cleo = kids
    assert f'Petrov, Anya <span class="sesis-student-id">{anya.osis}</span>' in page
    assert "Speech-Language Therapy: 2 x 30 min per week, group of up to 3" in page
    assert '<option value="Russian" selected>' in page  # Anya's language, her mandate's
    # Before Save: the student whose mandate is individual only is marked at her name.
    assert (
        f'<p class="sesis-flag" id="mark-{cleo.osis}">Individual sessions only: cannot be recorded in a group.</p>'
        in page
    )
    assert f'aria-describedby="mark-{cleo.osis}"' in page


def test_a_student_who_cannot_be_in_the_group_is_refused_naming_them(sessions: Sessions, kids: list[Student]) -> None:
    answer = _post(sessions.d.doe_speech, kids, notes="Game.")
    assert answer.status_code == 200
    page = html.unescape(answer.content.decode())
    assert "Cleo Petrov: Group Size cannot be above the mandate's group size (individual sessions only)." in page
    assert not ServiceRecord.objects.exists()


def test_a_language_not_on_the_list_is_refused_naming_the_student(sessions: Sessions, kids: list[Student]) -> None:
    anya, boris, _ = kids
    answer = _post(sessions.d.doe_speech, [anya, boris], notes="Game.", **{f"language-{anya.osis}": "Klingon"})
    assert answer.status_code == 200
    assert "Anya Petrov: Choose a Language of Service from the list." in html.unescape(answer.content.decode())
    assert not ServiceRecord.objects.exists()


def test_a_paraprofessional_gives_each_student_their_progress(sessions: Sessions) -> None:
    d = sessions.d
    other = StudentFactory.create(school=d.school_a, first_name="Dana", last_name="Quill")
    MandateFactory.create(student=other, service="PARA", sessions=5, minutes=360, group_size=2)
    Mandate.objects.filter(student=d.para_student).update(group_size=2)
    caseload_add(actor=d.para, provider=d.para, students=[d.para_student, other])
    answer = _post(
        d.para,
        [d.para_student, other],
        service="PARA",
        description="health",
        start_time="09:00",
        end_time="10:00",
        notes="Lunch support.",
        **{f"progress-{d.para_student.osis}": "progressing", f"progress-{other.osis}": "limited"},
    )
    assert answer.status_code == 302, html.unescape(answer.content.decode())[-3000:]
    progress = dict(ServiceRecord.objects.values_list("student__first_name", "progress"))
    assert progress == {d.para_student.first_name: "progressing", "Dana": "limited"}


def test_a_group_member_holds_only_the_fields_a_student_may_hold_alone(sessions: Sessions, kids: list[Student]) -> None:
    anya = kids[0]
    mandate = Mandate.objects.get(student=anya)
    with pytest.raises(TypeError, match="start_time"):
        group_session_record(
            actor=sessions.d.doe_speech,
            provider=sessions.d.doe_speech,
            common=common([(anya, mandate)]),
            members=[(GroupMember(anya, present=True, own={"start_time": "09:00"}), mandate)],
        )
    assert not ServiceRecord.objects.exists()
