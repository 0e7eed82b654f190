from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sesis.core.errors import ActionRefused
from sesis.core.http import AuthedRequest, administration_required, form_data, paginate, query_without_page
from sesis.people.access import staff_for_user, visible_staff
from sesis.people.actions import staff_set_password
from sesis.people.forms import ChangePasswordForm, PasswordForm, StaffQuickSearchForm


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


@require_http_methods(["GET", "POST"])
def change_password(request: AuthedRequest) -> HttpResponse:
    """Change my password (from My profile). This session stays signed in; any other
    session of mine ends."""
    form = ChangePasswordForm(form_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            staff_set_password(actor=request.user, staff=request.user, password=form.cleaned_data["password"])
        except ActionRefused as refused:
            form.add_error("password", refused.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "Your password is changed.")
            return redirect("profile")
    return render(request, "people/password.html", {"form": form, "staff": request.user, "own": True})


@require_http_methods(["GET", "POST"])
@administration_required
def staff_password(request: AuthedRequest, staff_id: str) -> HttpResponse:
    """An administrator sets a staff member's password: an imported one who has none,
    or one who forgot theirs. Their other sessions end."""
    if not request.user.is_administrator:
        raise Http404("No such page.")
    staff = staff_for_user(request.user, staff_id)
    form = PasswordForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            staff_set_password(actor=request.user, staff=staff, password=form.cleaned_data["password"])
        except ActionRefused as refused:
            form.add_error("password", refused.message)
        else:
            messages.success(request, f"The password of {staff.full_name} is set. Tell them in person or by telephone.")
            return redirect("staff_detail", staff_id=staff.staff_id)
    return render(request, "people/password.html", {"form": form, "staff": staff, "own": False})
