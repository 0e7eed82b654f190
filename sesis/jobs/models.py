"""A job asked by a user and run by the worker (`manage.py worker`), with the file it
produced, kept in parts in the database until it expires. Only its requester sees it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Being prepared"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class Job(models.Model):
    kind = models.CharField(max_length=40, help_text="Which runner does it (sesis.jobs.runners)")
    title = models.CharField(max_length=300)
    params = models.JSONField(default=dict)
    requested_by = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    message = models.TextField(blank=True, help_text="What it did, or why it failed")
    link = models.CharField(max_length=300, blank=True, help_text="Where its result is shown, if not a file")
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True, help_text="The file is deleted after this")
    progress_key = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="job_requester_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=JobStatus.values), name="job_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk}: {self.title}"

    @property
    def busy(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    def parts(self) -> Iterator[bytes]:
        rows = self.file_parts.order_by("part").values_list("data", flat=True)
        for data in rows.iterator(chunk_size=4):
            yield bytes(data)


class JobFilePart(models.Model):
    """About a megabyte of a job's file."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="file_parts")
    part = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "part"], name="job_file_part_once")]

    def __str__(self) -> str:
        return f"{self.job_id} part {self.part}"
