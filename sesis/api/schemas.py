"""What the API returns: explicit output schemas, never all of a model's fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Schema

from sesis.caseloads.models import CaseloadEntry
from sesis.ivr.models import FirstAttend
from sesis.mandates.models import Assignment, Mandate
from sesis.people.models import Staff
from sesis.services.actions import effective_values
from sesis.services.models import Amendment, ServiceRecord
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


class AmendmentOut(Schema):
    id: int
    amended_by: str
    amended_at: dt.datetime
    reason: str
    changes: dict[str, list[Any]]

    @staticmethod
    def resolve_amended_by(obj: Amendment) -> str:
        return obj.amended_by.staff_id


class EffectiveOut(Schema):
    """The record as amended (the same as stored when it has no amendment)."""

    start_time: dt.time
    end_time: dt.time
    language: str
    session_type: str
    cancel_reason: str
    grouping: str
    group_count: int | None
    location: str
    description: str
    progress: str
    notes: str


class RecordOut(Schema):
    id: int
    version: int
    etag: str
    provider: str
    student: str
    student_name: str
    school: str
    mandate_id: str
    service: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    minutes: int
    language: str
    session_type: str
    cancel_reason: str
    grouping: str
    group_count: int | None
    location: str
    description: str
    progress: str
    notes: str
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
    effective: EffectiveOut
    amendments: list[AmendmentOut]

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
        return bool(obj.amendments.all())

    @staticmethod
    def resolve_effective(obj: ServiceRecord) -> dict[str, Any]:
        return effective_values(obj)

    @staticmethod
    def resolve_amendments(obj: ServiceRecord) -> list[Amendment]:
        return list(obj.amendments.all())


def etag(record: ServiceRecord) -> str:
    """The record's version and, once certified, how many amendments it has."""
    return f'"{record.version}.{len(record.amendments.all())}"'


RECORD_RELATED = ("student__school", "provider", "mandate", "recorded_by", "certified_by")
RECORD_PREFETCH = ("amendments__amended_by",)


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
