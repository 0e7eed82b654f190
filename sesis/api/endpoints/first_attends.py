"""First attends: an outside IVR reports them; providers and supervisors read what
became of them. Received through the same action as the telephone and the feed."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer

from sesis.access.scope import Scope
from sesis.api.auth import actor, auth
from sesis.api.errors import ApiError, responses
from sesis.api.paging import PageQuery, page, page_of
from sesis.api.schemas import FirstAttendOut
from sesis.api.types import IsoDate
from sesis.ivr.access import visible_first_attends
from sesis.ivr.actions import first_attend_receive
from sesis.ivr.models import Source, Status
from sesis.lib.codes import ServiceType

router = Router()

FirstAttendPage = page_of(FirstAttendOut, "FirstAttendPage")


class FirstAttendIn(Schema):
    call_id: str = Field(..., min_length=1, max_length=80, description="The sender's own id: sending it again is safe")
    staff_id: str = Field(..., min_length=1, max_length=20)
    osis: str = Field(..., min_length=1, max_length=9)
    service: ServiceType
    first_attend_date: IsoDate


@router.post(
    "",
    response=responses({200: FirstAttendOut, 201: FirstAttendOut}),
    auth=auth("first_attends:write"),
    summary="Report a first attend",
    operation_id="reportFirstAttend",
)
def report_first_attend(request: HttpRequest, payload: FirstAttendIn) -> Answer[Any]:
    """Kept as received, then processed at once: the student is added to the
    provider's caseload when the rules allow, or the first attend is refused with the
    reason. The same call_id again returns the first one (200) and changes nothing.
    A provider reports for themself; a supervisor for providers in scope; an
    administrator (or a service token) for anyone."""
    user = actor(request)
    staff_id = payload.staff_id.strip()
    if not Scope.of(user).staff().filter(staff_id=staff_id).exists():
        raise ApiError(422, "refused", f"No staff member with staff ID {staff_id} is in your scope.", field="staff_id")
    received = first_attend_receive(
        staff_id=staff_id,
        osis=payload.osis.strip(),
        service=payload.service.value,
        first_attend_date=payload.first_attend_date,
        call_id=payload.call_id.strip(),
        source=Source.FEED,
    )
    return Answer(201 if received.created else 200, received.first_attend)


class FirstAttendSearch(PageQuery):
    status: Status | None = None
    staff_id: str | None = Field(None, max_length=20)
    osis: str | None = Field(None, max_length=9)


@router.get(
    "",
    response=responses({200: FirstAttendPage}),
    auth=auth("first_attends:read"),
    summary="First attends",
    operation_id="listFirstAttends",
)
def list_first_attends(request: HttpRequest, filters: Query[FirstAttendSearch]) -> dict[str, Any]:
    """Your first attends (a provider), or those of the providers in your scope, newest first."""
    first_attends = visible_first_attends(actor(request))
    if filters.status:
        first_attends = first_attends.filter(status=filters.status)
    if filters.staff_id:
        first_attends = first_attends.filter(staff_id=filters.staff_id.strip())
    if filters.osis:
        first_attends = first_attends.filter(osis=filters.osis.strip())
    return page(first_attends, filters)
