from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sesis.access.http import AuthedRequest, administrator_required
from sesis.lib.errors import ActionRefused
from sesis.lib.http import form_data, paginate
from sesis.schoolcalendar.actions import calendar_day_add, calendar_day_remove
from sesis.schoolcalendar.forms import CalendarDayForm
from sesis.schoolcalendar.models import CalendarDay


def _school_year(today: dt.date) -> tuple[dt.date, dt.date]:
    start = dt.date(today.year if today.month >= 7 else today.year - 1, 7, 1)
    return start, dt.date(start.year + 1, 6, 30)


@require_http_methods(["GET", "POST"])
@administrator_required
def calendar_admin(request: AuthedRequest) -> HttpResponse:
    """The school calendar of a school year (July to June), and a form to add a day."""
    current = _school_year(timezone.localdate())[0].year
    requested = request.GET.get("year", "")
    year = int(requested) if requested.isdigit() and 1900 <= int(requested) <= 2999 else current
    start, end = dt.date(year, 7, 1), dt.date(year + 1, 6, 30)
    form = CalendarDayForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            day = calendar_day_add(actor=request.user, **form.action_kwargs())
        except ActionRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, f"Added: {day}.")
            return redirect(f"{request.path}?year={year}")
    days = CalendarDay.objects.filter(date__range=(start, end)).select_related("school").order_by("date", "school__dbn")
    context = {
        "form": form,
        "page": paginate(request, days),
        "year": year,
        "start": start,
        "end": end,
        "query": f"year={year}",
        "current": "calendar",
    }
    return render(request, "schoolcalendar/admin.html", context)


@require_POST
@administrator_required
def remove_calendar_day(request: AuthedRequest, pk: int) -> HttpResponse:
    day = CalendarDay.objects.filter(pk=pk).first()
    if day is None:
        raise Http404("No such calendar day.")
    try:
        calendar_day_remove(actor=request.user, day=day)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Removed: {day}.")
    return redirect(reverse("calendar_admin") + f"?year={_school_year(day.date)[0].year}")
