"""Administration → Imports in the browser: a file with several problems in a row (every
one listed, nothing applied), a good file's preview then Apply, the history; a large
file left to the worker, its progress bar moving without a reload and the outcome shown
when the worker is done. Every page passes axe and fits a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sesis.imports.actions import publish_progress
from sesis.imports.models import ImportFile
from sesis.students.models import Student
from tests.browser.conftest import ARTIFACTS, assert_accessible, assert_fits_phone_width, sign_in
from tests.factories import PASSWORD, District, build_district
from tests.worker import run_queue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "osis,first_name,last_name,date_of_birth,school_dbn,grade,home_language\n"
GOOD = HEADER + "700000001,Nora,Quinn,2015-05-17,02M001,4,Spanish\n111111111,Ana,O'Connor,2015-05-17,02M001,5,Spanish\n"
BAD = HEADER + "70000000X,,Quinn,2015-13-17,02M001,4,Spanish\n700000002,Omar,Reyes,2014-01-02,99X999,5,English\n"


@pytest.fixture
def district(transactional_db: None) -> District:
    return build_district()


def choose_file(page: Page, name: str, text: str) -> None:
    page.get_by_label("Kind of file").select_option("students")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()


def test_problems_preview_apply_and_history(page: Page, district: District) -> None:
    sign_in(page, "100", PASSWORD)
    page.goto("/administration/")
    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", name="Import a file")).to_be_visible()
    assert_accessible(page, "imports")
    assert_fits_phone_width(page, "imports")

    choose_file(page, "bad-students.csv", BAD)
    expect(page.get_by_role("heading", name="4 problems; nothing was applied")).to_be_visible()
    rows = page.get_by_role("table", name="Every problem of every row").locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(2)).to_contain_text("must be a date as YYYY-MM-DD, not '2015-13-17'")
    expect(page.get_by_role("button", name="Apply")).to_have_count(0)
    assert_accessible(page, "import-refused")
    assert_fits_phone_width(page, "import-refused")
    page.screenshot(path=str(ARTIFACTS / "desktop-import-problems.png"), full_page=True)

    page.get_by_role("link", name="Imports", exact=True).first.click()
    choose_file(page, "students.csv", GOOD)
    expect(page.get_by_role("heading", name="What it will do")).to_be_visible()
    expect(page.get_by_role("table", name="Will change: before → after")).to_contain_text("grade: 4 → 5")
    expect(page.get_by_role("table", name="Will create")).to_contain_text("700000001")
    assert not Student.objects.filter(osis="700000001").exists()
    assert_accessible(page, "import-preview")
    assert_fits_phone_width(page, "import-preview")
    page.screenshot(path=str(ARTIFACTS / "desktop-import-preview.png"), full_page=True)

    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("students.csv is applied.")).to_be_visible()
    expect(page.get_by_role("heading", name="What it did")).to_be_visible()
    assert Student.objects.get(osis="111111111").grade == "5"
    assert_accessible(page, "import-applied")

    page.get_by_role("link", name="Imports", exact=True).first.click()
    history = page.get_by_role("table", name="Every file uploaded or loaded from the command line, the newest first")
    expect(history.locator("tbody tr")).to_have_count(2)
    expect(history.locator("tbody tr").first).to_contain_text("Applied")
    expect(page.get_by_role("table", name="When each kind of file was last applied")).to_contain_text("students")
    page.screenshot(path=str(ARTIFACTS / "desktop-imports-history.png"), full_page=True)


def test_a_large_file_shows_the_workers_progress_and_then_its_preview(page: Page, district: District, settings) -> None:
    settings.SESIS_IMPORT_INLINE_BYTES = 10  # every file is "large": left to the worker
    sign_in(page, "100", PASSWORD)
    page.goto("/administration/imports/")
    choose_file(page, "students.csv", GOOD)
    bar = page.get_by_role("progressbar")
    expect(bar).to_be_visible()
    expect(page.get_by_text("waiting for the worker")).to_be_visible()
    assert_accessible(page, "import-queued")
    assert_fits_phone_width(page, "import-queued")

    # The worker reports progress: the bar moves without the page being loaded again.
    page.evaluate("window.__same_page = true")
    upload = ImportFile.objects.get()
    publish_progress(upload)(1000, 4000)
    expect(page.get_by_text("1,000 of 4,000 rows")).to_be_visible()
    assert bar.get_attribute("value") == "1000" and bar.get_attribute("max") is not None
    assert page.evaluate("window.__same_page") is True
    page.screenshot(path=str(ARTIFACTS / "desktop-import-progress.png"))

    # The worker runs the job; the page shows the outcome by itself.
    run_queue()
    expect(page.get_by_role("heading", name="What it will do")).to_be_visible(timeout=15_000)
    upload.refresh_from_db()
    assert (upload.status, upload.created, upload.updated) == ("checked", 1, 1)


def test_a_large_export_is_prepared_in_the_background_with_its_progress(
    page: Page, district: District, settings
) -> None:
    settings.SESIS_EXPORT_INLINE_ROWS = -1  # every export is "large"
    sign_in(page, "200", PASSWORD)
    page.goto("/reports/encounter-attendance/?date_from=2026-11-01&date_to=2026-11-30")
    page.get_by_role("link", name="CSV file of the Encounter Attendance report").click()
    expect(page.get_by_role("heading", name="Encounter Attendance, 0 rows (CSV)")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert_accessible(page, "job-queued")
    assert_fits_phone_width(page, "job-queued")
    run_queue()
    download = page.get_by_role("link", name="Download")
    expect(download).to_be_visible(timeout=15_000)  # the page shows it by itself
    assert_accessible(page, "job-done")
    assert_fits_phone_width(page, "job-done")
    with page.expect_download() as started:
        download.click()
    assert started.value.suggested_filename == "encounter-attendance-2026-11-01-2026-11-30.csv"
    page.goto("/files/")
    expect(page.get_by_role("table", name="What you asked for, the newest first")).to_contain_text("Ready")
    assert_accessible(page, "my-files")


def test_a_large_pdf_is_prepared_in_the_background(page: Page, district: District, settings) -> None:
    settings.SESIS_PDF_INLINE_ROWS = -1  # every PDF is "large"
    sign_in(page, "200", PASSWORD)
    page.goto("/reports/encounter-attendance/?date_from=2026-11-01&date_to=2026-11-30")
    page.get_by_role("link", name="PDF file of the Encounter Attendance report").click()
    expect(page.get_by_role("heading", name="Encounter Attendance, 0 rows (PDF)")).to_be_visible()
    run_queue()
    download = page.get_by_role("link", name="Download")
    expect(download).to_be_visible(timeout=15_000)
    assert_accessible(page, "job-done-pdf")
    page.screenshot(path=str(ARTIFACTS / "desktop-job-done-pdf.png"))
    assert_fits_phone_width(page, "job-done-pdf")
    with page.expect_download() as started:
        download.click()
    assert started.value.suggested_filename == "encounter-attendance-2026-11-01-2026-11-30.pdf"
    with open(started.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
