"""Removing a student with uncertified records warns and lists them; after removal
they stay on record and certifiable by their author (the entry window allowing)."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from sesis.services.actions import service_record_certify, service_record_create
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions


def test_the_remove_page_lists_the_uncertified_records_and_they_stay_certifiable(sessions: Sessions) -> None:
    s = sessions
    d = s.d
    uncertified = [
        service_record_create(actor=d.doe_speech, provider=d.doe_speech, data=s.speech_input(date=day), certify=False)
        for day in (dt.date(2026, 11, 9), dt.date(2026, 11, 16))
    ]
    service_record_create(
        actor=d.doe_speech, provider=d.doe_speech, data=s.speech_input(date=dt.date(2026, 11, 17)), certify=True
    )
    entry = d.doe_speech.caseload_entries.get(student=d.speech_student)
    client = Client()
    client.force_login(d.doe_speech)
    page = client.get(f"/caseload/{entry.pk}/remove/").content.decode()
    assert "2 sessions of Ana with Maria Santos are not certified" in page
    assert "Mon, Nov 9, 2026" in page and "Mon, Nov 16, 2026" in page
    assert "Tue, Nov 17, 2026" not in page  # certified: not listed
    for record in uncertified:
        assert f"/services/records/{record.pk}/" in page
    response = client.post(f"/caseload/{entry.pk}/remove/", {"reason": "Other", "details": "Moved away"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ServiceRecord.objects.filter(pk__in=[r.pk for r in uncertified], certified_at__isnull=True).count() == 2
    signed = service_record_certify(actor=d.doe_speech, record=uncertified[0])
    assert signed.certified_at is not None


def test_no_warning_without_uncertified_records(sessions: Sessions) -> None:
    d = sessions.d
    entry = d.doe_speech.caseload_entries.get(student=d.speech_student)
    client = Client()
    client.force_login(d.supervisor)
    page = client.get(f"/administration/staff/300/caseload/{entry.pk}/remove/").content.decode()
    assert "not certified" not in page
