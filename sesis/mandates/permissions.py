"""Permission to serve: whether a provider may serve a student's mandates on a day.
The caseload action, the IVR and service capture all ask this one function."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sesis.lib.codes import ServiceType
from sesis.mandates.models import Assignment, AssignmentKind, Mandate
from sesis.people.models import ProviderType, Staff
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


def _service_names(codes: set[str]) -> str:
    return ", ".join(sorted(ServiceType(code).label for code in codes))


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
        mandated = {m.service for m in mandates}
        return ServePermission(
            refusal=f"The provider's discipline does not cover the mandated service ({_service_names(mandated)})"
        )
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
