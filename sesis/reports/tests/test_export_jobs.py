"""Large exports and claim runs as background jobs: asked on the page, run by the worker
(django-tasks-db's, in this process), the same file as made within the request, for the
requester alone until it expires; a job interrupted midway is run again from the start
with nothing duplicated."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sesis.audit.models import AuditEvent, Disclosure
from sesis.claims.models import ClaimRun
from sesis.jobs.actions import expire_jobs, run_job
from sesis.jobs.models import Job, JobFilePart
from sesis.medicaid.tests.conftest import give_facts
from sesis.reports.tests.test_exports import QUERY, _client, recorded  # noqa: F401 (a fixture)
from sesis.services.tests.conftest import Sessions
from tests.worker import run_queue

pytestmark = pytest.mark.usefixtures("recorded")

EXPORT = f"/reports/encounter-attendance/export/csv/{QUERY}"


def download(client: Client, job: Job) -> bytes:
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def test_a_large_export_is_made_by_the_worker_and_is_the_same_file(sessions: Sessions, settings) -> None:
    supervisor = _client(sessions.d.supervisor)
    inline = b"".join(supervisor.get(EXPORT).streaming_content)
    settings.SESIS_EXPORT_INLINE_ROWS = 2  # three rows: now "large"
    asked = supervisor.get(EXPORT)
    job = Job.objects.get()
    assert asked.status_code == 302 and asked["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == "queued" and job.requested_by == sessions.d.supervisor
    page = supervisor.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "waiting for the worker" in page and "<progress" in page
    disclosures = Disclosure.objects.count()

    run_queue()
    job.refresh_from_db()
    assert (job.status, job.message) == ("done", "Encounter Attendance: 3 rows.")
    assert job.expires_at is not None and job.size == len(inline)
    assert Disclosure.objects.count() == disclosures + 1  # logged once, as the file was made
    assert download(supervisor, job) == inline
    assert AuditEvent.objects.filter(action="job.download", object_id=str(job.pk)).count() == 1
    rows = list(csv.reader(io.StringIO(inline.decode("utf-8-sig"))))
    assert len(rows) == 4


def test_a_large_xlsx_export_reads_back_as_a_workbook(sessions: Sessions, settings) -> None:
    settings.SESIS_EXPORT_INLINE_ROWS = 0
    admin = _client(sessions.d.admin)
    admin.get(EXPORT.replace("/csv/", "/xlsx/"))
    run_queue()
    sheet = load_workbook(io.BytesIO(download(admin, Job.objects.get()))).active
    assert sheet.max_row == 4 and isinstance(sheet["G2"].value, dt.datetime)


def test_only_the_requester_gets_the_file_and_only_until_it_expires(sessions: Sessions, settings) -> None:
    settings.SESIS_EXPORT_INLINE_ROWS = 0
    supervisor = _client(sessions.d.supervisor)
    supervisor.get(EXPORT)
    run_queue()
    job = Job.objects.get()
    for other in (sessions.d.admin, sessions.d.supervisor_out, sessions.d.doe_speech):
        client = _client(other)
        for name in ("job_detail", "job_progress", "job_download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404
        assert job.title not in client.get(reverse("my_files")).content.decode()
    assert job.title in supervisor.get(reverse("my_files")).content.decode()

    Job.objects.filter(pk=job.pk).update(expires_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    refused = supervisor.get(reverse("job_download", args=[job.pk]), follow=True)
    assert "This file has expired and was deleted; ask for it again." in refused.content.decode()
    assert expire_jobs() == 1 and not JobFilePart.objects.exists()
    job.refresh_from_db()
    assert job.size == 0
    assert "Expired" in supervisor.get(reverse("my_files")).content.decode()


def test_a_job_interrupted_midway_is_run_again_from_the_start(sessions: Sessions, settings) -> None:
    settings.SESIS_EXPORT_INLINE_ROWS = 0
    supervisor = _client(sessions.d.supervisor)
    supervisor.get(EXPORT)
    job = Job.objects.get()
    # What a worker killed midway leaves: the job running, part of its file written.
    Job.objects.filter(pk=job.pk).update(status="running")
    JobFilePart.objects.create(job=job, part=0, data=b"half a file")
    run_job(job.pk)
    job.refresh_from_db()
    body = download(supervisor, job)
    assert job.status == "done" and b"half a file" not in body
    assert len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == 4  # once each
    run_job(job.pk)  # run again once done: nothing changes
    assert JobFilePart.objects.filter(job=job).count() == 1


def test_a_large_claim_month_is_run_by_the_worker(sessions: Sessions, settings, today) -> None:
    give_facts(sessions.d)
    settings.SESIS_CLAIMS_INLINE_RECORDS = 0
    admin = _client(sessions.d.admin)
    asked = admin.post(reverse("medicaid_claims"), {"month": "2026-11"})
    job = Job.objects.get()
    assert asked["Location"] == reverse("job_detail", args=[job.pk]) and not ClaimRun.objects.exists()
    run_queue()
    job.refresh_from_db()
    run = ClaimRun.objects.get()
    assert job.status == "done" and job.message.startswith(f"Claim run {run.pk} for 2026-11:")
    page = admin.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Show the result" in page and reverse("medicaid_claims") in page

    refused = admin.post(reverse("medicaid_claims"), {"month": "2027-01"}, follow=True)
    assert "2027-01 has not begun" in refused.content.decode() and Job.objects.count() == 1


@pytest.mark.parametrize("persona", ["supervisor", "doe_speech"])
def test_others_cannot_ask_for_a_claim_run(sessions: Sessions, persona: str, settings) -> None:
    settings.SESIS_CLAIMS_INLINE_RECORDS = 0
    response = _client(getattr(sessions.d, persona)).post(reverse("medicaid_claims"), {"month": "2026-11"})
    assert response.status_code == 404 and not Job.objects.exists()


def test_a_large_pdf_is_made_by_the_worker(sessions: Sessions, settings) -> None:
    from pypdf import PdfReader

    settings.SESIS_PDF_INLINE_ROWS = 2  # three rows: rendering them would hold up the request
    admin = _client(sessions.d.admin)
    asked = admin.get(EXPORT.replace("/csv/", "/pdf/"))
    job = Job.objects.get()
    assert asked.status_code == 302 and asked["Location"] == reverse("job_detail", args=[job.pk])
    assert "(PDF)" in job.title
    run_queue()
    job.refresh_from_db()
    assert (job.status, job.message) == ("done", "Encounter Attendance: 3 rows.")
    body = download(admin, job)
    assert body.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "Encounter Attendance" in text and "2026-11-04" in text


def test_a_pdf_over_its_limit_is_refused_before_any_job(sessions: Sessions, settings, monkeypatch) -> None:
    from sesis.lib import exports

    settings.SESIS_PDF_INLINE_ROWS = 0
    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 2)
    refused = _client(sessions.d.admin).get(EXPORT.replace("/csv/", "/pdf/"), follow=True)
    assert "A PDF file holds at most 2 rows and this report has 3." in refused.content.decode()
    assert not Job.objects.exists()
