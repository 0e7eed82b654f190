from __future__ import annotations

from django.db import models
from django.db.models.functions import Now

from sesis.lib.dbtriggers import ALL as ALL_IMMUTABLE
from sesis.lib.dbtriggers import ImmutableRows


class AuditEvent(models.Model):
    """One thing that happened: who, what, to which record, when (UTC, from the
    database clock), with details such as before/after values. Append-only: database
    triggers refuse UPDATE and DELETE (see migrations)."""

    at = models.DateTimeField(db_default=Now(), db_index=True)
    actor = models.ForeignKey("people.Staff", null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    # Indexed by audit_student_idx (student, at), which serves lookups by student alone:
    # a second index of its own would only slow every write.
    student = models.ForeignKey(
        "students.Student", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
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


class DisclosureKind(models.TextChoices):
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"


class Disclosure(models.Model):
    """The FERPA disclosure log: who saw or exported which students' records, when,
    and how (the report, its filters, the file format). The students are listed in
    DisclosedStudent, so an administrator can ask, per student, who had their records.
    Append-only, like the audit log."""

    at = models.DateTimeField(db_default=Now(), db_index=True)
    actor = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=DisclosureKind.choices)
    what = models.CharField(max_length=100, help_text="The report or page, e.g. Encounter Attendance")
    file_format = models.CharField(max_length=10, blank=True, help_text="csv, xlsx or pdf for an export")
    filters = models.JSONField(default=dict)
    record_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DisclosureKind.values), name="disclosure_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.kind} {self.what}"


class DisclosedStudent(models.Model):
    """One student whose records a disclosure showed or exported."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="students")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["student", "disclosure"], name="disclosed_student_idx")]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "student"], name="disclosed_student_once"),
        ]

    def __str__(self) -> str:
        return f"Student {self.student_id} in disclosure {self.disclosure_id}"


DISCLOSURES_APPEND_ONLY = ImmutableRows(table="audit_disclosure", message="The disclosure log is append-only.")
DISCLOSED_STUDENTS_APPEND_ONLY = ImmutableRows(
    table="audit_disclosedstudent", message="The disclosure log is append-only."
)
ALL_IMMUTABLE.extend([DISCLOSURES_APPEND_ONLY, DISCLOSED_STUDENTS_APPEND_ONLY])
