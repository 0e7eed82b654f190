from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sesis.access.http import AuthedRequest
from sesis.audit.reads import replica_reads_for
from sesis.caseloads.queries import active_caseload, may_serve_not_on_caseload
from sesis.lib.errors import ActionRefused
from sesis.lib.http import form_data
from sesis.lib.replica import replica_configured, replica_health
from sesis.people.actions import staff_set_password, staff_set_pin, staff_set_reminders
from sesis.people.forms import ChangePasswordForm, PinForm
from sesis.reports.compliance import still_to_deliver
from sesis.schedules.views import day_context, day_forms
from sesis.services.access import needs_signature
from sesis.services.medicaid import unclaimable_this_month
from sesis.site.dashboard import supervisor_dashboard
from sesis.students.forms import StudentQuickSearchForm

logger = logging.getLogger(__name__)

SIGNATURE_LIST_LIMIT = 100  # the oldest first; the count says how many more


def home(request: AuthedRequest) -> HttpResponse:
    """The SESIS homepage. Everyone's starts with the records that need their signature
    (certified together, with one statement). A provider's shows today's scheduled
    sessions, ready to record in one pass, the sessions still owed this week, and ends
    with the My Student Caseload area. A supervisor's is their dashboard."""
    user = request.user
    today = timezone.localdate()
    unsigned = needs_signature(user)
    context: dict[str, object] = {
        "unsigned": [(record, (today - record.date).days) for record in unsigned[:SIGNATURE_LIST_LIMIT]],
        "unsigned_count": unsigned.count(),
    }
    if request.scope.supervises:
        with replica_reads_for(user.pk):  # the dashboard's counts are reports
            context["dashboard"] = supervisor_dashboard(user, today)
    if user.is_provider:
        context |= day_context(request, today, day_forms(request, today))
        context |= {
            "caseload": active_caseload(user)[:10],
            "caseload_count": active_caseload(user).count(),
            "search_form": StudentQuickSearchForm(),
            "owed": still_to_deliver(user, today),
            "unclaimable": unclaimable_this_month(user, today),
        }
        context["may_serve"], context["may_serve_count"] = may_serve_not_on_caseload(user, today)
    return render(request, "site/home.html", context)


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> JsonResponse:
    """A load balancer's health check: anonymous, touches no session, shows no one.
    200 when this app server can run a query on its database, else 503 (the balancer
    then sends traffic elsewhere). Not in the disclosure log: it discloses nothing."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            (one,) = cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: the database did not answer")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if one != 1:
        return JsonResponse({"status": "unavailable", "database": "wrong answer"}, status=503)
    answer = {"status": "ok", "database": "ok"}
    if replica_configured():  # its reads go to the primary while it lags or is down: still 200
        answer["replica"] = replica_health().state
    return JsonResponse(answer)


def ping(request: AuthedRequest) -> JsonResponse:
    """A signed-in page that does one query of its own: a monitor's check (signed in as
    a monitoring account) that an app server reaches the database, and the benchmark's
    floor (bench/README.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return JsonResponse({"ok": one == 1, "staff_id": request.user.staff_id})


@require_http_methods(["GET", "POST"])
def profile(request: AuthedRequest) -> HttpResponse:
    """My profile, with the telephone PIN for reporting first attends."""
    form = PinForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            staff_set_pin(actor=request.user, staff=request.user, pin=form.cleaned_data["pin"])
        except ActionRefused as refused:
            form.add_error("pin", refused.message)
        else:
            messages.success(request, "Your telephone PIN is set.")
            return redirect("profile")
    return render(request, "site/profile.html", {"form": form, "reminder_days": settings.SESIS_REMINDER_SCHOOL_DAYS})


@require_POST
def profile_reminders(request: AuthedRequest) -> HttpResponse:
    """Turn my reminder emails on or off (My profile)."""
    on = request.POST.get("email_reminders") == "on"
    staff_set_reminders(actor=request.user, staff=request.user, on=on)
    messages.success(request, "Email reminders are on." if on else "Email reminders are off.")
    return redirect("profile")


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
