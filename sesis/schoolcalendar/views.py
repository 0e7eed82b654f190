from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sesis.access.http import AuthedRequest, administrator_required
from sesis.lib.errors import ActionRefused
from sesis.lib.http import form_data
from sesis.schoolcalendar.actions import (
    NeedsConfirmation,
    calendar_day_remove,
    calendar_range_add,
    calendar_range_change,
    range_of,
)
from sesis.schoolcalendar.forms import CalendarRangeForm
from sesis.schoolcalendar.models import CalendarDay

PAGE_SIZE = 25


def _school_year(today: dt.date) -> tuple[dt.date, dt.date]:
    start = dt.date(today.year if today.month >= 7 else today.year - 1, 7, 1)
    return start, dt.date(start.year + 1, 6, 30)


@dataclass
class Entry:
    """One line of the calendar: a day, or the days added together as a range."""

    days: list[CalendarDay]

    @property
    def first(self) -> CalendarDay:
        return self.days[0]

    @property
    def last(self) -> CalendarDay:
        return self.days[-1]


def _entries(days: list[CalendarDay]) -> list[Entry]:
    entries: dict[Any, Entry] = {}
    for day in days:
        key = day.range_id or ("day", day.pk)
        entries.setdefault(key, Entry([])).days.append(day)
    return list(entries.values())


def _describe(days: list[CalendarDay]) -> str:
    first, last = days[0], days[-1]
    if len(days) == 1:
        return str(first)
    where = first.school.dbn if first.school else f"district {first.district}" if first.district else "citywide"
    return f"{first.get_kind_display()} ({where}), {first.date} to {last.date}: {len(days)} days"


def _listed(data: Any) -> str:
    """The days a confirmation was asked for: a confirmation holds for those alone (an
    administrator who then changes the dates or the place is asked again)."""
    return "|".join(str(data.get(name, "")).strip().upper() for name in CONFIRMED_FOR)


CONFIRMED_FOR = ("start_date", "end_date", "kind", "school", "district")


def _save(request: AuthedRequest, form: CalendarRangeForm, day: CalendarDay | None) -> tuple[Any, Any]:
    """Run the add or the change; (days, None) or (None, the records to confirm)."""
    kwargs = form.action_kwargs()
    kwargs["confirmed"] = kwargs["confirmed"] and request.POST.get("confirming") == _listed(request.POST)
    try:
        if day is None:
            return calendar_range_add(actor=request.user, **kwargs), None
        return calendar_range_change(actor=request.user, day=day, **kwargs), None
    except NeedsConfirmation as needs:
        needs.listed = _listed(request.POST)
        form.add_error("confirm", needs.message)
        return None, needs
    except ActionRefused as refused:
        form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        return None, None


def _confirming(request: AuthedRequest) -> bool:
    return request.method == "POST" and request.POST.get("confirming") == _listed(request.POST)


@require_http_methods(["GET", "POST"])
@administrator_required
def calendar_admin(request: AuthedRequest) -> HttpResponse:
    """The school calendar of a school year (July to June), and a form to add a day or
    a range of days."""
    current = _school_year(timezone.localdate())[0].year
    requested = request.GET.get("year", "")
    year = int(requested) if requested.isdigit() and 1900 <= int(requested) <= 2999 else current
    start, end = dt.date(year, 7, 1), dt.date(year + 1, 6, 30)
    form = CalendarRangeForm(form_data(request), confirming=_confirming(request))
    needs = None
    if request.method == "POST" and form.is_valid():
        days, needs = _save(request, form, None)
        if days:
            messages.success(request, f"Added: {_describe(days)}.")
            return redirect(f"{request.path}?year={year}")
        if needs:
            form = CalendarRangeForm(request.POST, confirming=True)
            form.is_valid()
            form.add_error("confirm", needs.message)
    days = list(
        CalendarDay.objects.filter(date__range=(start, end)).select_related("school").order_by("date", "school__dbn")
    )
    context = {
        "form": form,
        "needs": needs,
        "page": Paginator(_entries(days), PAGE_SIZE).get_page(request.GET.get("page")),
        "year": year,
        "start": start,
        "end": end,
        "query": f"year={year}",
        "current": "calendar",
    }
    return render(request, "schoolcalendar/admin.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@administrator_required
def calendar_range_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a day or a range: dates, kind, where, description."""
    day = CalendarDay.objects.filter(pk=pk).select_related("school").first()
    if day is None:
        raise Http404("No such calendar day.")
    days = range_of(day)
    initial = {
        "start_date": days[0].date,
        "end_date": days[-1].date if len(days) > 1 else None,
        "kind": day.kind,
        "school": day.school.dbn if day.school else "",
        "district": day.district,
        "description": day.description,
    }
    form = CalendarRangeForm(form_data(request), initial=initial, confirming=_confirming(request))
    needs = None
    if request.method == "POST" and form.is_valid():
        changed, needs = _save(request, form, day)
        if changed:
            messages.success(request, f"Changed: {_describe(changed)}.")
            return redirect(reverse("calendar_admin") + f"?year={_school_year(changed[0].date)[0].year}")
        if needs:
            form = CalendarRangeForm(request.POST, confirming=True)
            form.is_valid()
            form.add_error("confirm", needs.message)
    context = {"form": form, "needs": needs, "entry": Entry(days), "current": "calendar"}
    return render(request, "schoolcalendar/edit.html", context, status=400 if form.errors else 200)


@require_POST
@administrator_required
def remove_calendar_day(request: AuthedRequest, pk: int) -> HttpResponse:
    day = CalendarDay.objects.filter(pk=pk).select_related("school").first()
    if day is None:
        raise Http404("No such calendar day.")
    try:
        removed = calendar_day_remove(actor=request.user, day=day)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Removed: {_describe(removed)}.")
    return redirect(reverse("calendar_admin") + f"?year={_school_year(day.date)[0].year}")
