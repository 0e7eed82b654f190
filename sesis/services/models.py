from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import models

from sesis.core.codes import ServiceType
from sesis.core.dbtriggers import ALL as ALL_IMMUTABLE
from sesis.core.dbtriggers import ImmutableRows
from sesis.services.choices import (
    MISSED,
    CancelReason,
    Grouping,
    ProgressIndicator,
    ServiceDescription,
    ServiceLocation,
    SessionType,
)


class GroupSession(models.Model):
    """One group session: its records (one per student) share it, and so may share
    the provider's time."""

    provider = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Group session {self.pk} on {self.date}"


class ServiceRecordQuerySet(models.QuerySet["ServiceRecord"]):
    def certified(self) -> ServiceRecordQuerySet:
        return self.filter(certified_at__isnull=False)

    def provided(self) -> ServiceRecordQuerySet:
        return self.filter(session_type=SessionType.PROVIDED)


# The fields the certification hash covers: everything the provider signs.
SIGNED_FIELDS = (
    "student_id", "provider_id", "mandate_id", "date", "start_time", "end_time", "service", "language",
    "session_type", "cancel_reason", "grouping", "group_count", "location", "description", "progress",
    "notes", "makeup_of_id", "group_session_id", "recorded_by_id",
)  # fmt: skip


