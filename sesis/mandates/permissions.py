"""Permission to serve: whether a provider may serve a student's mandates on a day.
The caseload action, the IVR and service capture all ask this one function."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection

from sesis.lib.codes import ServiceType
from sesis.lib.db import rows_cte
from sesis.mandates.models import Assignment, AssignmentKind, Mandate
from sesis.people.models import ProviderType, Role, Staff, StaffDiscipline
from sesis.students.models import Student

# Which kind of assignment authorises which kind of provider.
AUTHORISING_KIND = {
    ProviderType.DOE: AssignmentKind.SCHOOL,
    ProviderType.AGENCY: AssignmentKind.AGENCY,
    ProviderType.INDEPENDENT: AssignmentKind.RSA,
}

NO_MANDATE = "No IEP mandate"
NO_ASSIGNMENT = "No assignment or RSA for this student"
NOT_A_PROVIDER = "Only service providers have caseloads"


@dataclass
class ServePermission:
    """The mandates the provider may serve, or the plain-words reason why none."""

    mandates: list[Mandate] = field(default_factory=list)
    refusal: str = ""

    @property
    def allowed(self) -> bool:
        return not self.refusal


def _not_covered(mandated: set[str]) -> str:
    names = ", ".join(sorted(ServiceType(code).label for code in mandated))
    return f"The provider's discipline does not cover the mandated service ({names})"


def permission_to_serve(
    *, provider: Staff, student: Student, day: dt.date, service: str | None = None
) -> ServePermission:
    """A provider may serve a mandate active on `day` when one of their disciplines is
    the mandate's service and an active assignment of the kind their provider type
    needs covers the student (their school, or them by name) for that service."""
    if not provider.is_provider:
        return ServePermission(refusal=NOT_A_PROVIDER)
    return decide_permission(
        provider=provider,
        disciplines=provider.discipline_codes(),
        mandates=list(Mandate.objects.active_on(day).filter(student=student)),
        assignments=list(Assignment.objects.active_on(day).filter(staff=provider)),
        student=student,
        service=service,
    )


def decide_permission(
    *,
    provider: Staff,
    disciplines: set[str],
    mandates: list[Mandate],
    assignments: list[Assignment],
    student: Student,
    service: str | None = None,
) -> ServePermission:
    """The rule itself, on data already loaded: the student's mandates and the
    provider's assignments, both active on the day in question. permission_to_serve
    loads them for one student; batch processing loads them for many at once."""
    if not provider.is_provider:
        return ServePermission(refusal=NOT_A_PROVIDER)
    if service is not None:
        mandates = [m for m in mandates if m.service == service]
    if not mandates:
        return ServePermission(refusal=NO_MANDATE)
    covered = [m for m in mandates if m.service in disciplines]
    if not covered:
        return ServePermission(refusal=_not_covered({m.service for m in mandates}))
    kind = AUTHORISING_KIND.get(ProviderType(provider.provider_type))
    usable = [a for a in assignments if a.kind == kind]
    authorised = [
        m
        for m in covered
        if any(a.covers(student_id=student.pk, school_id=student.school_id, service=m.service) for a in usable)
    ]
    if not authorised:
        return ServePermission(refusal=NO_ASSIGNMENT)
    return ServePermission(mandates=authorised)


class Served(NamedTuple):
    """A mandate a permission covers, by its key and its mandate ID."""

    pk: int
    mandate_id: str


@dataclass(frozen=True)
class BatchPermission:
    """decide_permission's answer for one request of a batch: the mandates (by key) the
    provider may serve, or the reason why none."""

    mandates: tuple[Served, ...] = ()
    refusal: str = ""

    @property
    def allowed(self) -> bool:
        return not self.refusal


class PermissionRequest(NamedTuple):
    provider_id: int
    student_id: int
    day: dt.date
    service: str


def decide_permissions(requests: list[PermissionRequest]) -> list[BatchPermission]:
    """decide_permission for a whole batch of (provider, student, day, service), in one
    SQL statement per thousand requests: the same rule and the same reasons, without
    loading a model object (the feed decides 100,000 first attends at a time). For each
    request, the student's mandates of that service active on the day, each with
    whether an active assignment of the provider's authorising kind covers it; the
    provider's role and whether a discipline of theirs is the service. Kept equal to
    decide_permission by a property test (test_permissions_batch)."""
    decided: list[BatchPermission] = []
    for start in range(0, len(requests), 1000):
        decided += _decide_chunk(requests[start : start + 1000])
    return decided


def _decide_chunk(requests: list[PermissionRequest]) -> list[BatchPermission]:
    cte, params = rows_cte(
        "req",
        [("i", "integer"), ("provider_id", "bigint"), ("student_id", "bigint"), ("day", "date"), ("service", "text")],
        [(i, *request) for i, request in enumerate(requests)],
    )
    kinds = " ".join("WHEN %s THEN %s" for _ in AUTHORISING_KIND)
    params += [value for provider_type, kind in AUTHORISING_KIND.items() for value in (provider_type.value, kind.value)]
    staff, student, discipline = Staff._meta.db_table, Student._meta.db_table, StaffDiscipline._meta.db_table
    mandate, assignment = Mandate._meta.db_table, Assignment._meta.db_table
    # The provider and the student are read per request, by their keys (subqueries, not
    # joins): a batch names few providers, and a join let PostgreSQL hash the whole
    # staff table for each batch (26 ms of 54 per 1,000 requests at full scale).
    # Table names come from the models; every value is a parameter.
    sql = f"""
        WITH {cte}, r AS (
            SELECT req.*,
                (SELECT p.role FROM {staff} p WHERE p.id = req.provider_id) AS role,
                (SELECT CASE p.provider_type {kinds} END FROM {staff} p WHERE p.id = req.provider_id) AS kind,
                (SELECT s.school_id FROM {student} s WHERE s.id = req.student_id) AS school_id
            FROM req
        )
        SELECT r.i, r.role, r.school_id,
            EXISTS (SELECT 1 FROM {discipline} d WHERE d.staff_id = r.provider_id AND d.service = r.service),
            m.id, m.mandate_id,
            EXISTS (
                SELECT 1 FROM {assignment} a
                WHERE a.staff_id = r.provider_id AND a.kind = r.kind
                    AND a.start_date <= r.day AND (a.end_date IS NULL OR a.end_date >= r.day)
                    AND (a.service = '' OR a.service = m.service)
                    AND (a.student_id = r.student_id OR (a.student_id IS NULL AND a.school_id = r.school_id))
            )
        FROM r
        LEFT JOIN {mandate} m ON m.student_id = r.student_id AND m.service = r.service
            AND m.start_date <= r.day AND m.end_date >= r.day
        ORDER BY r.i, m.start_date, m.id
    """  # noqa: S608 (see above)
    found: list[list[tuple[Any, ...]]] = [[] for _ in requests]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            found[row[0]].append(row)
    return [_decided(request, rows) for request, rows in zip(requests, found, strict=True)]


def _decided(request: PermissionRequest, rows: list[tuple[Any, ...]]) -> BatchPermission:
    """The rule's order of reasons, as decide_permission gives them."""
    _, role, school_id, disciplined, _, _, _ = rows[0]
    if role is None or school_id is None:
        raise ValueError(f"No provider or student with the keys {request.provider_id}, {request.student_id}")
    if role != Role.PROVIDER:
        return BatchPermission(refusal=NOT_A_PROVIDER)
    mandates = [(pk, mandate_id, authorised) for _, _, _, _, pk, mandate_id, authorised in rows if pk is not None]
    if not mandates:
        return BatchPermission(refusal=NO_MANDATE)
    if not disciplined:
        return BatchPermission(refusal=_not_covered({request.service}))
    served = tuple(Served(pk, mandate_id) for pk, mandate_id, authorised in mandates if authorised)
    if not served:
        return BatchPermission(refusal=NO_ASSIGNMENT)
    return BatchPermission(mandates=served)
