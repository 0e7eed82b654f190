"""Staff (quick search, detail) and the caller themself."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router

from sesis.access.scope import Scope
from sesis.administration.forms import StaffQuickSearchForm
from sesis.api.auth import actor, auth
from sesis.api.endpoints.common import STAFF_ID, checked, form_values
from sesis.api.errors import responses
from sesis.api.models import SCOPES, ApiToken, TokenKind
from sesis.api.paging import PageQuery, page, page_of
from sesis.api.schemas import MeOut, StaffDetailOut, StaffOut
from sesis.lib.codes import ServiceType
from sesis.people.models import ProviderType, Staff

router = Router()

StaffPage = page_of(StaffOut, "StaffPage")


class StaffSearch(PageQuery):
    name: str | None = Field(None, max_length=100, description="Last or first name, from the start")
    staff_id: str | None = Field(None, max_length=20)
    provider_type: ProviderType | None = None
    discipline: ServiceType | None = None
    school: str | None = Field(None, max_length=6, description="DBN of a school assignment")
    agency: str | None = Field(None, max_length=200)


@router.get(
    "",
    response=responses({200: StaffPage}),
    auth=auth("staff:read"),
    summary="Staff Quick Search",
    operation_id="listStaff",
)
def search_staff(request: HttpRequest, filters: Query[StaffSearch]) -> dict[str, Any]:
    """Staff in your scope (a provider sees only themself); no filter lists them all."""
    form = StaffQuickSearchForm(form_values(filters))
    checked(form)
    return page(form.filter(Scope.of(actor(request)).staff()), filters)


@router.get(
    "/me", response=responses({200: MeOut}), auth=auth("staff:read"), summary="Who am I", operation_id="getCurrentStaff"
)
def me(request: HttpRequest) -> dict[str, Any]:
    """The staff member the token or session acts as, and what it may do."""
    token: ApiToken | None = getattr(request, "api_token", None)
    scopes = sorted(SCOPES) if token is None or token.kind == TokenKind.PERSONAL else sorted(token.scopes)
    return {"staff": actor(request), "token": token, "scopes": scopes}


@router.get(
    "/{staff_id}",
    response=responses({200: StaffDetailOut}),
    auth=auth("staff:read"),
    summary="A staff member",
    operation_id="getStaff",
)
def get_staff(request: HttpRequest, staff_id: str = STAFF_ID) -> Staff:
    """A staff member with their current assignments. Outside your scope is a 404."""
    return Scope.of(actor(request)).staff_member(staff_id)
