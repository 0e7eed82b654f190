from __future__ import annotations

import datetime as dt

import pytest

from sesis.caseloads.actions import caseload_add
from sesis.services.actions import GroupMember, RecordRefused, draft, group_session_record, service_record_create
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions
from tests.factories import MandateFactory, StudentFactory


@pytest.fixture
def group(sessions: Sessions) -> list:
    """Five speech students of one provider, each with a group-of-5 mandate."""
    members = []
    for n in range(5):
        student = StudentFactory.create(school=sessions.d.school_a, first_name=f"Kid{n}", last_name=f"Group{n}")
        mandate = MandateFactory.create(student=student, service="SPEECH", group_size=5)
        caseload_add(actor=sessions.d.doe_speech, provider=sessions.d.doe_speech, students=[student])
        members.append((student, mandate))
    return members


def common(members: list, **overrides: object) -> ServiceRecord:
    student, mandate = members[0]
    values: dict[str, object] = {
        "student": student,
        "mandate": mandate,
        "date": dt.date(2026, 11, 16),
        "start_time": dt.time(11, 0),
        "end_time": dt.time(11, 30),
        "language": "English",
        "location": "separate",
        "notes": "Articulation game.",
    }
    values.update(overrides)
    return draft(**values)


def test_one_form_records_one_certified_record_per_student(sessions: Sessions, group: list) -> None:
    members = [(GroupMember(student, present=n != 2), mandate) for n, (student, mandate) in enumerate(group)]
    records = group_session_record(
        actor=sessions.d.doe_speech, provider=sessions.d.doe_speech, common=common(group), members=members, certify=True
    )
    assert len(records) == 5
    assert sorted((r.session_type, r.group_count) for r in records) == [("provided", 4)] * 4 + [("student_absent", 4)]
    assert all(r.is_certified and r.hash_is_valid() for r in records)
    assert len({r.group_session_id for r in records}) == 1


def test_a_refused_member_saves_nobody(sessions: Sessions, group: list) -> None:
    group[4][1].start_date = dt.date(2026, 11, 17)  # this student's mandate starts after the session
    group[4][1].save()
    members = [(GroupMember(student, present=True), mandate) for student, mandate in group]
    with pytest.raises(RecordRefused) as caught:
        group_session_record(
            actor=sessions.d.doe_speech, provider=sessions.d.doe_speech, common=common(group), members=members
        )
    assert [name for name, _ in caught.value.problems] == [f"{group[4][0].osis}:date"]
    assert caught.value.problems[0][1].startswith("Kid4 Group4: November 16, 2026 is outside the mandate's dates")
    assert not ServiceRecord.objects.exists()


def test_a_group_larger_than_a_mandate_allows_is_refused(sessions: Sessions, group: list) -> None:
    members = [(GroupMember(student, present=True), mandate) for student, mandate in group]
    members.append((GroupMember(sessions.d.speech_student, present=True), sessions.d.speech_student.mandates.get()))
    with pytest.raises(RecordRefused) as caught:
        group_session_record(
            actor=sessions.d.doe_speech, provider=sessions.d.doe_speech, common=common(group), members=members
        )
    # every student with a group-of-5 mandate is refused a group of 6, and Ana's mandate allows 3
    assert len(caught.value.problems) == 6
    assert not ServiceRecord.objects.exists()


def test_a_group_session_still_cannot_overlap_the_providers_other_sessions(sessions: Sessions, group: list) -> None:
    service_record_create(
        actor=sessions.d.doe_speech,
        provider=sessions.d.doe_speech,
        data=sessions.speech_input(start_time=dt.time(11, 15), end_time=dt.time(11, 45)),
    )
    members = [(GroupMember(student, present=True), mandate) for student, mandate in group]
    with pytest.raises(RecordRefused, match="cannot be in two places"):
        group_session_record(
            actor=sessions.d.doe_speech, provider=sessions.d.doe_speech, common=common(group), members=members
        )
    assert ServiceRecord.objects.count() == 1


def test_a_group_needs_someone_present(sessions: Sessions, group: list) -> None:
    members = [(GroupMember(student, present=False), mandate) for student, mandate in group]
    with pytest.raises(RecordRefused, match="at least one student present"):
        group_session_record(
            actor=sessions.d.doe_speech, provider=sessions.d.doe_speech, common=common(group), members=members
        )


def test_a_group_recorded_one_student_at_a_time_shares_one_group_session(sessions: Sessions, group: list) -> None:
    """The guide's way: the whole form once per student, Group Size Group. Same times,
    same service: the same group session, so the provider is not in two places."""
    provider = sessions.d.doe_speech
    records = [
        service_record_create(
            actor=provider,
            provider=provider,
            certify=True,
            data=common([(student, mandate)], grouping="group", group_count=3),
        )
        for student, mandate in group[:3]
    ]
    assert len({r.group_session_id for r in records}) == 1 and records[0].group_session_id is not None
    # An individual session, or a group at other times, at that hour is still two places at once.
    with pytest.raises(RecordRefused, match="cannot be in two places"):
        service_record_create(actor=provider, provider=provider, data=common([group[3]]))
    with pytest.raises(RecordRefused, match="cannot be in two places"):
        service_record_create(
            actor=provider,
            provider=provider,
            data=common([group[3]], grouping="group", group_count=3, end_time=dt.time(11, 45)),
        )
    assert ServiceRecord.objects.count() == 3
