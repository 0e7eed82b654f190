"""Exports read back: CSV, XLSX (openpyxl) and PDF (pypdf), each logged in the
disclosure log before it leaves."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from sesis.audit.models import AuditEvent, DisclosedStudent, Disclosure
from sesis.lib import exports
from sesis.lib.exports import csv_lines, neutralise
from sesis.people.models import Staff
from sesis.services.actions import service_record_create
from sesis.services.tests.conftest import Sessions
from sesis.students.models import Student
from tests.factories import PASSWORD

QUERY = "?date_from=2026-11-01&date_to=2026-11-30"


@pytest.fixture
def recorded(sessions: Sessions) -> None:
    s, d = sessions, sessions.d
    # A name a spreadsheet would run as a formula.
    Student.objects.filter(pk=d.speech_student.pk).update(last_name='=HYPERLINK("http://x")')
    d.speech_student.refresh_from_db()
    for day in (2, 3):
        service_record_create(
            actor=d.doe_speech,
            provider=d.doe_speech,
            certify=True,
            data=s.speech_input(student=d.speech_student, date=dt.date(2026, 11, day)),
        )
    service_record_create(actor=d.para, provider=d.para, data=s.para_input(date=dt.date(2026, 11, 4)))


def _client(user: Staff) -> Client:
    client = Client()
    assert client.login(username=user.staff_id, password=PASSWORD)
    return client


def _download(user: Staff, path: str) -> bytes:
    response = _client(user).get(path)
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_formula_cells_are_neutralised() -> None:
    assert [neutralise(v) for v in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "Ana", "", 5]] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "Ana",
        "",
        5,
    ]
    lines = list(csv_lines(["Name"], [["=cmd"], [-3]]))
    assert lines == ["\ufeffName\r\n", "'=cmd\r\n", "-3\r\n"]


def test_the_csv_export_holds_every_record_in_scope(sessions: Sessions, recorded: None) -> None:
    body = _download(sessions.d.supervisor, f"/reports/encounter-attendance/export/csv/{QUERY}")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Student", "OSIS ID", "School", "Service Type"]
    assert len(rows) == 1 + 3
    assert rows[1][0] == '\'=HYPERLINK("http://x"), Ana'
    assert [r[6] for r in rows[1:]] == ["2026-11-02", "2026-11-03", "2026-11-04"]
    assert rows[3][10] == "Service Provided" and rows[3][17] == "" and rows[1][17] == "Maria Santos"


def test_a_providers_export_holds_only_their_records(sessions: Sessions, recorded: None) -> None:
    body = _download(sessions.d.para, f"/reports/encounter-attendance/export/csv/{QUERY}")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["333333333"]


def test_the_xlsx_export_reads_back_with_openpyxl(sessions: Sessions, recorded: None) -> None:
    body = _download(sessions.d.admin, f"/reports/encounter-attendance/export/xlsx/{QUERY}&sort=-date")
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Student" and len(values) == 4
    assert values[1][1] == "333333333"  # sorted by date, newest first
    assert values[3][0] == '\'=HYPERLINK("http://x"), Ana'  # text, not a formula
    assert values[3][9] == 30 and isinstance(values[3][6], dt.datetime)


def test_the_xlsx_export_is_a_spreadsheet_not_text(sessions: Sessions, recorded: None) -> None:
    """Excel values with formats, a bold frozen header with an autofilter, widths."""
    body = _download(sessions.d.admin, f"/reports/encounter-attendance/export/xlsx/{QUERY}&sort=-date")
    workbook = load_workbook(io.BytesIO(body))
    sheet = workbook.active
    assert sheet is not None and sheet.title == "Encounter Attendance"
    header = [cell.value for cell in sheet[1]]
    date, start, end, minutes = (header.index(name) for name in ("Date", "Start Time", "End Time", "Minutes"))
    row = sheet[2]
    assert row[date].is_date and row[date].number_format == "yyyy-mm-dd"
    assert isinstance(row[start].value, dt.time) and row[start].number_format == "hh:mm"
    assert isinstance(row[end].value, dt.time) and row[end].value > row[start].value
    assert row[minutes].data_type == "n" and isinstance(row[minutes].value, int)
    assert all(cell.font.b for cell in sheet[1]) and not row[0].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:U{sheet.max_row}"
    widths = {letter: sheet.column_dimensions[letter].width for letter in ("A", "G", "P")}
    assert all(8 <= width <= 50 for width in widths.values()), widths
    assert widths["A"] >= len('=HYPERLINK("http://x"), Ana')  # the longest student name fits


def test_the_pdf_export_reads_back_with_its_totals(sessions: Sessions, recorded: None) -> None:
    body = _download(sessions.d.admin, f"/reports/encounter-attendance/export/pdf/{QUERY}")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "Encounter Attendance" in text and "November 1, 2026 to November 30, 2026" in text
    assert "333333333" in text and "111111111" in text and "Ada Admin" in text
    assert "Service Provided" in text


def test_the_compliance_exports_read_back(sessions: Sessions, recorded: None) -> None:
    body = _download(sessions.d.supervisor, f"/reports/compliance/export/csv/{QUERY}&school=02M001")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][-4:] == ["Shortfall", "Minutes mandated", "Minutes provided", "Minutes short"]
    by_osis = {r[1]: r for r in rows[1:]}
    assert set(by_osis) == {"111111111", "222222222", "333333333"}
    # Speech, 2 a week up to Wed Nov 18: 2 + 2 + 1.2 = 5.2 -> 5 mandated; 2 provided; 3 short.
    # In minutes: 5.2 x 30 = 156 mandated, two 30-minute sessions provided, 96 short.
    assert by_osis["111111111"][7:] == ["5", "2", "0", "0", "0", "0", "0", "3", "156", "60", "96"]
    body = _download(sessions.d.supervisor, f"/reports/compliance/export/xlsx/{QUERY}")
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None and len(list(sheet.iter_rows())) == 1 + 4
    body = _download(sessions.d.supervisor, f"/reports/compliance/export/pdf/{QUERY}")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "Mandate Compliance" in text and "555555555" in text


def test_every_export_is_in_the_disclosure_log_with_its_students(sessions: Sessions, recorded: None) -> None:
    d = sessions.d
    _download(d.supervisor, f"/reports/encounter-attendance/export/csv/{QUERY}&service=SPEECH")
    disclosure = Disclosure.objects.get(kind="export")
    assert (disclosure.actor, disclosure.what, disclosure.file_format, disclosure.record_count) == (
        d.supervisor,
        "Encounter Attendance",
        "csv",
        2,
    )
    assert disclosure.filters == {"from": "2026-11-01", "to": "2026-11-30", "service": "SPEECH"}
    assert list(DisclosedStudent.objects.filter(disclosure=disclosure).values_list("student__osis", flat=True)) == [
        "111111111"
    ]
    assert AuditEvent.objects.filter(action="disclosure.export", actor=d.supervisor).count() == 1


def test_the_disclosure_log_is_append_only(sessions: Sessions, recorded: None) -> None:
    _download(sessions.d.admin, f"/reports/encounter-attendance/export/csv/{QUERY}")
    with pytest.raises(DatabaseError), transaction.atomic():
        Disclosure.objects.update(what="nothing to see")
    with pytest.raises(DatabaseError), transaction.atomic():
        DisclosedStudent.objects.all().delete()
    assert DisclosedStudent.objects.count() == 2


def test_a_pdf_too_long_to_print_is_refused_with_a_reason(
    sessions: Sessions, recorded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 2)
    response = _client(sessions.d.admin).get(f"/reports/encounter-attendance/export/pdf/{QUERY}", follow=True)
    assert "A PDF file holds at most 2 rows and this report has 3. Narrow the filters, or export CSV." in (
        response.content.decode()
    )
    assert not Disclosure.objects.filter(kind="export").exists()


def test_bad_filters_export_nothing(sessions: Sessions, recorded: None) -> None:
    response = _client(sessions.d.admin).get(
        "/reports/encounter-attendance/export/csv/?date_from=2026-11-30&date_to=2026-11-01", follow=True
    )
    assert "Correct the filters before exporting." in response.content.decode()
    assert "The To date must be on or after the From date." in response.content.decode()
    assert not Disclosure.objects.filter(kind="export").exists()


def test_an_unknown_report_or_format_is_not_found(sessions: Sessions) -> None:
    client = _client(sessions.d.admin)
    assert client.get(f"/reports/encounter-attendance/export/docx/{QUERY}").status_code == 404
    assert client.get(f"/reports/payroll/export/csv/{QUERY}").status_code == 404
