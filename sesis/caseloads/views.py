"""The caseload pages. The same three views serve a supervisor working on a provider
(under /administration/staff/<staff_id>/) and a provider working on their own
caseload (under /caseload/)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from sesis.access.http import AuthedRequest
from sesis.caseloads.actions import Outcome, caseload_add, caseload_remove, caseload_transfer
from sesis.caseloads.forms import RemoveFromCaseloadForm
from sesis.caseloads.models import CaseloadEntry
from sesis.caseloads.queries import active_caseload, caseload_history, removal_notes
from sesis.lib.errors import ActionRefused
from sesis.lib.http import form_data, paginate, query_without_page
from sesis.people.models import Role, Staff
from sesis.students.forms import StudentQuickSearchForm


def _provider(request: AuthedRequest, staff_id: str | None) -> Staff:
    return request.scope.provider(staff_id)


def _urls(provider: Staff, own: bool) -> dict[str, str]:
    if own:
        return {"caseload_url": reverse("my_caseload"), "add_url": reverse("my_caseload_add")}
    args = [provider.staff_id]
    return {
        "caseload_url": reverse("staff_caseload", args=args),
        "add_url": reverse("staff_caseload_add", args=args),
        "profile_url": reverse("staff_detail", args=args),
    }


def caseload(request: AuthedRequest, staff_id: str | None = None) -> HttpResponse:
    provider = _provider(request, staff_id)
    context = {
        "provider": provider,
        "own": staff_id is None,
        "entries": active_caseload(provider),
        "history": caseload_history(provider)[:50],
        **_urls(provider, staff_id is None),
    }
    return render(request, "caseloads/caseload.html", context)


@require_http_methods(["GET", "POST"])
def add_to_caseload(request: AuthedRequest, staff_id: str | None = None) -> HttpResponse:
    """Student Quick Search with a checkbox per result, and the green button that adds
    the marked students. Results are the students the user may see."""
    provider = _provider(request, staff_id)
    if request.method == "POST":
        marked = request.POST.getlist("osis")
        _add_marked(request, provider, marked)
        back = request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts=None):  # a path on this site only
            return redirect(back)
        return redirect(request.get_full_path())
    form = StudentQuickSearchForm(request.GET or None)
    page = None
    on_caseload: set[int] = set()
    if form.is_bound and form.is_valid():
        page = paginate(request, form.filter(request.scope.students()))
        on_caseload = set(
            active_caseload(provider).filter(student__in=[s.pk for s in page]).values_list("student_id", flat=True)
        )
    context = {
        "provider": provider,
        "own": staff_id is None,
        "form": form,
        "page": page,
        "rows": [(student, student.pk in on_caseload) for student in page] if page else [],
        "query": query_without_page(request),
        **_urls(provider, staff_id is None),
    }
    return render(request, "caseloads/add.html", context)


def _add_marked(request: AuthedRequest, provider: Staff, marked: list[str]) -> None:
    if not marked:
        messages.warning(request, "No students were marked. Check the box next to each student to add.")
        return
    marked = marked[:200]
    wellformed = [osis for osis in marked if len(osis) == 9 and osis.isascii() and osis.isdigit()]
    for osis in sorted(set(marked) - set(wellformed)):
        messages.error(request, f"Not added: {osis[:20]!r} is not an OSIS ID (9 digits).")
    students = list(request.scope.students().filter(osis__in=wellformed))
    for osis in sorted(set(wellformed) - {s.osis for s in students}):
        # The same words whether the student does not exist or is outside the user's scope.
        messages.error(request, f"Not added: OSIS ID {osis} was not found among the students you can see.")
    for result in caseload_add(actor=request.user, provider=provider, students=students):
        name = f"{result.student.full_name} ({result.student.osis})"
        if result.outcome is Outcome.ADDED:
            messages.success(request, f"Added to the caseload: {name}.")
        elif result.outcome is Outcome.ALREADY:
            messages.info(request, f"Already on the caseload: {name}.")
        else:
            messages.error(request, f"Not added: {name}. {result.reason}.")


@require_POST
def transfer_caseload(request: AuthedRequest, staff_id: str) -> HttpResponse:
    """Move the marked students to another provider (Administration → Staff → Caseload)."""
    provider = _provider(request, staff_id)
    back = _urls(provider, own=False)["caseload_url"]
    ids = [int(value) for value in request.POST.getlist("entry") if value.isdigit()]
    entries = list(active_caseload(provider).filter(pk__in=ids))
    target_id = request.POST.get("target", "").strip()
    if not entries:
        messages.warning(request, "No students were marked. Check the box next to each student to transfer.")
        return redirect(back)
    target = request.scope.staff().filter(staff_id=target_id, role=Role.PROVIDER).first() if target_id else None
    if target is None:
        messages.error(
            request, f"Not transferred: no provider with staff ID {target_id[:20] or '(blank)'} is in your scope."
        )
        return redirect(back)
    for result in caseload_transfer(actor=request.user, entries=entries, target=target):
        name = f"{result.student.full_name} ({result.student.osis})"
        if result.moved:
            messages.success(request, f"Transferred to {target.full_name}: {name}.")
        else:
            messages.error(request, f"Not transferred: {name}. {result.reason.rstrip('.')}.")
    return redirect(back)


@require_http_methods(["GET", "POST"])
def remove_from_caseload(request: AuthedRequest, entry_id: int, staff_id: str | None = None) -> HttpResponse:
    provider = _provider(request, staff_id)
    entry = CaseloadEntry.objects.active().filter(provider=provider, pk=entry_id).select_related("student").first()
    if entry is None:
        raise Http404("No such caseload entry.")
    form = RemoveFromCaseloadForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            caseload_remove(actor=request.user, entry=entry, reason=form.reason_text())
        except ActionRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, f"Removed from the caseload: {entry.student.full_name} ({entry.student.osis}).")
            return redirect(_urls(provider, staff_id is None)["caseload_url"])
    context = {
        "provider": provider,
        "own": staff_id is None,
        "entry": entry,
        "form": form,
        "notes": removal_notes(entry),
        **_urls(provider, staff_id is None),
    }
    return render(request, "caseloads/remove.html", context)
