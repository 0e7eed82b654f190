"""Students (quick search, detail) and mandates, scoped like the web pages."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router

from sesis.access.scope import Scope
from sesis.api.auth import actor, auth
from sesis.api.endpoints.common import OSIS, checked, form_values
from sesis.api.errors import responses
from sesis.api.paging import PageQuery, page, page_of
from sesis.api.schemas import MandateOut, StudentDetailOut, StudentOut
from sesis.api.types import IsoDate
from sesis.lib.codes import ServiceType
from sesis.mandates.models import Mandate
from sesis.students.forms import StudentQuickSearchForm

router = Router()
mandates_router = Router()

StudentPage = page_of(StudentOut, "StudentPage")
MandatePage = page_of(MandateOut, "MandatePage")


class StudentSearch(PageQuery):
    # The pattern is stated for clients; the form checks it, with the page's message.
    osis: str | None = Field(
        None, max_length=9, json_schema_extra={"pattern": r"^\d{9}$"}, description="OSIS ID, 9 digits"
    )
    last_name: str | None = Field(None, max_length=100, description="From the start of the last name")
    first_name: str | None = Field(None, max_length=100, description="From the start of the first name")
    date_of_birth: IsoDate | None = None
    school: str | None = Field(None, max_length=6, description="DBN")


@router.get(
    "",
    response=responses({200: StudentPage}),
    auth=auth("students:read"),
    summary="Student Quick Search",
    operation_id="listStudents",
)
def search_students(request: HttpRequest, filters: Query[StudentSearch]) -> dict[str, Any]:
    """The web page's Student Quick Search: any one field is enough, names match from
    the start; only students in your scope."""
    form = StudentQuickSearchForm(form_values(filters))
    checked(form)
    return page(form.filter(Scope.of(actor(request)).students()), filters)


@router.get(
    "/{osis}",
    response=responses({200: StudentDetailOut}),
    auth=auth("students:read"),
    summary="A student",
    operation_id="getStudent",
)
def get_student(request: HttpRequest, osis: str = OSIS) -> Any:
    """A student with their mandates. Outside your scope is a 404."""
    return Scope.of(actor(request)).student(osis)


class MandateSearch(PageQuery):
    student: str | None = Field(None, max_length=9, description="OSIS ID")
    school: str | None = Field(None, max_length=6, description="DBN")
    service: ServiceType | None = None
    active_on: IsoDate | None = Field(None, description="Only mandates in effect on this day")
    ordering: Literal["student", "-student", "start_date", "-start_date", "service", "-service"] = "student"


ORDERINGS = {
    "student": ["student__last_name_key", "student__first_name_key", "student__osis", "service", "start_date"],
    "start_date": ["start_date", "mandate_id"],
    "service": ["service", "student__osis", "start_date"],
}


@mandates_router.get(
    "",
    response=responses({200: MandatePage}),
    auth=auth("students:read"),
    summary="Mandates",
    operation_id="listMandates",
)
def list_mandates(request: HttpRequest, filters: Query[MandateSearch]) -> dict[str, Any]:
    """The IEP mandates of the students in your scope."""
    mandates = Mandate.objects.filter(student__in=Scope.of(actor(request)).students()).select_related("student")
    if filters.student:
        mandates = mandates.filter(student__osis=filters.student)
    if filters.school:
        mandates = mandates.filter(student__school__dbn=filters.school.strip().upper())
    if filters.service:
        mandates = mandates.filter(service=filters.service)
    if filters.active_on:
        mandates = mandates.active_on(filters.active_on)
    order = ORDERINGS[filters.ordering.removeprefix("-")]
    if filters.ordering.startswith("-"):
        order = [f"-{name}" for name in order]
    return page(mandates.order_by(*order, "id"), filters)
