"""Needs your signature: several records certified with one statement, each checked,
hashed and audited on its own; the list shows only what the user may sign."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from sesis.audit.models import AuditEvent
from sesis.caseloads.actions import caseload_remove
from sesis.caseloads.models import CaseloadEntry
from sesis.lib.errors import ActionRefused
from sesis.schedules.tests.test_race import race
from sesis.services.access import needs_signature
from sesis.services.actions import (
    NOT_YOURS_TO_SIGN,
    service_record_amend,
    service_record_create,
    service_record_update,
    service_records_certify,
)
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions
from tests.factories import PASSWORD, build_district


def _drafts(sessions: Sessions, days: tuple[int, ...] = (16, 17, 18)) -> list[ServiceRecord]:
    d = sessions.d
    return [
        service_record_create(actor=d.para, provider=d.para, data=sessions.para_input(date=dt.date(2026, 11, day)))
        for day in days
    ]


def test_one_statement_certifies_each_record_with_its_own_hash_and_event(sessions: Sessions) -> None:
    records = _drafts(sessions)
    assert list(needs_signature(sessions.d.para)) == records  # oldest first
    outcomes = service_records_certify(actor=sessions.d.para, records=records, attested=True)
    assert [outcome.refusal for outcome in outcomes] == ["", "", ""]
    stored = list(ServiceRecord.objects.order_by("date"))
    assert all(record.certified_by == sessions.d.para and record.hash_is_valid() for record in stored)
    assert len({record.certification_hash for record in stored}) == 3
    events = AuditEvent.objects.filter(action="service_record.certify")
    assert sorted(event.details["hash"] for event in events) == sorted(r.certification_hash for r in stored)
    assert not needs_signature(sessions.d.para).exists()


def test_without_the_statement_or_with_nothing_ticked_nothing_is_certified(sessions: Sessions) -> None:
    records = _drafts(sessions)
    with pytest.raises(ActionRefused, match="Check the box to certify"):
        service_records_certify(actor=sessions.d.para, records=records, attested=False)
    with pytest.raises(ActionRefused, match="Choose at least one record"):
        service_records_certify(actor=sessions.d.para, records=[], attested=True)
    assert not ServiceRecord.objects.filter(certified_at__isnull=False).exists()


def test_a_refused_record_does_not_hold_back_the_others(sessions: Sessions) -> None:
    d = sessions.d
    para_records = _drafts(sessions, (16, 17))
    speech = service_record_create(actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input())
    service_records_certify(actor=d.para, records=[para_records[0]], attested=True)
    entry = d.doe_speech.caseload_entries.get(student=d.speech_student, ended_at__isnull=True)
    caseload_remove(actor=d.doe_speech, entry=entry, reason="Added in error")
    # Taken off the caseload before the session's day (Nov 16): it cannot be signed.
    CaseloadEntry.objects.filter(pk=entry.pk).update(ended_at=dt.datetime(2026, 11, 15, 17, tzinfo=dt.UTC))
    outcomes = service_records_certify(actor=d.para, records=[para_records[0], para_records[1]], attested=True)
    assert [outcome.refusal for outcome in outcomes] == ["This record is already certified.", ""]
    refused = service_records_certify(actor=d.doe_speech, records=[speech], attested=True)
    assert refused[0].refusal == "Ana O'Connor is not on Maria Santos's caseload."  # the rules, checked again
    assert ServiceRecord.objects.get(pk=speech.pk).certified_at is None


def test_the_rules_are_checked_again_when_signing(sessions: Sessions, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved on Nov 16; by December 2 the entry window (the current month and the one
    before) has moved past October, so an October session can no longer be signed."""
    d = sessions.d
    october = service_record_create(actor=d.para, provider=d.para, data=sessions.para_input(date=dt.date(2026, 10, 20)))
    november = _drafts(sessions, (16,))[0]
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: dt.date(2026, 12, 2))
    outcomes = service_records_certify(actor=d.para, records=[october, november], attested=True)
    assert outcomes[0].refusal != "" and "date" in outcomes[0].refusal.lower()
    assert outcomes[1].refusal == ""
    assert ServiceRecord.objects.get(pk=october.pk).certified_at is None


