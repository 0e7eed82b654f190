from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from sesis.audit.models import Disclosure
from sesis.services.actions import service_record_create
from sesis.services.tests.conftest import Sessions

ARGS = ["--from", "2026-11-01", "--to", "2026-11-30"]


@pytest.fixture
def recorded(sessions: Sessions) -> None:
    s, d = sessions, sessions.d
    for day in (2, 3):
        service_record_create(
            actor=d.doe_speech, provider=d.doe_speech, certify=True, data=s.speech_input(date=dt.date(2026, 11, day))
        )
    service_record_create(actor=d.para, provider=d.para, data=s.para_input(date=dt.date(2026, 11, 4)))


def test_it_writes_each_format(sessions: Sessions, recorded: None, tmp_path: Path) -> None:
    out = tmp_path / "nov.csv"
    call_command("report", "encounter-attendance", *ARGS, "--as", "200", "--format", "csv", "--output", str(out))
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 4 and rows[1][1] == "111111111"
    xlsx = tmp_path / "nov.xlsx"
    call_command(
        "report", "compliance", *ARGS, "--as", "200", "--format", "xlsx", "--output", str(xlsx), "--school", "02m001"
    )
    sheet = load_workbook(xlsx).active
    assert sheet is not None and [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "333333333",
        "222222222",
        "111111111",  # shortfalls 11, 5 (OT, nothing yet), 3
    ]
    pdf = tmp_path / "nov.pdf"
    call_command(
        "report",
        "encounter-attendance",
        *ARGS,
        "--as",
        "100",
        "--format",
        "pdf",
        "--output",
        str(pdf),
        "--certified",
        "no",
    )
    text = PdfReader(pdf).pages[0].extract_text()
    assert "333333333" in text and "111111111" not in text
    assert [(d.actor.staff_id, d.file_format) for d in Disclosure.objects.order_by("id")] == [
        ("200", "csv"),
        ("200", "xlsx"),
        ("100", "pdf"),
    ]


def test_the_staff_members_scope_applies(sessions: Sessions, recorded: None, tmp_path: Path) -> None:
    out = tmp_path / "para.csv"
    call_command("report", "encounter-attendance", *ARGS, "--as", "600", "--format", "csv", "--output", str(out))
    assert [row[1] for row in csv.reader(out.open(encoding="utf-8-sig"))][1:] == ["333333333"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--as", "999"], "No active staff member has the staff ID 999."),
        (["--as", "200", "--student", "666666666"], "student: No student with OSIS ID 666666666 is in your scope."),
        (["--as", "200", "--to", "2026-10-01"], "date_to: The To date must be on or after the From date."),
    ],
)
def test_it_refuses_bad_arguments_and_writes_nothing(
    sessions: Sessions, recorded: None, tmp_path: Path, extra: list[str], message: str
) -> None:
    out = tmp_path / "x.csv"
    with pytest.raises(CommandError, match=message):
        call_command("report", "encounter-attendance", *ARGS, *extra, "--format", "csv", "--output", str(out))
    assert not out.exists()
    assert not Disclosure.objects.exists()
