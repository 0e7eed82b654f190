"""A certified record altered behind SESIS's back (its trigger dropped by someone with
the database owner's rights) is caught by its certification hash: on the record page
and in every export row."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from sesis.lib.dbtriggers import Triggers
from sesis.services import actions
from sesis.services.models import (
    CERTIFIED_RECORDS_VERSIONED,
    VERSIONS_APPEND_ONLY,
    ServiceRecord,
    ServiceRecordVersion,
    Signature,
)
from sesis.services.tests.conftest import Sessions


@pytest.fixture
def certified(sessions: Sessions) -> ServiceRecord:
    d = sessions.d
    return actions.service_record_create(
        actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input(), certify=True
    )


def tamper(record: ServiceRecord, sql: str, lock: Triggers = CERTIFIED_RECORDS_VERSIONED) -> None:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for statement in lock.drop_sql(vendor):
            cursor.execute(statement)
        cursor.execute(sql, [record.pk])
        for statement in lock.create_sql(vendor):
            cursor.execute(statement)


def export_rows(client: Client) -> list[dict[str, str]]:
    response = client.get(
        reverse("report_download", args=["encounter-attendance", "csv"]),
        {"school": "02M001", "start": "2026-11-01", "end": "2026-11-30"},
    )
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_an_intact_record_is_verified_on_its_page_and_in_the_export(
    client: Client, sessions: Sessions, certified: ServiceRecord
) -> None:
    client.force_login(sessions.d.supervisor)
    page = client.get(reverse("record_detail", args=[certified.pk])).content.decode()
    assert "The record matches what was certified." in page
    (row,) = [r for r in export_rows(client) if r["OSIS ID"] == "111111111"]
    assert row["Signature"] == Signature.VERIFIED


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE services_servicerecord SET end_time = '11:30' WHERE id = %s",  # a longer session, more Medicaid
        "UPDATE services_servicerecord SET session_type = 'provided', notes = 'rewritten' WHERE id = %s",
        "UPDATE services_servicerecord SET certified_at = certified_at - interval '1 day' WHERE id = %s"
        if connection.vendor == "postgresql"
        else "UPDATE services_servicerecord SET certified_at = '2026-11-01 10:00:00' WHERE id = %s",
    ],
)
def test_a_record_altered_outside_sesis_is_flagged_on_its_page_and_in_the_export(
    client: Client, sessions: Sessions, certified: ServiceRecord, sql: str
) -> None:
    tamper(certified, sql)
    client.force_login(sessions.d.supervisor)
    page = client.get(reverse("record_detail", args=[certified.pk])).content.decode()
    assert "The record does not match its certification." in page
    (row,) = [r for r in export_rows(client) if r["OSIS ID"] == "111111111"]
    assert row["Signature"] == Signature.MISMATCH
    assert ServiceRecord.objects.get(pk=certified.pk).signature_status == Signature.MISMATCH


def test_an_uncertified_record_has_no_signature_to_check(client: Client, sessions: Sessions) -> None:
    d = sessions.d
    actions.service_record_create(actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input())
    client.force_login(d.supervisor)
    (row,) = [r for r in export_rows(client) if r["OSIS ID"] == "111111111"]
    assert row["Signature"] == ""


@pytest.mark.parametrize(
    "sql",
    [
        # an earlier signed version rewritten
        ("UPDATE services_servicerecordversion SET end_time = '11:30' WHERE record_id = %s", VERSIONS_APPEND_ONLY),
        # an earlier version removed: the amendment then names a version that is not there
        ("DELETE FROM services_servicerecordversion WHERE record_id = %s", VERSIONS_APPEND_ONLY),
    ],
)
def test_a_tampered_earlier_version_is_caught_on_the_page_in_the_export_and_by_verify_records(
    client: Client, sessions: Sessions, certified: ServiceRecord, sql: tuple[str, Triggers]
) -> None:
    from django.core.management import CommandError, call_command

    d = sessions.d
    actions.service_record_amend(
        actor=d.doe_speech,
        record=certified,
        reason="Notes were short",
        certify=True,
        changes={"notes": "Worked on /s/ blends in words."},
    )
    client.force_login(d.supervisor)
    (row,) = [r for r in export_rows(client) if r["OSIS ID"] == "111111111"]
    assert (row["Signature"], row["Amended"]) == (Signature.VERIFIED, "Yes")
    tamper(certified, *sql)
    page = client.get(reverse("record_detail", args=[certified.pk])).content.decode()
    assert "The record does not match its certification." in page
    (row,) = [r for r in export_rows(client) if r["OSIS ID"] == "111111111"]
    assert row["Signature"] == Signature.MISMATCH
    with pytest.raises(CommandError, match="do not match their signature"):
        call_command("verify_records")
    assert ServiceRecordVersion.objects.filter(record=certified).count() <= 1