def test_a_supervisor_signs_only_what_they_recorded_for_a_provider(sessions: Sessions) -> None:
    d = sessions.d
    own = _drafts(sessions, (16,))[0]  # recorded by the paraprofessional
    on_behalf = service_record_create(
        actor=d.supervisor, provider=d.para, data=sessions.para_input(date=dt.date(2026, 11, 17))
    )
    assert list(needs_signature(d.supervisor)) == [on_behalf]
    assert set(needs_signature(d.para)) == {own, on_behalf}  # the provider may sign both
    refused = service_records_certify(actor=d.supervisor, records=[own], attested=True)
    assert refused[0].refusal == NOT_YOURS_TO_SIGN
    assert service_records_certify(actor=d.supervisor, records=[on_behalf], attested=True)[0].refusal == ""
    assert ServiceRecord.objects.get(pk=on_behalf.pk).certified_by == d.supervisor


def test_the_homepage_lists_and_certifies_ticked_records(sessions: Sessions) -> None:
    d = sessions.d
    records = _drafts(sessions)
    client = Client()
    assert client.login(username=d.para.staff_id, password=PASSWORD)
    home = client.get("/").content.decode()
    assert "Needs your signature (3)" in home and home.count('name="record"') == 3
    refused = client.post("/services/certify/", {"record": [r.pk for r in records]}, follow=True).content.decode()
    assert "Check the box to certify" in refused
    done = client.post(
        "/services/certify/", {"record": [records[0].pk, records[2].pk], "certify": "on"}, follow=True
    ).content.decode()
    assert "Certified 2 service records." in done and "Needs your signature (1)" in done
    assert list(needs_signature(d.para)) == [records[1]]
    # Another provider's record id in the form is not theirs to sign: it is ignored.
    other = service_record_create(actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input())
    client.post("/services/certify/", {"record": [other.pk], "certify": "on"})
    assert ServiceRecord.objects.get(pk=other.pk).certified_at is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
def test_two_tabs_certifying_the_same_records_sign_each_once(today: dt.date) -> None:
    from sesis.caseloads.actions import caseload_add
    from sesis.services.tests.conftest import Sessions as S

    d = build_district()
    caseload_add(actor=d.para, provider=d.para, students=[d.para_student])
    sessions = S(d=d, today=today)
    ids = [r.pk for r in _drafts(sessions)]

    def certify(_: int) -> list[str]:
        records = list(ServiceRecord.objects.filter(pk__in=ids).order_by("date"))
        return [o.refusal for o in service_records_certify(actor=d.para, records=records, attested=True)]

    results, errors = race(certify)
    assert errors == []
    signed = [refusal for result in results for refusal in result if refusal == ""]
    assert len(signed) == 3  # each record signed exactly once, across all the tabs
    assert AuditEvent.objects.filter(action="service_record.certify").count() == 3
    assert all(r.hash_is_valid() for r in ServiceRecord.objects.all())


def test_the_day_page_certifies_the_days_records_and_comes_back(sessions: Sessions) -> None:
    d = sessions.d
    monday, tuesday = _drafts(sessions, (16, 17))
    client = Client()
    assert client.login(username=d.para.staff_id, password=PASSWORD)
    page = client.get("/day/?date=2026-11-17").content.decode()
    assert "Needs your signature (1)" in page and f'value="{tuesday.pk}"' in page and f'value="{monday.pk}"' not in page
    back = "/day/?date=2026-11-17"
    response = client.post("/services/certify/", {"record": [tuesday.pk], "certify": "on", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert list(needs_signature(d.para)) == [monday]
    away = client.post(
        "/services/certify/", {"record": [monday.pk], "certify": "on", "next": "https://evil.example.org/"}
    )
    assert away["Location"] == "/#signature-heading"  # a next that leaves the site is not followed


def test_an_amender_signs_their_own_correction_but_an_editor_never_signs_for_the_provider(sessions: Sessions) -> None:
    d = sessions.d
    signed = service_record_create(
        actor=d.para, provider=d.para, data=sessions.para_input(date=dt.date(2026, 11, 16)), certify=True
    )
    amended = service_record_amend(
        actor=d.supervisor, record=signed, reason="Ended early", changes={"end_time": dt.time(9, 45)}, certify=True
    )
    assert amended.certified_by == d.supervisor and amended.version == 2  # the supervisor's own signature
    draft = _drafts(sessions, (17,))[0]  # recorded by the paraprofessional
    with pytest.raises(ActionRefused, match="a signature is never given for someone else"):
        service_record_update(
            actor=d.supervisor, record=draft, data=sessions.para_input(date=draft.date), version=1, certify=True
        )
    assert ServiceRecord.objects.get(pk=draft.pk).certified_at is None
