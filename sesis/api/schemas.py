"""What the API returns: explicit output schemas, never all of a model's fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from sesis.api.recordfields import with_record_fields
from sesis.caseloads.models import CaseloadEntry
from sesis.ivr.models import FirstAttend
from sesis.mandates.models import Assignment, Mandate
from sesis.medicaid.claimability import verdict_for
from sesis.people.models import Staff
from sesis.services.history import changes_between
from sesis.services.models import CONTENT_FIELDS, ServiceRecord, SessionContent
from sesis.students.models import Student


class StudentOut(Schema):
    osis: str
    first_name: str
    last_name: str
    date_of_birth: dt.date
    school: str
    school_name: str
    district: int
    grade: str
    home_language: str

    @staticmethod
    def resolve_school(obj: Student) -> str:
        return obj.school.dbn

    @staticmethod
    def resolve_school_name(obj: Student) -> str:
        return obj.school.name

    @staticmethod
    def resolve_district(obj: Student) -> int:
        return obj.school.district


class MandateOut(Schema):
    mandate_id: str
    student: str
    service: str
    sessions: int
    period: str
    minutes: int
    group_size: int
    language: str
    location: str
    start_date: dt.date
    end_date: dt.date
    frequency: str

    @staticmethod
    def resolve_student(obj: Mandate) -> str:
        return obj.student.osis


class StudentDetailOut(StudentOut):
    mandates: list[MandateOut]

    @staticmethod
    def resolve_mandates(obj: Student) -> list[Mandate]:
        return list(obj.mandates.select_related("student").order_by("service", "start_date"))


class StaffOut(Schema):
    staff_id: str
    first_name: str
    last_name: str
    role: str
    provider_type: str
    agency: str | None
    disciplines: list[str]
    is_active: bool

    @staticmethod
    def resolve_agency(obj: Staff) -> str | None:
        return obj.agency.name if obj.agency_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_disciplines(obj: Staff) -> list[str]:
        return sorted(d.service for d in obj.disciplines.all())


class AssignmentOut(Schema):
    kind: str
    school: str | None
    student: str | None
    service: str
    start_date: dt.date
    end_date: dt.date | None

    @staticmethod
    def resolve_school(obj: Assignment) -> str | None:
        return obj.school.dbn if obj.school else None

    @staticmethod
    def resolve_student(obj: Assignment) -> str | None:
        return obj.student.osis if obj.student else None


class StaffDetailOut(StaffOut):
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_assignments(obj: Staff) -> list[Assignment]:
        """The assignments in effect today."""
        current = obj.assignments.active_on(timezone.localdate()).select_related("school", "student")
        return list(current.order_by("kind", "start_date"))


class TokenOut(Schema):
    kind: str
    name: str
    scopes: list[str]
    expires_at: dt.datetime


class MeOut(Schema):
    staff: StaffOut
    token: TokenOut | None
    scopes: list[str]


class CaseloadEntryOut(Schema):
    id: int
    provider: str
    student: StudentOut
    source: str
    added_by: str
    added_at: dt.datetime
    mandates: list[str]
    ended_at: dt.datetime | None
    ended_by: str | None
    end_reason: str

    @staticmethod
    def resolve_provider(obj: CaseloadEntry) -> str:
        return obj.provider.staff_id

    @staticmethod
    def resolve_added_by(obj: CaseloadEntry) -> str:
        return obj.added_by.staff_id

    @staticmethod
    def resolve_mandates(obj: CaseloadEntry) -> list[str]:
        return sorted(m.mandate_id for m in obj.mandates.all())

    @staticmethod
    def resolve_ended_by(obj: CaseloadEntry) -> str | None:
        return obj.ended_by.staff_id if obj.ended_by else None


class AddOutcomeOut(Schema):
    student: str
    outcome: str  # added, already, refused, not_found
    message: str
    entry: CaseloadEntryOut | None


class AddResultsOut(Schema):
    added: int
    results: list[AddOutcomeOut]


class MedicaidReasonOut(Schema):
    code: str = Field(description="consent, eligibility, order, credential, direction, notes, minutes or unsigned")
    message: str


class MedicaidOut(Schema):
    """Whether the session can be claimed to Medicaid in its current version, judged by
    the facts of its day (docs/medicaid.md). Saving never depends on it."""

    claimable: bool
    procedure_code: str
    units: int
    reasons: list[MedicaidReasonOut]
    message: str = Field(description='"Not claimable to Medicaid: …" naming every reason, or empty')


def reader(context: Any) -> Staff | None:
    """Who the record is serialised for: the request's staff member, or the reader a
    caller names (a stored response for the staff member who just wrote it)."""
    context = context or {}
    if context.get("reader") is not None:
        staff: Staff = context["reader"]
        return staff
    request = context.get("request")
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, Staff) else None


def notes_for(obj: SessionContent, context: Any) -> str:
    """Session Notes as the reader may see them: confidential counseling notes only to
    their author and administrators (anyone else, or no known reader, gets "")."""
    if not obj.notes_confidential:
        return obj.notes
    who = reader(context)
    return "" if who is None or obj.notes_hidden_from(who) else obj.notes


@with_record_fields(CONTENT_FIELDS, "out")
class VersionOut(Schema):
    """One signed version of a record, the original first: its fields as signed, who
    certified it when, and for an amendment why and what it changed."""

    version: int
    certified_by: str
    certified_at: dt.datetime
    certification_hash: str
    amends_hash: str = Field(
        description="The certification hash of the version this one corrects ('' for the original)"
    )
    reason: str = Field(description="Why this version corrects the one before ('' for the original)")
    unsigned_amendment: bool = Field(description="An amendment made before amendments were signed (no certify tick)")
    changes: dict[str, list[str]] = Field(
        description='What changed from the version before, by label: {"Group Size": ["Group, 3", "Individual"]}'
    )

    @staticmethod
    def resolve_certified_by(obj: SessionContent) -> str:
        return obj.certified_by.staff_id  # type: ignore[union-attr]

    @staticmethod
    def resolve_reason(obj: SessionContent) -> str:
        return obj.amendment_reason

    @staticmethod
    def resolve_changes(obj: SessionContent) -> dict[str, list[str]]:
        return getattr(obj, "changes", {})  # set by RecordOut.resolve_versions

    @staticmethod
    def resolve_notes(obj: SessionContent, context: Any) -> str:
        return notes_for(obj, context)


@with_record_fields(CONTENT_FIELDS, "out")
class RecordOut(Schema):
    """A service record in its current version (as amended): its columns are what it
    says now; versions holds every signed version."""

    id: int
    version: int
    etag: str
    provider: str
    student: str
    student_name: str
    school: str
    mandate_id: str
    minutes: int
    makeup_of: int | None
    group_session: int | None
    overlap_flag: str
    recorded_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    certified: bool
    certified_at: dt.datetime | None
    certified_by: str | None
    certification_hash: str
    amended: bool
    amendment_reason: str
    versions: list[VersionOut]
    medicaid: MedicaidOut | None = Field(
        description="Null when the session is no claim: not a provided session, or a service no claim rule covers"
    )

    @staticmethod
    def resolve_etag(obj: ServiceRecord) -> str:
        return etag(obj)

    @staticmethod
    def resolve_provider(obj: ServiceRecord) -> str:
        return obj.provider.staff_id

    @staticmethod
    def resolve_student(obj: ServiceRecord) -> str:
        return obj.student.osis

    @staticmethod
    def resolve_student_name(obj: ServiceRecord) -> str:
        return obj.student.full_name

    @staticmethod
    def resolve_school(obj: ServiceRecord) -> str:
        return obj.student.school.dbn

    @staticmethod
    def resolve_mandate_id(obj: ServiceRecord) -> str:
        return obj.mandate.mandate_id

    @staticmethod
    def resolve_makeup_of(obj: ServiceRecord) -> int | None:
        return obj.makeup_of_id

    @staticmethod
    def resolve_group_session(obj: ServiceRecord) -> int | None:
        return obj.group_session_id

    @staticmethod
    def resolve_recorded_by(obj: ServiceRecord) -> str:
        return obj.recorded_by.staff_id

    @staticmethod
    def resolve_certified(obj: ServiceRecord) -> bool:
        return obj.is_certified

    @staticmethod
    def resolve_certified_by(obj: ServiceRecord) -> str | None:
        return obj.certified_by.staff_id if obj.certified_by else None

    @staticmethod
    def resolve_amended(obj: ServiceRecord) -> bool:
        return obj.is_amendment

    @staticmethod
    def resolve_medicaid(obj: ServiceRecord) -> dict[str, Any] | None:
        verdict = verdict_for(obj)
        if verdict is None:
            return None
        return {
            "claimable": verdict.claimable,
            "procedure_code": verdict.rule.procedure_code,
            "units": verdict.units,
            "reasons": [{"code": p.code, "message": p.message} for p in verdict.problems],
            "message": verdict.message,
        }

    @staticmethod
    def resolve_notes(obj: ServiceRecord, context: Any) -> str:
        return notes_for(obj, context)

    @staticmethod
    def resolve_versions(obj: ServiceRecord, context: Any) -> list[SessionContent]:
        who = reader(context)
        hide = who is None or not obj.reads_confidential_notes(who)  # each version's own mark decides
        versions = obj.signed_versions()
        for i, version in enumerate(versions):
            version.changes = changes_between(versions[i - 1], version, hide) if i else {}  # type: ignore[attr-defined]
        return versions


def etag(record: ServiceRecord) -> str:
    """The record's version: every edit and every amendment makes a new one."""
    return f'"{record.version}"'


RECORD_RELATED = ("student__school", "provider", "mandate", "recorded_by", "certified_by")
RECORD_PREFETCH = ("versions__certified_by",)


class GroupOut(Schema):
    group_session: int
    records: list[RecordOut]


class FirstAttendOut(Schema):
    id: int
    call_id: str
    source: str
    staff_id: str
    osis: str
    service: str
    first_attend_date: dt.date
    received_at: dt.datetime
    status: str
    reason: str
    processed_at: dt.datetime | None
    caseload_entry: int | None

    @staticmethod
    def resolve_caseload_entry(obj: FirstAttend) -> int | None:
        return obj.caseload_entry_id


class CalendarDayOut(Schema):
    date: dt.date
    kind: str
    school: str | None
    district: int | None
    description: str

    @staticmethod
    def resolve_school(obj: Any) -> str | None:
        return obj.school.dbn if obj.school_id else None


class NonSchoolDayOut(Schema):
    date: dt.date
    reason: str
