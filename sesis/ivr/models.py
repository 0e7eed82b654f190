from __future__ import annotations

from django.db import models

from sesis.lib.codes import ServiceType


class Source(models.TextChoices):
    CALL = "call", "Telephone (IVR)"
    FEED = "feed", "Feed from another IVR"


class Status(models.TextChoices):
    PENDING = "pending", "Waiting to be processed"
    ADDED = "added", "Added to caseload"
    ALREADY = "already", "Already on caseload"
    REFUSED = "refused", "Not added"


class FirstAttendQuerySet(models.QuerySet["FirstAttend"]):
    def pending(self) -> FirstAttendQuerySet:
        return self.filter(status=Status.PENDING)


class FirstAttend(models.Model):
    """A provider's report of the first session with a student. Kept as received,
    whatever its outcome: the identifiers as given (staff_id, osis) stay even when
    they match nobody, so a refused report is visible with its reason."""

    call_id = models.CharField("call ID", max_length=80, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    staff_id = models.CharField("staff ID", max_length=20)
    osis = models.CharField("OSIS ID", max_length=9)
    service = models.CharField(max_length=20, choices=ServiceType.choices)
    first_attend_date = models.DateField()
    # Indexed with received_at (first_attend_provider_idx, below), not alone: a feed
    # writes every row twice (stored, then its outcome), and each index costs both.
    provider = models.ForeignKey(
        "people.Staff",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_attends",
        db_index=False,
    )
    student = models.ForeignKey(
        "students.Student", null=True, blank=True, on_delete=models.PROTECT, related_name="first_attends"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=300, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    caseload_entry = models.ForeignKey(
        "caseloads.CaseloadEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = FirstAttendQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "id"], name="first_attend_status_idx"),
            models.Index(fields=["provider", "received_at"], name="first_attend_provider_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=Status.PENDING, processed_at__isnull=True)
                | (~models.Q(status=Status.PENDING) & models.Q(processed_at__isnull=False)),
                name="first_attend_processed_iff_not_pending",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.REFUSED) | ~models.Q(reason=""),
                name="first_attend_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"First attend {self.call_id}: {self.staff_id} / {self.osis} {self.service} {self.first_attend_date}"


class CallSession(models.Model):
    """Where a telephone call is in the menu, between the telephony provider's requests."""

    call_sid = models.CharField(max_length=80, unique=True)
    step = models.CharField(max_length=20, default="staff_id")
    failures = models.PositiveSmallIntegerField(default=0)
    staff_id = models.CharField(max_length=20, blank=True)
    provider = models.ForeignKey("people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    osis = models.CharField(max_length=9, blank=True)
    service = models.CharField(max_length=20, blank=True)
    first_attend_date = models.DateField(null=True, blank=True)
    reports = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Call {self.call_sid} at {self.step}"
