from __future__ import annotations

from django.db import models
from django.db.models.functions import Now

from sesis.core.dbtriggers import ALL as ALL_IMMUTABLE
from sesis.core.dbtriggers import ImmutableRows


class AuditEvent(models.Model):
    """One thing that happened: who, what, to which record, when (UTC, from the
    database clock), with details such as before/after values. Append-only: database
    triggers refuse UPDATE and DELETE (see migrations)."""

    at = models.DateTimeField(db_default=Now(), db_index=True)
    actor = models.ForeignKey("people.Staff", null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    student = models.ForeignKey("students.Student", null=True, on_delete=models.PROTECT, related_name="+")
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["student", "at"], name="audit_student_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"


AUDIT_APPEND_ONLY = ImmutableRows(table="audit_auditevent", message="Audit events are append-only.")
ALL_IMMUTABLE.append(AUDIT_APPEND_ONLY)
