from __future__ import annotations

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from sesis.caseloads.queries import active_caseload
from sesis.core.http import AuthedRequest
from sesis.reports.compliance import still_to_deliver
from sesis.schedules.views import day_context, day_forms
from sesis.students.forms import StudentQuickSearchForm


def home(request: AuthedRequest) -> HttpResponse:
    """The SESIS homepage. A provider's shows today's scheduled sessions, ready to record
    in one pass, the sessions still owed this week, and ends with the My Student
    Caseload area."""
    user = request.user
    context: dict[str, object] = {}
    if user.is_provider:
        today = timezone.localdate()
        context = day_context(request, today, day_forms(request, today))
        context |= {"caseload": active_caseload(user)[:10], "caseload_count": active_caseload(user).count(),
                   "search_form": StudentQuickSearchForm(),
                   "owed": still_to_deliver(user, today)}  # fmt: skip
    return render(request, "core/home.html", context)


def ping(request: AuthedRequest) -> JsonResponse:
    """A signed-in page that does one query of its own: a monitor's check (signed in as
    a monitoring account) that an app server reaches the database, and the benchmark's
    floor (bench/README.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return JsonResponse({"ok": one == 1, "staff_id": request.user.staff_id})
