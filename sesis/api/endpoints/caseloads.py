"""Caseloads: list a provider's students, add several (each with its own outcome),
remove one with a reason. The same actions and messages as the caseload pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from sesis.access.scope import Scope
from sesis.api.auth import actor, auth
from sesis.api.endpoints.common import ENTRY_ID, STAFF_ID, checked, provider_named
from sesis.api.errors import responses
from sesis.api.idempotency import IDEMPOTENCY_KEY, idempotent
from sesis.api.paging import PageQuery, page, page_of
from sesis.api.schemas import AddResultsOut, CaseloadEntryOut
from sesis.caseloads.actions import Outcome, caseload_add, caseload_remove
from sesis.caseloads.forms import RemoveFromCaseloadForm
from sesis.caseloads.models import CaseloadEntry
from sesis.caseloads.queries import active_caseload

router = Router()

EntryPage = page_of(CaseloadEntryOut, "CaseloadEntryPage")
MAX_STUDENTS = 200
NOT_FOUND = "Not added: OSIS ID {osis} was not found among the students you can see."


@router.get(
    "/{staff_id}/entries",
    response=responses({200: EntryPage}),
    auth=auth("caseloads:read"),
    summary="A caseload",
    operation_id="listCaseloadEntries",
)
def list_entries(request: HttpRequest, paging: Query[PageQuery], staff_id: str = STAFF_ID) -> dict[str, Any]:
    """The students on a provider's caseload: yours, or a provider's in your scope."""
    provider = provider_named(actor(request), staff_id)
    return page(active_caseload(provider).select_related("provider", "ended_by"), paging)


class AddIn(Schema):
    students: list[str] = Field(..., min_length=1, max_length=MAX_STUDENTS, description="OSIS IDs")


@router.post(
    "/{staff_id}/entries",
    response=responses({200: AddResultsOut}),
    auth=auth("caseloads:write"),
    summary="Add students to a caseload",
    operation_id="addCaseloadEntries",
)
def add_entries(
    request: HttpRequest, payload: AddIn, staff_id: str = STAFF_ID, key: str | None = IDEMPOTENCY_KEY
) -> HttpResponse:
    """Each student is decided on its own: added, already on the caseload, refused
    (with the reason), or not found among the students you can see. Accepts an
    Idempotency-Key."""
    user = actor(request)
    provider = provider_named(user, staff_id)

    def work() -> tuple[int, dict[str, Any]]:
        wanted = list(dict.fromkeys(osis.strip() for osis in payload.students))
        students = {s.osis: s for s in Scope.of(user).students().filter(osis__in=wanted).select_related("school")}
        results: dict[str, dict[str, Any]] = {
            osis: {"student": osis, "outcome": "not_found", "message": NOT_FOUND.format(osis=osis), "entry": None}
            for osis in wanted
            if osis not in students
        }
        for result in caseload_add(actor=user, provider=provider, students=list(students.values())):
            entry = (
                CaseloadEntry.objects.select_related("student__school", "provider", "added_by", "ended_by").get(
                    pk=result.entry.pk
                )
                if result.entry
                else None
            )
            outcome = {Outcome.ADDED: "added", Outcome.ALREADY: "already"}.get(result.outcome, "refused")
            name = f"{result.student.full_name} ({result.student.osis})"
            message = {"added": f"Added to the caseload: {name}.", "already": f"Already on the caseload: {name}."}.get(
                outcome, f"Not added: {name}. {result.reason}."
            )
            results[result.student.osis] = {
                "student": result.student.osis,
                "outcome": outcome,
                "message": message,
                "entry": CaseloadEntryOut.from_orm(entry).model_dump(mode="json") if entry else None,
            }
        ordered = [results[osis] for osis in wanted]
        return 200, {"added": sum(1 for r in ordered if r["outcome"] == "added"), "results": ordered}

    return idempotent(request, user, work)


class RemoveIn(Schema):
    reason: str = Field(..., max_length=100, description="One of the reasons the web page lists")
    details: str = Field("", max_length=250, description="Required when the reason is Other")


@router.post(
    "/{staff_id}/entries/{entry_id}/remove",
    response=responses({200: CaseloadEntryOut}),
    auth=auth("caseloads:write"),
    summary="Remove a student from a caseload",
    operation_id="removeCaseloadEntry",
)
def remove_entry(
    request: HttpRequest,
    payload: RemoveIn,
    staff_id: str = STAFF_ID,
    entry_id: int = ENTRY_ID,
    key: str | None = IDEMPOTENCY_KEY,
) -> HttpResponse:
    """Take a student off the caseload; the entry is kept as history with who, when
    and why. Accepts an Idempotency-Key."""
    user = actor(request)
    provider = provider_named(user, staff_id)
    entry = CaseloadEntry.objects.active().filter(provider=provider, pk=entry_id).select_related("student").first()

    def work() -> tuple[int, dict[str, Any]]:
        if entry is None:
            raise Http404("No such caseload entry.")
        form = RemoveFromCaseloadForm({"reason": payload.reason, "details": payload.details})
        checked(form)
        ended = caseload_remove(actor=user, entry=entry, reason=form.reason_text())
        ended = CaseloadEntry.objects.select_related("student__school", "provider", "added_by", "ended_by").get(
            pk=ended.pk
        )
        return 200, CaseloadEntryOut.from_orm(ended).model_dump(mode="json")

    return idempotent(request, user, work)
