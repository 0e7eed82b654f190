"""Service records: one student, one provider, one session, and the signed versions
an amendment leaves behind.

A record's current state is in its columns, always: every reader (rules, database
constraints, calendars, reports, exports, the API) reads them with ordinary queries.
History sits beside it, as in SQL:2011's system-versioned tables: when an amendment
replaces a certified version, the database itself copies the old version, as signed,
into ServiceRecordVersion (a trigger, on SQLite and PostgreSQL alike), and refuses any
other change to a certified row."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sesis.lib.codes import ServiceType
from sesis.lib.dbtriggers import ALL as ALL_IMMUTABLE
from sesis.lib.dbtriggers import ImmutableRows, VersionedRows
from sesis.services.choices import (
    CONFIDENTIAL_HELP,
    CONFIDENTIAL_HIDDEN,
    CONFIDENTIAL_SERVICES,
    DESCRIPTION_HELP,
    GROUP_HELP,
    LANGUAGE_CHOICES,
    MISSED,
    PROGRESS_HELP,
    SESSION_TYPE_HELP,
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


class SessionContent(models.Model):
    """The one declaration of a service record's fields: what a provider enters, in the
    Service Record form's order, with the labels users see, and the signature of the
    version. The forms, the API's schemas, the amendable fields, the signed content and
    the history table all derive from it: adding a field is a change here plus its
    migration (and the history trigger's column list, which a test checks)."""

    date = models.DateField("Date")
    start_time = models.TimeField("Start Time", help_text="When the student arrived for the session.")
    end_time = models.TimeField("End Time")
    service = models.CharField("Service Type", max_length=20, choices=ServiceType.choices)
    language = models.CharField("Language of Service", max_length=50, choices=LANGUAGE_CHOICES)
    session_type = models.CharField(
        "Session Type",
        max_length=20,
        choices=SessionType.choices,
        default=SessionType.PROVIDED,
        help_text=SESSION_TYPE_HELP,
    )
    cancel_reason = models.CharField("Reason for cancellation", max_length=20, choices=CancelReason.choices, blank=True)
    grouping = models.CharField(
        "Group Size", max_length=10, choices=Grouping.choices, default=Grouping.INDIVIDUAL, help_text=GROUP_HELP
    )
    group_count = models.PositiveSmallIntegerField(
        "Number of students present (Group only)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    location = models.CharField("Service Location", max_length=20, choices=ServiceLocation.choices, blank=True)
    description = models.CharField(
        "Service Description",
        max_length=30,
        choices=ServiceDescription.choices,
        blank=True,
        help_text=DESCRIPTION_HELP,
    )
    progress = models.CharField(
        "Progress Indicator", max_length=20, choices=ProgressIndicator.choices, blank=True, help_text=PROGRESS_HELP
    )
    notes = models.TextField("Session Notes", blank=True, max_length=4000)
    notes_confidential = models.BooleanField(
        "Confidential notes",
        default=False,
        db_default=False,
        help_text=CONFIDENTIAL_HELP,
    )

    # The signature of this version: who recorded it, who certified it when, the hash
    # of what they signed, and for an amendment the hash of the version it corrects.
    recorded_by = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    certified_at = models.DateTimeField(null=True, blank=True)
    certified_by = models.ForeignKey("people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    certification_hash = models.CharField(max_length=64, blank=True)
    amends_hash = models.CharField(max_length=64, blank=True, default="", db_default="")
    amendment_reason = models.CharField(
        "Reason for the amendment", max_length=500, blank=True, default="", db_default=""
    )
    unsigned_amendment = models.BooleanField(
        default=False,
        db_default=False,
        help_text="An amendment made before amendments were signed (migrated): the amender's name and time, "
        "without a certify tick.",
    )

    class Meta:
        abstract = True

    @property
    def is_certified(self) -> bool:
        return self.certified_at is not None

    @property
    def is_amendment(self) -> bool:
        return bool(self.amends_hash)

    @property
    def is_missed(self) -> bool:
        return self.session_type in MISSED

    @property
    def minutes(self) -> int:
        start = dt.datetime.combine(self.date, self.start_time)
        return int((dt.datetime.combine(self.date, self.end_time) - start).total_seconds() // 60)

    @property
    def on_behalf(self) -> bool:
        return bool(self.recorded_by_id != self.provider_id)  # type: ignore[attr-defined]

    def reads_confidential_notes(self, user: Any) -> bool:
        """Whether user may read this record's confidential counseling notes, in any of
        its versions: their author (the session's provider, or whoever recorded it for
        them) and administrators only."""
        author = user.pk in (self.provider_id, self.recorded_by_id)  # type: ignore[attr-defined]
        return bool(author or user.is_administrator)

    def notes_hidden_from(self, user: Any) -> bool:
        """This version's notes are confidential and user may not read them."""
        return self.notes_confidential and not self.reads_confidential_notes(user)

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

    def shown(self, hide_notes: bool = False) -> dict[str, str]:
        """The entered fields as a person reads them, by label ("Group Size":
        "Group, 3"): the record page's history compares versions with it. hide_notes:
        for a reader who may not see this version's confidential notes."""
        values: dict[str, str] = {}
        for name in ENTERED_FIELDS:
            field = record_field(name)
            if name == "group_count":
                continue
            if name == "grouping":
                values[str(field.verbose_name)] = self.group_size_display
                continue
            value = getattr(self, name)
            if name == "notes" and hide_notes and self.notes_confidential:
                text = CONFIDENTIAL_HIDDEN
            elif isinstance(value, bool):
                text = "Yes" if value else "No"
            elif isinstance(value, dt.time):
                text = f"{value:%H:%M}"
            elif field.choices:
                text = str(dict(field.flatchoices).get(value, value))
            else:
                text = str(value)
            values[str(field.verbose_name)] = text
        return values


class ServiceRecordQuerySet(models.QuerySet["ServiceRecord"]):
    def certified(self) -> ServiceRecordQuerySet:
        return self.filter(certified_at__isnull=False)

    def provided(self) -> ServiceRecordQuerySet:
        return self.filter(session_type=SessionType.PROVIDED)

    def amended(self) -> ServiceRecordQuerySet:
        return self.exclude(amends_hash="")


class ServiceRecord(SessionContent):
    """One student, one provider, one session: a Service Record of the second guide,
    in its current version. Certified, it changes only by an amendment, which the
    amender signs; the database then keeps the version it replaces."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="service_records")
    provider = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="service_records")
    mandate = models.ForeignKey("mandates.Mandate", on_delete=models.PROTECT, related_name="service_records")
    makeup_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="made_up_by")
    group_session = models.ForeignKey(
        GroupSession, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    overlap_flag = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time", "id"]
        indexes = [
            models.Index(fields=["student", "date"], name="record_student_date_idx"),
            models.Index(fields=["provider", "date"], name="record_provider_date_idx"),
            # A mandate's sessions in a period (Mandate Compliance, Provider Service
            # Totals): one index range per mandate, not every session the mandate has.
            models.Index(fields=["mandate", "date"], name="record_mandate_date_idx"),
            # The uncertified sessions (the dashboard's ages, reminders): a few percent of
            # the table, found without reading a year of certified ones.
            models.Index(
                fields=["student", "date"], condition=models.Q(certified_at__isnull=True), name="record_uncertified_idx"
            ),
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
                condition=models.Q(notes_confidential=False) | models.Q(service__in=sorted(CONFIDENTIAL_SERVICES)),
                name="record_confidential_notes_counseling",
            ),
            models.CheckConstraint(
                condition=models.Q(makeup_of__isnull=True) | models.Q(session_type=SessionType.PROVIDED),
                name="record_makeup_is_provided",
            ),
            # Only a certified version is amended, and the amendment names what it corrects.
            models.CheckConstraint(
                condition=models.Q(amends_hash="", amendment_reason="", unsigned_amendment=False)
                | (~models.Q(amends_hash="") & ~models.Q(amendment_reason="") & models.Q(certified_at__isnull=False)),
                name="record_amendment_complete",
            ),
            # A retried submission cannot record the same session twice.
            models.UniqueConstraint(
                fields=["provider", "student", "date", "start_time", "service"], name="record_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} for {self.student} on {self.date} {self.start_time:%H:%M}"

    def holds_confidential_notes(self) -> bool:
        """Whether this version or any earlier one has confidential notes (with its
        versions prefetched, no query)."""
        return any(v.notes_confidential for v in (self, *self.versions.all()))

    def signed_versions(self) -> list[SessionContent]:
        """Every signed version, the original first and this one last."""
        history: list[SessionContent] = list(self.versions.all())
        return [*history, self] if self.is_certified else history


class ServiceRecordVersion(SessionContent):
    """An earlier signed version of a record, exactly as it was certified, kept when an
    amendment replaced it. Only the database writes these rows (the record's trigger
    copies the old version on every amendment), and nothing changes or deletes them."""

    record = models.ForeignKey(ServiceRecord, on_delete=models.PROTECT, related_name="versions")
    superseded_at = models.DateTimeField(help_text="When the amendment that replaced this version was certified")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    mandate = models.ForeignKey("mandates.Mandate", on_delete=models.PROTECT, related_name="+")
    makeup_of = models.ForeignKey(ServiceRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    group_session = models.ForeignKey(GroupSession, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["record", "version"]
        constraints = [models.UniqueConstraint(fields=["record", "version"], name="record_version_once")]

    def __str__(self) -> str:
        return f"Version {self.version} of record {self.record_id}"


def record_field(name: str) -> models.Field[Any, Any]:
    """One of the record's declared fields, by name."""
    field = ServiceRecord._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def field_bounds(field: models.Field[Any, Any]) -> tuple[int | None, int | None]:
    """A number field's declared least and greatest values."""
    low = next((v.limit_value for v in field.validators if isinstance(v, MinValueValidator)), None)
    high = next((v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)), None)
    return low, high


# The fields a user enters for a session (the form's fields after the date): what an
# amendment may correct. A record's date and service are what it is about; correcting
# either is a different record.
IDENTITY_FIELDS = ("date", "service")
CONTENT_FIELDS = tuple(
    f.name
    for f in SessionContent._meta.local_fields
    if f.name
    not in (
        "recorded_by",
        "version",
        "certified_at",
        "certified_by",
        "certification_hash",
        "amends_hash",
        "amendment_reason",
        "unsigned_amendment",
    )
)
ENTERED_FIELDS = tuple(name for name in CONTENT_FIELDS if name not in IDENTITY_FIELDS)
AMENDABLE = ENTERED_FIELDS
# A group session's fields that each student's record decides for itself (present or
# absent, and the number present); the others the group shares.
PER_STUDENT = ("session_type", "cancel_reason", "grouping", "group_count")

# What a certification hash covers: every column of the record but these.
_NOT_SIGNED = {"id", "version", "certification_hash", "overlap_flag", "created_at", "updated_at"}
HASHED_FIELDS = tuple(f.attname for f in ServiceRecord._meta.concrete_fields if f.name not in _NOT_SIGNED)
# The fields every signature has covered since the first release. A field added later
# is signed only when it holds a value, so that older signatures stay valid.
FIRST_SIGNED = frozenset(
    {
        "student_id",
        "provider_id",
        "mandate_id",
        "date",
        "start_time",
        "end_time",
        "service",
        "language",
        "session_type",
        "cancel_reason",
        "grouping",
        "group_count",
        "location",
        "description",
        "progress",
        "notes",
        "makeup_of_id",
        "group_session_id",
        "recorded_by_id",
        "certified_by_id",
        "certified_at",
    }
)
_LATER_SIGNED = tuple(sorted(set(HASHED_FIELDS) - FIRST_SIGNED))
_SORTED_FIRST = tuple(sorted(FIRST_SIGNED))
_TEMPORAL = ("date", "start_time", "end_time", "certified_at")
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def signed_content(values: dict[str, Any]) -> dict[str, Any]:
    """The signed content of a version given as {field: value} (a model's attributes or
    a row from .values(*HASHED_FIELDS)), in the form that is hashed: dates and times as
    ISO 8601 text. Built field by field, as exports check every row's hash."""
    content = {name: values[name] for name in _SORTED_FIRST}
    for name in _LATER_SIGNED:
        value = values[name]
        if value not in ("", None, False):
            content[name] = value
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


def chain_status(versions: list[dict[str, Any]]) -> str:
    """The signature of a record across its versions (rows holding HASHED_FIELDS,
    certification_hash and version, the original first, the current last): Verified
    when every version hashes to what was signed and each amendment names the hash of
    the version it replaced."""
    previous = ""
    for values in versions:
        if signature_status(values) != Signature.VERIFIED or values["amends_hash"] != previous:
            return Signature.MISMATCH
        previous = values["certification_hash"]
    return Signature.VERIFIED if versions else ""


# Columns the history trigger copies from the replaced version: every column of
# ServiceRecordVersion but its own id, record_id (OLD.id) and superseded_at (NEW.certified_at).
VERSIONED_COLUMNS = tuple(
    f.column for f in ServiceRecordVersion._meta.concrete_fields if f.name not in ("id", "record", "superseded_at")
)

CERTIFIED_RECORDS_VERSIONED = VersionedRows(
    table="services_servicerecord",
    history="services_servicerecordversion",
    columns=VERSIONED_COLUMNS,
    message="A certified service record cannot be changed or deleted; add an amendment.",
)
VERSIONS_APPEND_ONLY = ImmutableRows(table="services_servicerecordversion", message="Record versions are append-only.")
ALL_IMMUTABLE.extend([CERTIFIED_RECORDS_VERSIONED, VERSIONS_APPEND_ONLY])
