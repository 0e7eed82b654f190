from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sesis.core.http import AuthedRequest, administration_required, paginate, query_without_page
from sesis.people.access import staff_for_user, visible_staff
from sesis.people.forms import StaffQuickSearchForm


@administration_required
def administration(request: AuthedRequest) -> HttpResponse:
    return render(request, "people/administration.html")


@administration_required
def staff_search(request: AuthedRequest) -> HttpResponse:
    """Staff Quick Search and its results, each with the magnifying-glass link."""
    form = StaffQuickSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        page = paginate(request, form.filter(visible_staff(request.user)))
    return render(
        request, "people/staff_search.html", {"form": form, "page": page, "query": query_without_page(request)}
    )


@administration_required
def staff_detail(request: AuthedRequest, staff_id: str) -> HttpResponse:
    staff = staff_for_user(request.user, staff_id)
    assignments = (
        staff.assignments.active_on(timezone.localdate())
        .select_related("school", "student")
        .order_by("kind", "start_date")
    )
    return render(request, "people/staff_detail.html", {"staff": staff, "assignments": assignments})
