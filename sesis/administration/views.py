"""The Administration pages: Staff Quick Search and a staff member's page (the first
guide's way to a provider's caseload), passwords, and the record of access (FERPA 34
CFR 99.32, IDEA 34 CFR 300.614: for one student, who saw or exported their records,
when and how, and every change made to them; for administrators, the district's
custodians of the records)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sesis.access.http import AuthedRequest, administration_required, administrator_required
from sesis.administration.forms import AccessLookupForm, StaffQuickSearchForm
from sesis.audit.models import AuditEvent, Disclosure
from sesis.lib.errors import ActionRefused
from sesis.lib.http import form_data, paginate, query_without_page
from sesis.medicaid.models import Credential
from sesis.people.actions import staff_set_password
from sesis.people.forms import PasswordForm
from sesis.students.models import Student


@administration_required
def administration(request: AuthedRequest) -> HttpResponse:
    return render(request, "people/administration.html")


@administration_required
def staff_search(request: AuthedRequest) -> HttpResponse:
    """Staff Quick Search and its results, each with the magnifying-glass link."""
    form = StaffQuickSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        page = paginate(request, form.filter(request.scope.staff_listed()))
    return render(
        request, "people/staff_search.html", {"form": form, "page": page, "query": query_without_page(request)}
    )


@administration_required
def staff_detail(request: AuthedRequest, staff_id: str) -> HttpResponse:
    staff = request.scope.staff_member(staff_id)
    assignments = (
        staff.assignments.active_on(timezone.localdate())
        .select_related("school", "student")
        .order_by("kind", "start_date")
    )
    credential = None
    if request.user.is_administrator:
        credential = Credential.objects.filter(staff=staff).select_related("supervisor").first()
    context = {"staff": staff, "assignments": assignments, "credential": credential}
    return render(request, "people/staff_detail.html", context)


@require_http_methods(["GET", "POST"])
@administrator_required
def staff_password(request: AuthedRequest, staff_id: str) -> HttpResponse:
    """An administrator sets a staff member's password: an imported one who has none,
    or one who forgot theirs. Their other sessions end."""
    staff = request.scope.staff_member(staff_id)
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


PAGE_SIZE = 50


@administrator_required
def access_lookup(request: AuthedRequest) -> HttpResponse:
    form = AccessLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("student_access", osis=form.cleaned_data["osis"])
    return render(request, "audit/access_lookup.html", {"form": form, "current": "access"})


@administrator_required
def student_access(request: AuthedRequest, osis: str) -> HttpResponse:
    student = Student.objects.filter(osis=osis).select_related("school").first()
    if student is None:
        raise Http404("No such student.")
    disclosures = Disclosure.objects.filter(students__student=student).select_related("actor").order_by("-at", "-id")
    changes = AuditEvent.objects.filter(student=student).select_related("actor").order_by("-at", "-id")
    context = {
        "student": student,
        "disclosures": Paginator(disclosures, PAGE_SIZE).get_page(request.GET.get("page")),
        "changes": Paginator(changes, PAGE_SIZE).get_page(request.GET.get("changes_page")),
        "current": "access",
    }
    return render(request, "audit/student_access.html", context)
