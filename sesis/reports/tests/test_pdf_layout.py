"""The printable PDFs as a printer sees them: rendered with poppler's pdftoppm, and
every word inside the page (pdfplumber reads each character's box), every column's
header present. A test that only extracts text would not notice a column printed off
the page: the text is in the file either way."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from django.test import Client

from sesis.reports.encounter_attendance import COLUMNS
from sesis.services.actions import service_record_amend, service_record_create
from sesis.services.tests.conftest import Sessions
from sesis.students.models import Student
from tests.factories import PASSWORD

QUERY = "?date_from=2026-11-01&date_to=2026-11-30"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
LETTER_LANDSCAPE = (792, 612)  # points


@pytest.fixture
def pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        message = "poppler's pdftoppm is not installed (apt-get install -y poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def long_rows(sessions: Sessions) -> None:
    """Rows as wide as real ones get: long names, a long provider name, signed and amended."""
    s, d = sessions, sessions.d
    Student.objects.filter(pk=d.speech_student.pk).update(
        last_name="Vanderbilt-Montgomery-Oyelaran", first_name="Maximiliana-Josephine"
    )
    d.doe_speech.last_name, d.doe_speech.first_name = "Papadopoulos-Kowalczyk", "Anastasia"
    d.doe_speech.save()
    for day in (2, 3, 4, 5, 6, 9, 10):
        record = service_record_create(
            actor=d.doe_speech,
            provider=d.doe_speech,
            certify=True,
            data=s.speech_input(date=dt.date(2026, 11, day)),
        )
    service_record_amend(
        actor=d.doe_speech, record=record, reason="Ended early", changes={"end_time": dt.time(10, 20)}, certify=True
    )
    service_record_create(actor=d.para, provider=d.para, data=s.para_input(date=dt.date(2026, 11, 12)))


def _pdf(user, path: str) -> bytes:
    client = Client()
    assert client.login(username=user.staff_id, password=PASSWORD)
    response = client.get(path)
    assert response.status_code == 200
    return response.content


def _check(pdf: bytes, name: str, header: list[str], pdftoppm: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    # Rendered by poppler: the file is a PDF a printer can draw, page by page.
    done = subprocess.run([pdftoppm, "-png", "-r", "100", str(path), str(tmp_path / name)], capture_output=True)
    assert done.returncode == 0, done.stderr
    pages = sorted(tmp_path.glob(f"{name}-*.png"))
    assert pages, "pdftoppm drew no page"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pages[0], ARTIFACTS / f"{name}-page-1.png")
    with pdfplumber.open(path) as document:
        for page in document.pages:
            assert (round(page.width), round(page.height)) == LETTER_LANDSCAPE
            outside = [
                c["text"] for c in page.chars if c["x0"] < 0 or c["x1"] > page.width or c["bottom"] > page.height
            ]
            assert outside == [], f"{name} page {page.page_number}: text beyond the edge: {''.join(outside)[:80]}"
        first = document.pages[0]
        words = " ".join(word["text"] for word in first.extract_words())
        for column in header:
            for word in column.split():
                assert word in words, f"{name}: the column {column!r} is not on the page"


def test_encounter_attendance_pdf_fits_letter_landscape(
    sessions: Sessions, long_rows: None, pdftoppm: str, tmp_path: Path
) -> None:
    pdf = _pdf(sessions.d.admin, f"/reports/encounter-attendance/export/pdf/{QUERY}")
    _check(pdf, "encounter-attendance", COLUMNS, pdftoppm, tmp_path)


def test_compliance_pdf_fits_letter_landscape(
    sessions: Sessions, long_rows: None, pdftoppm: str, tmp_path: Path
) -> None:
    from sesis.reports.actions import COMPLIANCE_COLUMNS

    pdf = _pdf(sessions.d.admin, f"/reports/compliance/export/pdf/{QUERY}")
    _check(pdf, "compliance", COMPLIANCE_COLUMNS, pdftoppm, tmp_path)
