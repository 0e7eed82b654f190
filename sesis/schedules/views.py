"""My Schedule (a provider's week of recurring sessions, held against the mandates)
and the day's recording from it, which the homepage shows for today."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sesis.access.http import AuthedRequest
from sesis.caseloads.queries import active_caseload
from sesis.lib.errors import ActionRefused
from sesis.lib.http import form_data
from sesis.people.models import Staff
from sesis.schedules import actions
from sesis.schedules.access import slot_for_user
from sesis.schedules.coverage import schedule_coverage
from sesis.schedules.forms import DAY_SESSION_TYPE_HELP, ScheduleSlotForm, SessionOutcomeForm
from sesis.schedules.occurrences import occurrences_on, slots_of
from sesis.services.access import needs_signature
from sesis.services.forms import location_for
from sesis.services.medicaid import medicaid_notice
from sesis.services.models import ServiceRecord
from sesis.services.rules import entry_window_start
from sesis.students.templatetags.students import mark_students


def my_schedule(request: AuthedRequest) -> HttpResponse:
    provider = request.scope.provider(None)
    today = timezone.localdate()
    slots, coverage = list(slots_of(provider)), schedule_coverage(provider, today)
    # Two students of one name are told apart by their school, in both tables.
    mark_students([*(m.student for slot in slots for m in slot.members.all()), *(line.student for line in coverage)])
    context = {"slots": slots, "coverage": coverage, "today": today}
    return render(request, "schedules/schedule.html", context)


def _slot_form(request: AuthedRequest, initial: dict[str, object] | None = None) -> ScheduleSlotForm:
    provider = request.scope.provider(None)
    entries = list(active_caseload(provider))
    return ScheduleSlotForm(
        form_data(request), entries=entries, services=sorted(provider.discipline_codes()), initial=initial
    )


def _prefill(request: AuthedRequest) -> dict[str, object]:
    """From the Services Calendar's Schedule Future Services: the student, their
    mandate's service and place, and the times of their last session."""
    provider = request.user
    entry = active_caseload(provider).filter(student__osis=request.GET.get("student", "")).first()
    if entry is None:
        return {}
    initial: dict[str, object] = {"students": [entry.student.osis]}
    mandate = next((m for m in entry.mandates.all() if m.service in provider.discipline_codes()), None)
    if mandate is not None:
        initial |= {"service": mandate.service, "location": location_for(mandate)}
    last = ServiceRecord.objects.filter(provider=provider, student=entry.student).order_by("-date", "-start_time")
    if (record := last.first()) is not None:
        initial |= {
            "start_time": record.start_time,
            "end_time": record.end_time,
            "weekdays": [record.date.isoweekday()],
        }
    return initial


