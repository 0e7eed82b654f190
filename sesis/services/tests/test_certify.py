"""A certified record is locked: by the actions, and by the database itself against
save(), update(), delete() and raw SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from sesis.caseloads.actions import caseload_remove
from sesis.caseloads.models import CaseloadEntry
from sesis.lib.errors import ActionRefused
from sesis.services.actions import (
    LOCKED,
    RecordRefused,
    service_record_certify,
    service_record_create,
    service_record_delete,
    service_record_update,
)
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions


@pytest.fixture
def certified(sessions: Sessions) -> ServiceRecord:
    return service_record_create(
        actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input(), certify=True
    )


@pytest.fixture
def draft(sessions: Sessions) -> ServiceRecord:
    return service_record_create(
        actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input(date=dt.date(2026, 11, 17))
    )


def test_certifying_records_who_when_and_a_hash_of_the_content(sessions: Sessions, draft: ServiceRecord) -> None:
    record = service_record_certify(actor=sessions.d.para, record=draft)
    record.refresh_from_db()
    assert record.certified_by == sessions.d.para
    assert record.certified_at is not None
    assert len(record.certification_hash) == 64
    assert record.hash_is_valid()


def test_the_hash_detects_content_that_differs_from_what_was_signed(certified: ServiceRecord) -> None:
    certified.refresh_from_db()
    certified.notes = "changed behind the signature's back"
    assert not certified.hash_is_valid()


def test_certifying_twice_is_refused(sessions: Sessions, certified: ServiceRecord) -> None:
    with pytest.raises(ActionRefused, match="already certified"):
        service_record_certify(actor=sessions.d.para, record=certified)


def test_a_session_stays_certifiable_after_the_student_leaves_the_caseload(
    sessions: Sessions, draft: ServiceRecord
) -> None:
    """Saved on Nov 17 while Chloe was on the caseload; taken off it since: her
    provider can still sign it (within the entry window)."""
    caseload_remove(actor=sessions.d.para, entry=sessions.d.para.caseload_entries.get(), reason="Added in error")
    record = service_record_certify(actor=sessions.d.para, record=draft)
    assert record.is_certified and record.hash_is_valid()


def test_certifying_needs_the_student_on_the_caseload_on_the_sessions_day(
    sessions: Sessions, draft: ServiceRecord
) -> None:
    entry = sessions.d.para.caseload_entries.get()
    caseload_remove(actor=sessions.d.para, entry=entry, reason="Added in error")
    # Taken off before the session's day (Nov 17): the session cannot be signed.
    CaseloadEntry.objects.filter(pk=entry.pk).update(ended_at=dt.datetime(2026, 11, 16, 17, tzinfo=dt.UTC))
    with pytest.raises(RecordRefused, match="Chloe Nguyen is not on Carmen Diaz's caseload"):
        service_record_certify(actor=sessions.d.para, record=draft)
    draft.refresh_from_db()
    assert not draft.is_certified


def test_the_actions_refuse_to_edit_or_delete_a_certified_record(sessions: Sessions, certified: ServiceRecord) -> None:
    with pytest.raises(ActionRefused, match=LOCKED):
        service_record_update(actor=sessions.d.para, record=certified, data=sessions.para_input(notes="x"), version=1)
    with pytest.raises(ActionRefused, match=LOCKED):
        service_record_delete(actor=sessions.d.para, record=certified)
    assert ServiceRecord.objects.get(pk=certified.pk).notes == ""


def test_the_database_refuses_save_on_a_certified_record(certified: ServiceRecord) -> None:
    certified.notes = "tampered"
    with pytest.raises(DatabaseError, match="certified service record"), transaction.atomic():
        certified.save()
    assert ServiceRecord.objects.get(pk=certified.pk).notes == ""


def test_the_database_refuses_queryset_update_and_delete(certified: ServiceRecord) -> None:
    with pytest.raises(DatabaseError, match="certified service record"), transaction.atomic():
        ServiceRecord.objects.filter(pk=certified.pk).update(session_type="cancelled", cancel_reason="other")
    with pytest.raises(DatabaseError, match="certified service record"), transaction.atomic():
        ServiceRecord.objects.filter(pk=certified.pk).delete()
    assert ServiceRecord.objects.get(pk=certified.pk).session_type == "provided"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE services_servicerecord SET notes = 'raw' WHERE id = %s",
        "DELETE FROM services_servicerecord WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_sql(certified: ServiceRecord, sql: str) -> None:
    with (
        pytest.raises(DatabaseError, match="certified service record"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [certified.pk])
    assert ServiceRecord.objects.get(pk=certified.pk).notes == ""


def test_an_uncertified_record_can_be_edited_and_deleted_by_its_author(
    sessions: Sessions, draft: ServiceRecord
) -> None:
    edited = service_record_update(
        actor=sessions.d.para,
        record=draft,
        data=sessions.para_input(date=draft.date, notes="Ambulatory aide"),
        version=1,
    )
    assert (edited.notes, edited.version) == ("Ambulatory aide", 2)
    service_record_delete(actor=sessions.d.para, record=edited)
    assert not ServiceRecord.objects.filter(pk=draft.pk).exists()


def test_a_stale_edit_is_refused_not_silently_applied(sessions: Sessions, draft: ServiceRecord) -> None:
    service_record_update(
        actor=sessions.d.para, record=draft, data=sessions.para_input(date=draft.date, notes="first"), version=1
    )
    with pytest.raises(ActionRefused, match="changed by someone else"):
        service_record_update(
            actor=sessions.d.para, record=draft, data=sessions.para_input(date=draft.date, notes="second"), version=1
        )
    assert ServiceRecord.objects.get(pk=draft.pk).notes == "first"


def test_uncertified_records_are_edited_under_the_same_rules(sessions: Sessions, draft: ServiceRecord) -> None:
    with pytest.raises(RecordRefused) as caught:
        service_record_update(
            actor=sessions.d.para, record=draft, data=sessions.para_input(date=draft.date, progress=""), version=1
        )
    assert caught.value.problems == [
        ("progress", "Choose a Progress Indicator: paraprofessionals document progress towards the IEP annual goals.")
    ]


def test_there_is_no_admin_site_to_bypass_the_actions(client, sessions: Sessions, certified: ServiceRecord) -> None:
    """SESIS has no Django admin: every write goes through the actions, so no admin
    page can edit a certified record."""
    from django.conf import settings

    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    client.force_login(sessions.d.admin)
    assert client.get("/admin/").status_code == 404
    assert client.get(f"/admin/services/servicerecord/{certified.pk}/change/").status_code == 404
