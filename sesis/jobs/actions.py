"""Asking for a job, running it, and handing its file to its requester.

A job is one of the RUNNERS registered by the apps that do the work (reports: a large
export; claims: a month's claim file). The worker runs it (`run_job`, through the task
in sesis.jobs.tasks); a worker killed midway leaves it to be run again from the start,
its partial file discarded, so nothing is duplicated. The file is kept for its
requester alone for settings.SESIS_JOB_FILE_HOURS, then deleted (`expire_jobs`)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from sesis.audit.actions import audit_record
from sesis.jobs.models import Job, JobFilePart, JobStatus
from sesis.lib.errors import ActionRefused

if TYPE_CHECKING:
    from sesis.people.models import Staff

Progress = Callable[[int, int], None]
PART_BYTES = 1024 * 1024
FAULT = "SESIS could not finish this (a fault on our side, logged for support). Ask for it again."


class FileWriter:
    """A job's file, written in parts of about a megabyte as it is produced."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.buffer: list[bytes] = []
        self.pending = 0
        self.part = 0
        self.size = 0

    def write(self, data: bytes | str) -> int:
        chunk = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        self.buffer.append(chunk)
        self.pending += len(chunk)
        if self.pending >= PART_BYTES:
            self.flush()
        return len(chunk)

    def flush(self) -> None:
        if self.buffer:
            JobFilePart.objects.create(job=self.job, part=self.part, data=b"".join(self.buffer))
            self.part += 1
            self.size += self.pending
            self.buffer, self.pending = [], 0


Runner = Callable[[Job, FileWriter, Progress], None]
RUNNERS: dict[str, Runner] = {}


def job_request(
    *, actor: Staff, kind: str, title: str, params: dict[str, Any], file_name: str = "", content_type: str = ""
) -> Job:
    """Queue a job for the worker, in the caller's transaction."""
    if kind not in RUNNERS:
        raise ActionRefused(f"No job is called {kind}.")
    from sesis.jobs.tasks import run_job_task

    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            title=title[:300],
            params=params,
            requested_by=actor,
            file_name=file_name,
            content_type=content_type,
        )
        audit_record(actor=actor, action="job.request", obj=job, details={"kind": kind, "title": job.title, **params})
        run_job_task.enqueue(job.pk)
    return job


def run_job(job_id: int) -> Job:
    """Run a job from its start (again, if a worker died during it)."""
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    if not job.busy:
        return job
    JobFilePart.objects.filter(job=job).delete()  # a part left by a killed run
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    job.status = JobStatus.RUNNING
    writer = FileWriter(job)
    try:
        RUNNERS[job.kind](job, writer, publish_progress(job))
        writer.flush()
    except ActionRefused as refused:  # the data changed since it was asked: say why
        JobFilePart.objects.filter(job=job).delete()
        _finish(job, JobStatus.FAILED, refused.message, 0)
        return job
    except Exception:
        JobFilePart.objects.filter(job=job).delete()
        _finish(job, JobStatus.FAILED, FAULT, 0)
        raise
    _finish(job, JobStatus.DONE, job.message, writer.size)
    return job


def _finish(job: Job, status: str, message: str, size: int) -> None:
    now = timezone.now()
    job.status, job.message, job.size, job.finished_at = status, message, size, now
    job.expires_at = now + dt.timedelta(hours=settings.SESIS_JOB_FILE_HOURS) if size else None
    job.save(update_fields=["status", "message", "size", "finished_at", "expires_at", "link"])


def job_file(*, actor: Staff, job: Job) -> Iterator[bytes]:
    """The job's file, for its requester while it is kept. Each download is audited."""
    if job.requested_by_id != actor.pk:
        raise ActionRefused("Only the person who asked for this file may download it.")
    if job.status != JobStatus.DONE or not job.size:
        raise ActionRefused("This file is not ready.")
    if job.expires_at is None or job.expires_at <= timezone.now():
        raise ActionRefused("This file has expired and was deleted; ask for it again.")
    audit_record(actor=actor, action="job.download", obj=job, details={"title": job.title, "bytes": job.size})
    return job.parts()


def expire_jobs(now: dt.datetime | None = None) -> int:
    """Delete the files of expired jobs (a scheduled job: docs/operations.md)."""
    now = now or timezone.now()
    expired = Job.objects.filter(expires_at__lte=now, size__gt=0)
    deleted, _ = JobFilePart.objects.filter(job__in=expired).delete()
    expired.update(size=0)
    return deleted


def publish_progress(job: Job) -> Progress:
    cache = caches["progress"]
    key = progress_key(job)
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= 0.5:
            last[0] = now
            cache.set(key, [done, total], timeout=24 * 3600)

    return report


def read_progress(job: Job) -> tuple[int, int]:
    found = caches["progress"].get(progress_key(job))
    return (int(found[0]), int(found[1])) if found else (0, 0)


def progress_key(job: Job) -> str:
    return f"job:{job.progress_key}"