@require_http_methods(["GET", "POST"])
def slot_add(request: AuthedRequest) -> HttpResponse:
    form = _slot_form(request, _prefill(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.schedule_slot_create(actor=request.user, provider=request.user, data=form.to_input())
        except actions.SlotRefused as refused:
            _show(form, refused)
        else:
            messages.success(request, "The session was added to your schedule.")
            return redirect("my_schedule")
    return render(request, "schedules/slot_form.html", {"form": form, "slot": None})


@require_http_methods(["GET", "POST"])
def slot_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    slot = slot_for_user(request.user, pk)
    initial = {
        "service": slot.service,
        "students": [m.student.osis for m in slot.members.all()],
        "weekdays": slot.days,
        "start_time": slot.start_time,
        "end_time": slot.end_time,
        "location": slot.location,
        "description": slot.description,
    }
    form = _slot_form(request, initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.schedule_slot_update(actor=request.user, slot=slot, data=form.to_input())
        except actions.SlotRefused as refused:
            _show(form, refused)
        else:
            messages.success(request, "The session on your schedule was changed.")
            return redirect("my_schedule")
    return render(request, "schedules/slot_form.html", {"form": form, "slot": slot})


def _show(form: ScheduleSlotForm, refused: actions.SlotRefused) -> None:
    for name, message in refused.problems:
        form.add_error(name if name in form.fields else None, message)


@require_http_methods(["GET", "POST"])
def slot_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    slot = slot_for_user(request.user, pk)
    if request.method == "POST":
        actions.schedule_slot_delete(actor=request.user, slot=slot)
        messages.success(request, "The session was removed from your schedule. Sessions already recorded stay.")
        return redirect("my_schedule")
    return render(request, "schedules/slot_remove.html", {"slot": slot})


def day_forms(request: AuthedRequest, day: dt.date) -> list[SessionOutcomeForm]:
    """One form per scheduled session of the day; recorded ones show as done."""
    data = form_data(request)
    return [
        SessionOutcomeForm(data if not o.recorded else None, occurrence=o) for o in occurrences_on(request.user, day)
    ]


def _day_of(request: AuthedRequest) -> dt.date:
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("date") or today.isoformat())
    except ValueError:
        raise Http404("No such day.") from None
    if not entry_window_start(today) <= day <= today:
        raise Http404("Sessions can be recorded from the entry window's first day to today.")
    return day


@require_http_methods(["GET", "POST"])
def day_sessions(request: AuthedRequest) -> HttpResponse:
    """The day's scheduled sessions, recorded and certified in one pass. Each session
    saves on its own; a refused one stays on the page with what was typed and its
    problems, while the others are saved."""
    provider = request.scope.provider(None)
    day = _day_of(request)
    forms = day_forms(request, day)
    certify_error = ""
    if request.method == "POST":
        certify = request.POST.get("certify") == "on"
        try:
            result = _save_day(request, provider, day, forms, certify)
        except ActionRefused as refused:
            certify_error = refused.message
        else:
            if result is not None and result.saved:
                messages.success(request, _day_message(result.saved, certify))
                medicaid_notice(request, result.saved, provider)
            if result is not None and not result.problems:
                if not result.saved:
                    messages.success(request, _day_message(result.saved, certify))
                url = reverse("home") if day == timezone.localdate() else reverse("day_sessions") + f"?date={day}"
                return redirect(url)
            if result is None:
                certify_error = "Check Record this session for each session you are recording."
            else:
                # The saved sessions now show as recorded; each refused one keeps what was
                # typed, with its problems at the session.
                forms = day_forms(request, day)
                for form in forms:
                    if form.chosen and not form.occurrence.recorded and form.is_valid():
                        for message in result.problems.get(form.occurrence.key, []):
                            form.add_error(None, message)
                certify_error = result.message
    context = day_context(request, day, forms, certify_error)
    # The day's records that still need the user's signature, certified here as on the homepage.
    unsigned = needs_signature(request.user).filter(date=day)
    context |= {
        "unsigned": [(record, (timezone.localdate() - record.date).days) for record in unsigned],
        "unsigned_count": unsigned.count(),
        "signature_next": f"{reverse('day_sessions')}?date={day.isoformat()}",
    }
    return render(request, "schedules/day.html", context)


INCOMPLETE = ["Complete this session's fields (below) and Save again."]


def _save_day(
    request: AuthedRequest, provider: Staff, day: dt.date, forms: list[SessionOutcomeForm], certify: bool
) -> actions.DayResult | None:
    """Save what the day's form holds: "I was absent today" (every remaining session as
    Provider Absent), or each chosen session that is complete. None when nothing was
    chosen on a day with sessions to record."""
    if "absent_today" in request.POST:
        return actions.day_provider_absent(actor=request.user, provider=provider, day=day, certify=certify)
    chosen = [f for f in forms if f.chosen]
    if not chosen and any(not f.occurrence.recorded for f in forms):
        return None
    complete = [f for f in chosen if f.is_valid()]
    result = actions.day_record(
        actor=request.user,
        provider=provider,
        day=day,
        certify=certify,
        outcomes={f.occurrence.key: f.outcome() for f in complete},
    )
    for form in chosen:
        if not form.is_valid():
            result.problems[form.occurrence.key] = INCOMPLETE
    return result


def day_context(
    request: AuthedRequest, day: dt.date, forms: list[SessionOutcomeForm], certify_error: str = ""
) -> dict[str, object]:
    """What the day's form needs, on its own page and on the homepage."""
    today = timezone.localdate()
    return {
        "day": day,
        "forms": forms,
        "certify_error": certify_error,
        "is_today": day == today,
        "today": today,
        "window_start": entry_window_start(today),
        "certify_checked": request.POST.get("certify") == "on",
        "unrecorded": any(not f.occurrence.recorded for f in forms),
        "session_type_help": DAY_SESSION_TYPE_HELP,
    }


def _day_message(saved: list[ServiceRecord], certify: bool) -> str:
    if not saved:
        return "Nothing new to record: the chosen sessions were already recorded."
    state = "saved and certified" if certify else "saved, not certified (they are not complete until certified)"
    provided = sum(1 for r in saved if r.session_type == "provided")
    return (
        f"{len(saved)} service record{'s' if len(saved) != 1 else ''} {state}: {provided} Service Provided, "
        f"{len(saved) - provided} absent or cancelled."
    )