class ServiceRecord(models.Model):
    """One student, one provider, one session: a Service Record of the second guide.
    Certified records are never changed (database triggers refuse it); corrections
    are Amendments."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="service_records")
    provider = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="service_records")
    mandate = models.ForeignKey("mandates.Mandate", on_delete=models.PROTECT, related_name="service_records")
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    service = models.CharField(max_length=20, choices=ServiceType.choices)
    language = models.CharField(max_length=50)
    session_type = models.CharField(max_length=20, choices=SessionType.choices, default=SessionType.PROVIDED)
    cancel_reason = models.CharField(max_length=20, choices=CancelReason.choices, blank=True)
    grouping = models.CharField(max_length=10, choices=Grouping.choices, default=Grouping.INDIVIDUAL)
    group_count = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=20, choices=ServiceLocation.choices, blank=True)
    description = models.CharField(max_length=30, choices=ServiceDescription.choices, blank=True)
    progress = models.CharField(max_length=20, choices=ProgressIndicator.choices, blank=True)
    notes = models.TextField(blank=True, max_length=4000)
    makeup_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="made_up_by")
    group_session = models.ForeignKey(
        GroupSession, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    overlap_flag = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    certified_at = models.DateTimeField(null=True, blank=True)
    certified_by = models.ForeignKey("people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    certification_hash = models.CharField(max_length=64, blank=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time", "id"]
        indexes = [
            models.Index(fields=["student", "date"], name="record_student_date_idx"),
            models.Index(fields=["provider", "date"], name="record_provider_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_time__lt=models.F("end_time")), name="record_start_before_end"
            ),
            models.CheckConstraint(
                condition=models.Q(session_type__in=SessionType.values), name="record_session_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(certified_at__isnull=True, certified_by__isnull=True, certification_hash="")
                | (models.Q(certified_at__isnull=False, certified_by__isnull=False) & ~models.Q(certification_hash="")),
                name="record_certification_complete",
            ),
            models.CheckConstraint(
                condition=(models.Q(session_type=SessionType.CANCELLED) & ~models.Q(cancel_reason=""))
                | (~models.Q(session_type=SessionType.CANCELLED) & models.Q(cancel_reason="")),
                name="record_cancel_reason_iff_cancelled",
            ),
            models.CheckConstraint(
                condition=models.Q(grouping=Grouping.INDIVIDUAL, group_count__isnull=True)
                | models.Q(grouping=Grouping.GROUP, group_count__gte=1),
                name="record_group_count_for_groups",
            ),
            models.CheckConstraint(
                condition=models.Q(makeup_of__isnull=True) | models.Q(session_type=SessionType.PROVIDED),
                name="record_makeup_is_provided",
            ),
            # A retried submission cannot record the same session twice.
            models.UniqueConstraint(
                fields=["provider", "student", "date", "start_time", "service"], name="record_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} for {self.student} on {self.date} {self.start_time:%H:%M}"

    @property
    def is_certified(self) -> bool:
        return self.certified_at is not None

    @property
    def is_missed(self) -> bool:
        return self.session_type in MISSED

    @property
    def minutes(self) -> int:
        start = dt.datetime.combine(self.date, self.start_time)
        return int((dt.datetime.combine(self.date, self.end_time) - start).total_seconds() // 60)

    @property
    def on_behalf(self) -> bool:
        return self.recorded_by_id != self.provider_id

    @property
    def group_size_display(self) -> str:
        return "Individual" if self.grouping == Grouping.INDIVIDUAL else f"Group, {self.group_count}"

    def signed_content(self) -> dict[str, Any]:
        return signed_content({name: getattr(self, name) for name in HASHED_FIELDS})

    def content_hash(self) -> str:
        """SHA-256 of what the provider signed, with who and when."""
        return content_hash(self.signed_content())

    def hash_is_valid(self) -> bool:
        return self.is_certified and self.certification_hash == self.content_hash()

    @property
    def signature_status(self) -> str:
        return signature_status({name: getattr(self, name) for name in (*HASHED_FIELDS, "certification_hash")})


# What the certification hash covers: the signed fields, who signed and when.
HASHED_FIELDS = (*SIGNED_FIELDS, "certified_by_id", "certified_at")


_SORTED_HASHED = tuple(sorted(HASHED_FIELDS))
_TEMPORAL = ("date", "start_time", "end_time", "certified_at")
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def signed_content(values: dict[str, Any]) -> dict[str, Any]:
    """The signed content of a record given as {field: value} (a model's attributes or a
    row from .values(*HASHED_FIELDS)), in the form that is hashed: dates and times as
    ISO 8601 text. Built field by field, as exports check every row's hash."""
    content = {name: values[name] for name in _SORTED_HASHED}
    for name in _TEMPORAL:
        value = content[name]
        if value is not None:
            content[name] = value.isoformat()
    return content


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the content as canonical JSON (keys sorted, no spaces)."""
    return hashlib.sha256(_CANONICAL.encode(content).encode()).hexdigest()


class Signature:
    VERIFIED = "Verified"
    MISMATCH = "Does not match"


def signature_status(values: dict[str, Any]) -> str:
    """For a row holding HASHED_FIELDS and certification_hash: "" for a record not yet
    certified; Verified when its content still hashes to what was signed; Does not
    match when anything changed since (which the database's triggers refuse, so it
    means the database was altered outside SESIS)."""
    if values["certified_at"] is None:
        return ""
    ok = content_hash(signed_content(values)) == values["certification_hash"]
    return Signature.VERIFIED if ok else Signature.MISMATCH


class Amendment(models.Model):
    """A correction to a certified record: who, when, why and what changed. The
    record keeps its original values; the amendment holds the new ones."""

    record = models.ForeignKey(ServiceRecord, on_delete=models.PROTECT, related_name="amendments")
    amended_by = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=500)
    changes = models.JSONField(help_text="{field: [before, after]}")

    class Meta:
        ordering = ["amended_at", "id"]

    def __str__(self) -> str:
        return f"Amendment {self.pk} of record {self.record_id}"


CERTIFIED_RECORDS_LOCKED = ImmutableRows(
    table="services_servicerecord",
    message="A certified service record cannot be changed or deleted; add an amendment.",
    condition="OLD.certified_at IS NOT NULL",
)
AMENDMENTS_APPEND_ONLY = ImmutableRows(table="services_amendment", message="Amendments are append-only.")
ALL_IMMUTABLE.extend([CERTIFIED_RECORDS_LOCKED, AMENDMENTS_APPEND_ONLY])
