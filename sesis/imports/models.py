"""Each file given to SESIS to import, kept with what became of it: the history of
imports on Administration → Imports and the file itself, downloadable again.

A file goes uploaded → checked (refused, with every problem of every row; or a preview
of what it would create, change and leave unchanged) → applied. The command line
(`manage.py import`) and the page go through the same steps (sesis.imports.actions)."""

from __future__ import annotations

import uuid

from django.db import models


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "Being checked"
    REFUSED = "refused", "Refused: nothing applied"
    CHECKED = "checked", "Checked: ready to apply"
    APPLYING = "applying", "Being applied"
    APPLIED = "applied", "Applied"


class ImportFile(models.Model):
    kind = models.CharField(max_length=40)
    name = models.CharField(max_length=255, help_text="The file's name as uploaded")
    content = models.BinaryField(help_text="The file as uploaded, byte for byte")
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey("people.Staff", null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=20, default="web", help_text="web or command")
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, help_text="[[line, column, why], ...] when refused")
    problem_count = models.PositiveIntegerField(default=0)
    # The preview (when checked) and then the result (when applied): counts and the
    # first changes, each {"change", "key", "values"} as the audit log would record it.
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=list)
    notes = models.JSONField(default=list)
    applied_by = models.ForeignKey("people.Staff", null=True, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(null=True)
    progress_key = models.UUIDField(default=uuid.uuid4, editable=False)
    in_background = models.BooleanField(default=False, help_text="Checked and applied by the worker (a large file)")

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["kind", "status", "-applied_at"], name="import_file_last_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ImportStatus.values), name="import_file_status"),
            models.CheckConstraint(
                condition=~models.Q(status=ImportStatus.APPLIED) | models.Q(applied_at__isnull=False),
                name="import_file_applied_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} import {self.pk} ({self.name})"

    @property
    def busy(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.APPLYING)
