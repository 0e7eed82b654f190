from __future__ import annotations

from django.db import models


class Source(models.TextChoices):
    SUPERVISOR = "supervisor", "Added by a supervisor"
    PROVIDER = "provider", "Added by the provider"
    IVR = "ivr", "First attend (IVR)"


class CaseloadEntryQuerySet(models.QuerySet["CaseloadEntry"]):
    def active(self) -> CaseloadEntryQuerySet:
        return self.filter(ended_at__isnull=True)


class CaseloadEntry(models.Model):
    """A student on a provider's caseload: who added them, how, for which mandates, and
    when and why they came off. Ended entries are kept as the caseload's history."""

    provider = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="caseload_entries")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="caseload_entries")
    source = models.CharField(max_length=20, choices=Source.choices)
    added_by = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    mandates = models.ManyToManyField("mandates.Mandate", related_name="caseload_entries")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey("people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    end_reason = models.CharField(max_length=300, blank=True)

    objects = CaseloadEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "caseload entries"
        indexes = [models.Index(fields=["student", "provider"], name="caseload_student_idx")]
        constraints = [
            # A student appears at most once on a provider's active caseload, also when
            # two requests race.
            models.UniqueConstraint(
                fields=["provider", "student"],
                condition=models.Q(ended_at__isnull=True),
                name="one_active_caseload_entry",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True, ended_by__isnull=True, end_reason="")
                | (models.Q(ended_at__isnull=False, ended_by__isnull=False) & ~models.Q(end_reason="")),
                name="caseload_end_has_who_and_why",
            ),
            models.CheckConstraint(condition=models.Q(source__in=Source.values), name="caseload_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.student} on the caseload of {self.provider}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
