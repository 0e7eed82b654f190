"""Service Capture: the Services Calendar, Record Past Services, the Service Record
form, certification, amendments and group sessions. The same views serve a provider
(/services/...) and a supervisor recording on a provider's behalf
(/administration/staff/<staff_id>/services/...)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from sesis.access.http import AuthedRequest
from sesis.audit.actions import disclosure_record
from sesis.audit.models import DisclosureKind
from sesis.caseloads.queries import active_caseload
from sesis.lib.codes import ServiceType
from sesis.lib.errors import ActionRefused
from sesis.lib.http import form_data
from sesis.mandates.models import Mandate
from sesis.medicaid.claimability import verdict_for
from sesis.people.models import Staff
from sesis.services import actions
from sesis.services.access import needs_signature, record_for_user
from sesis.services.calendar import build_month, parse_month, scheduled_ahead, servable_mandates
from sesis.services.choices import LANGUAGE_CHOICES, MISSED, ProgressIndicator, SessionType
from sesis.services.closed_days import now_marked
from sesis.services.forms import AmendForm, GroupSessionForm, ServiceRecordForm, location_for
from sesis.services.history import history, signature
from sesis.services.medicaid import claim_status, medicaid_notice
from sesis.services.models import ServiceRecord
from sesis.services.rules import entry_window_start
from sesis.students.models import Student

# The provider's own pages, and a supervisor's on-behalf pages (the staff_ names).
OWN_URLS = {"home_url": "services_home", "group_url": "group_session"}
OWN_STUDENT_URLS = {"calendar_url": "services_calendar", "pick_url": "record_pick_date", "new_url": "record_new"}
ON_BEHALF_URLS = {"home_url": "staff_services_home", "group_url": "staff_group_session"}
ON_BEHALF_STUDENT_URLS = {
    "calendar_url": "staff_services_calendar",
    "pick_url": "staff_record_pick_date",
    "new_url": "staff_record_new",
}


def _urls(provider: Staff, staff_id: str | None, student: Student | None = None) -> dict[str, str]:
    """Links for the provider's own pages or for a supervisor's on-behalf pages."""
    prefix = [] if staff_id is None else [staff_id]
    names = OWN_URLS if staff_id is None else ON_BEHALF_URLS
    urls = {key: reverse(name, args=prefix) for key, name in names.items()}
    if student is not None:
        names = OWN_STUDENT_URLS if staff_id is None else ON_BEHALF_STUDENT_URLS
        urls |= {key: reverse(name, args=[*prefix, student.osis]) for key, name in names.items()}
    return urls


CONFIDENTIAL_NOTES = "Confidential counseling notes"


def _log_view(request: AuthedRequest, what: str, student: Student, records: int, **filters: str) -> None:
    """The disclosure log (FERPA, IDEA 300.614): who saw this student's records."""
    disclosure_record(
        actor=request.user,
        kind=DisclosureKind.VIEW,
        what=what,
        student_ids=[student.pk],
        record_count=records,
        filters=filters,
    )


def _caseload_student(provider: Staff, osis: str) -> Student:
    """A student on the provider's caseload; anyone else is a 404 here."""
    entry = active_caseload(provider).filter(student__osis=osis).first()
    if entry is None:
        raise Http404("No such student on this caseload.")
    return entry.student


def services_home(request: AuthedRequest, staff_id: str | None = None) -> HttpResponse:
    """Service Capture: the caseload, each student's name opening their Services Calendar."""
    provider = request.scope.provider(staff_id)
    context = {
        "provider": provider,
        "own": staff_id is None,
        "entries": active_caseload(provider),
        **_urls(provider, staff_id),
    }
    return render(request, "services/home.html", context)


def services_calendar(request: AuthedRequest, osis: str, staff_id: str | None = None) -> HttpResponse:
    provider = request.scope.provider(staff_id)
    student = _caseload_student(provider, osis)
    month = build_month(
        provider=provider, student=student, first=parse_month(request.GET.get("month"), timezone.localdate())
    )
    _log_view(
        request,
        "Services Calendar",
        student,
        month.record_count,
        month=f"{month.first:%Y-%m}",
        provider=provider.staff_id,
    )
    context = {
        "provider": provider,
        "own": staff_id is None,
        "student": student,
        "month": month,
        **_urls(provider, staff_id, student),
    }
    return render(request, "services/calendar.html", context)


def record_pick_date(request: AuthedRequest, osis: str, staff_id: str | None = None) -> HttpResponse:
    """Record Past Services: click on the date of the session and click OK."""
    provider = request.scope.provider(staff_id)
    student = _caseload_student(provider, osis)
    today = timezone.localdate()
    first = parse_month(request.GET.get("month"), today)
    window = entry_window_start(today)
    first = min(max(first, window.replace(day=1)), today.replace(day=1))
    month = build_month(provider=provider, student=student, first=first)
    _log_view(
        request,
        "Record Past Services",
        student,
        month.record_count,
        month=f"{month.first:%Y-%m}",
        provider=provider.staff_id,
    )
    context = {
        "provider": provider,
        "own": staff_id is None,
        "student": student,
        "month": month,
        "can_go_back": month.previous >= window.replace(day=1),
        "can_go_forward": month.next <= today,
        "error": request.GET.get("error"),
        **_urls(provider, staff_id, student),
    }
    return render(request, "services/pick_date.html", context)


MAX_DATES = 31  # a month of days at most, picked at once


def _picked_dates(request: AuthedRequest) -> list[dt.date] | None:
    """The dates picked under Record Past Services (?date=…, once per date), in order,
    or None when any is not a date."""
    try:
        days = sorted({dt.date.fromisoformat(value) for value in request.GET.getlist("date")})
    except ValueError:
        return None
    return days[:MAX_DATES] if days else None


@require_http_methods(["GET", "POST"])
def record_new(request: AuthedRequest, osis: str, staff_id: str | None = None) -> HttpResponse:
    """The Service Record form for the date picked, or for several: the same session is
    then recorded on each date, each one saved or refused on its own (the refused dates
    stay on the form, each with its reasons)."""
    provider = request.scope.provider(staff_id)
    student = _caseload_student(provider, osis)
    urls = _urls(provider, staff_id, student)
    days = _picked_dates(request)
    if days is None:
        return redirect(urls["pick_url"] + "?error=1")
    day = days[0]
    mandates = [
        m
        for m in servable_mandates(provider, student, day, days[-1])
        if any(m.start_date <= d <= m.end_date for d in days)
    ]
    if not mandates:
        messages.error(request, f"{student.full_name} has no mandate you serve on {day:%B} {day.day}, {day.year}.")
        return redirect(urls["pick_url"] + f"?month={day:%Y-%m}")
    missed = _missed_sessions(provider, student) if len(days) == 1 else []  # one make-up, one date
    form = ServiceRecordForm(
        form_data(request), mandates=mandates, missed=missed, initial=_prefill(provider, student, mandates, day)
    )
    if request.method == "POST" and form.is_valid():
        saved, refused = _record_on_each(request, provider, student, form, days)
        if saved:
            messages.success(request, _saved_message(saved[0]) if len(saved) == 1 else _saved_on_dates(saved))
            medicaid_notice(request, saved, provider)
        if not refused:
            return redirect(urls["calendar_url"] + f"?month={day:%Y-%m}")
        days = sorted(refused)
        if len(days) == 1 and not saved:
            form.show_refusal(refused[days[0]])
        else:
            for refused_day in days:
                reasons = " ".join(message for _, message in refused[refused_day].problems)
                form.add_error(None, f"{refused_day:%A, %B} {refused_day.day}: not saved. {reasons}")
    context = {
        "provider": provider,
        "own": staff_id is None,
        "student": student,
        "day": days[0],
        "days": days,
        "dates_query": "&".join(f"date={d.isoformat()}" for d in days),
        "form": form,
        **urls,
    }
    return render(request, "services/record_form.html", context)


def _record_on_each(
    request: AuthedRequest, provider: Staff, student: Student, form: ServiceRecordForm, days: list[dt.date]
) -> tuple[list[ServiceRecord], dict[dt.date, actions.RecordRefused]]:
    """The form's session recorded on each date on its own: the records saved, and each
    refused date's refusal."""
    saved: list[ServiceRecord] = []
    refused: dict[dt.date, actions.RecordRefused] = {}
    for each in days:
        try:
            saved.append(
                actions.service_record_create(
                    actor=request.user,
                    provider=provider,
                    data=form.to_input(student=student, date=each),
                    certify=form.cleaned_data["certify"],
                )
            )
        except actions.RecordRefused as refusal:
            refused[each] = refusal
        except ActionRefused as refusal:
            refused[each] = actions.RecordRefused([(refusal.field or "date", refusal.message)])
    return saved, refused


def _saved_on_dates(saved: list[ServiceRecord]) -> str:
    certified = "Saved and certified" if saved[0].is_certified else "Saved, not certified"
    return f"{certified} on {len(saved)} dates: {', '.join(f'{r.date:%a %b} {r.date.day}' for r in saved)}."


def _saved_message(record: ServiceRecord) -> str:
    when = f"{record.date:%B} {record.date.day}, {record.start_time:%H:%M} to {record.end_time:%H:%M}"
    what = f"{record.get_session_type_display()} on {when}"
    if record.is_certified:
        return f"Saved and certified: {what}."
    return f"Saved, not certified: {what}. It is not complete until you certify it."


def _missed_sessions(provider: Staff, student: Student) -> list[ServiceRecord]:
    window = entry_window_start(timezone.localdate())
    return list(
        ServiceRecord.objects.filter(provider=provider, student=student, date__gte=window, session_type__in=MISSED)
        .filter(made_up_by__isnull=True)
        .order_by("date", "start_time")
    )


def _prefill(provider: Staff, student: Student, mandates: list, day: dt.date) -> dict[str, object]:
    """Pre-fill from the session's context, so a session as planned takes a few clicks:
    the mandate (language, location); the provider's last session with the student
    (times, description, Group Size); and, over those, the schedule's session with the
    student that day (its times, location and Group Size: a group of as many students as
    the slot has). Never the mandate's largest group: without context a session is
    Individual."""
    mandate = mandates[0]
    last = (
        ServiceRecord.objects.filter(provider=provider, student=student, mandate=mandate)
        .order_by("-date", "-start_time")
        .first()
    )
    initial: dict[str, object] = {
        "mandate": str(mandate.pk),
        "language": mandate.language,
        "location": location_for(mandate) or (last.location if last else ""),
        "grouping": "individual",
        "group_count": None,
    }
    if last is not None:
        initial |= {"start_time": last.start_time, "end_time": last.end_time, "description": last.description}
        if last.session_type == SessionType.PROVIDED:
            initial |= {"grouping": last.grouping, "group_count": last.group_count}
    planned = _scheduled_that_day(provider, student, mandate.service, day)
    if planned is not None:
        size = len(planned.slot.members.all())
        initial |= {
            "start_time": planned.slot.start_time,
            "end_time": planned.slot.end_time,
            "location": planned.slot.location or initial["location"],
            "grouping": "group" if size > 1 else "individual",
            "group_count": size if size > 1 else None,
        }
    return initial


def _scheduled_that_day(provider: Staff, student: Student, service: str, day: dt.date) -> Any:
    """The schedule's session with the student that day for the service, not yet
    recorded (the schedules app answers scheduled_ahead), or None."""
    for _, answer in scheduled_ahead.send(sender=ServiceRecord, provider=provider, student=student, start=day, end=day):
        for occurrence in cast(dict[dt.date, list[Any]], answer).get(day, []):
            if occurrence.slot.service == service:
                return occurrence
    return None


def record_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    record = record_for_user(request.user, pk)
    _log_view(request, "Service Record", record.student, 1, record=str(record.pk))
    reader = record.reads_confidential_notes(request.user)
    hide_notes = record.notes_hidden_from(request.user)
    if reader and record.holds_confidential_notes():
        _log_view(request, CONFIDENTIAL_NOTES, record.student, 1, record=str(record.pk))
    context = {
        "record": record,
        "hide_notes": hide_notes,
        # Each version's own mark decides: notes once signed as confidential stay so.
        "history": history(record, hide_notes=not reader),
        "signature": signature(record),
        "may_change": request.scope.may_act_for(record.provider, record.student) and not hide_notes,
        "medicaid": verdict_for(record, you=request.user.pk == record.provider_id),
        "claim_status": claim_status(record),
        "now_marked": now_marked(record),
    }
    return render(request, "services/record_detail.html", context)


@require_http_methods(["GET", "POST"])
def record_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    record = record_for_user(request.user, pk)
    if record.is_certified:
        messages.error(request, actions.LOCKED)
        return redirect("record_detail", pk=record.pk)
    if sent_back := _confidential_gate(request, record):
        return sent_back
    mandates = [m for m in servable_mandates(record.provider, record.student, record.date, record.date)]
    missed = [r for r in _missed_sessions(record.provider, record.student) if r.pk != record.pk]
    if record.makeup_of is not None:
        missed.insert(0, record.makeup_of)
    initial = actions.entered(record) | {"mandate": str(record.mandate_id), "makeup_of": str(record.makeup_of_id or "")}
    form = ServiceRecordForm(form_data(request), mandates=mandates, missed=missed, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.service_record_update(
                actor=request.user,
                record=record,
                data=form.to_input(student=record.student, date=record.date),
                version=_version(request),
                certify=form.cleaned_data["certify"],
            )
        except actions.RecordRefused as refused:
            form.show_refusal(refused)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, "The service record was saved.")
            return redirect("record_detail", pk=record.pk)  # the record page says whether it is claimable
    context = {"record": record, "student": record.student, "day": record.date, "form": form, "editing": True}
    return render(request, "services/record_form.html", context)


def _confidential_gate(request: AuthedRequest, record: ServiceRecord) -> HttpResponse | None:
    """A form that shows a record's confidential notes opens for their author and
    administrators only (the actions refuse the change too), and each opening is a
    disclosure; anyone else is sent back to the record page, told why."""
    if record.notes_hidden_from(request.user):
        messages.error(request, actions.CONFIDENTIAL_NOT_YOURS)
        return redirect("record_detail", pk=record.pk)
    if record.notes_confidential and request.method == "GET":
        _log_view(request, CONFIDENTIAL_NOTES, record.student, 1, record=str(record.pk))
    return None


def _version(request: AuthedRequest) -> int:
    """The record version the form was opened at; anything unreadable counts as stale."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else -1


@require_POST
def record_certify(request: AuthedRequest, pk: int) -> HttpResponse:
    record = record_for_user(request.user, pk)
    if request.POST.get("certify") != "on":
        messages.error(request, "Check the box to certify that the session information is accurate and truthful.")
        return redirect("record_detail", pk=record.pk)
    try:
        actions.service_record_certify(actor=request.user, record=record)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "The service record is certified.")
    return redirect("record_detail", pk=record.pk)


@require_POST
def records_certify(request: AuthedRequest) -> HttpResponse:
    """Needs your signature: certify the ticked records with one statement. Each is
    checked and signed on its own; one refused does not hold back the others."""
    back = request.POST.get("next", "")
    if not (back and url_has_allowed_host_and_scheme(back, allowed_hosts=None)):
        back = reverse("home") + "#signature-heading"
    ids = [int(value) for value in request.POST.getlist("record") if value.isdigit()]
    records = list(needs_signature(request.user).filter(pk__in=ids))
    try:
        outcomes = actions.service_records_certify(
            actor=request.user, records=records, attested=request.POST.get("certify") == "on"
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(back)
    signed = [outcome for outcome in outcomes if not outcome.refusal]
    if signed:
        messages.success(request, f"Certified {len(signed)} service record{pluralize(len(signed))}.")
    for outcome in outcomes:
        if outcome.refusal:
            record = outcome.record
            when = f"{record.date:%b} {record.date.day}"
            messages.error(request, f"Not certified: {record.student.full_name}, {when}: {outcome.refusal}")
    return redirect(back)


@require_http_methods(["GET", "POST"])
def record_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    record = record_for_user(request.user, pk)
    if request.method == "POST":
        try:
            actions.service_record_delete(actor=request.user, record=record)
        except ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("record_detail", pk=record.pk)
        messages.success(request, "The uncertified service record was deleted.")
        own = request.user.pk == record.provider_id
        name = "services_calendar" if own else "staff_services_calendar"
        args = [record.student.osis] if own else [record.provider.staff_id, record.student.osis]
        return redirect(reverse(name, args=args) + f"?month={record.date:%Y-%m}")
    return render(request, "services/record_delete.html", {"record": record})


@require_http_methods(["GET", "POST"])
def record_amend(request: AuthedRequest, pk: int) -> HttpResponse:
    record = record_for_user(request.user, pk)
    if not record.is_certified:
        return redirect("record_edit", pk=record.pk)
    if sent_back := _confidential_gate(request, record):
        return sent_back
    form = AmendForm(form_data(request), initial=actions.entered(record), record=record)
    if request.method == "POST" and form.is_valid():
        try:
            actions.service_record_amend(
                actor=request.user,
                record=record,
                reason=form.cleaned_data["reason"],
                changes=form.changes(),
                certify=form.cleaned_data["certify"],
                version=_version(request),
            )
        except actions.RecordRefused as refused:
            form.show_refusal(refused)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request, "The amendment is saved and certified. The version it corrects is kept as it was signed."
            )
            return redirect("record_detail", pk=record.pk)
    return render(request, "services/record_amend.html", {"record": record, "form": form})


@dataclass
class GroupRow:
    """One caseload student on the group form: their mandate for the chosen service,
    what the form shows for them (language, notes, progress) and, before Save, why they
    cannot be in a group (no mandate for the service, or individual sessions only)."""

    student: Student
    mandate: Mandate | None
    language: str
    notes: str
    progress: str
    marks: list[str]

    @property
    def group_limit(self) -> int:
        return self.mandate.group_size if self.mandate is not None else 0


def _group_rows(request: AuthedRequest, entries: list, service: str, day: dt.date) -> list[GroupRow]:
    rows = []
    label = ServiceType(service).label if service in ServiceType.values else service
    for entry in entries:
        student = entry.student
        mandate = next(
            (m for m in entry.mandates.all() if m.service == service and m.start_date <= day <= m.end_date), None
        )
        marks = []
        if mandate is None:
            marks.append(f"No {label} mandate on {day:%B} {day.day}: cannot be in this group.")
        elif mandate.group_size == 1:
            marks.append("Individual sessions only: cannot be recorded in a group.")
        osis = student.osis
        rows.append(
            GroupRow(
                student=student,
                mandate=mandate,
                language=request.POST.get(f"language-{osis}") or (mandate.language if mandate else ""),
                notes=request.POST.get(f"notes-{osis}", ""),
                progress=request.POST.get(f"progress-{osis}", ""),
                marks=marks,
            )
        )
    return rows


@require_http_methods(["GET", "POST"])
def group_session(request: AuthedRequest, staff_id: str | None = None) -> HttpResponse:
    """One form for a whole group: one record per student, certified together. Each
    student has their own Session Notes, language (their mandate's by default) and, for
    paraprofessionals, Progress Indicator; a shared note fills the notes left empty."""
    provider = request.scope.provider(staff_id)
    entries = list(active_caseload(provider))
    services = sorted(provider.discipline_codes())
    initial = {"date": timezone.localdate(), "service": services[0] if services else ""}
    form = GroupSessionForm(form_data(request), services=services, initial=initial)
    marked = set(request.POST.getlist("member"))
    absent = set(request.POST.getlist("absent"))
    service = request.POST.get("service") or (services[0] if services else "")
    try:
        day = dt.date.fromisoformat(request.POST.get("date") or "")
    except ValueError:
        day = timezone.localdate()
    rows = _group_rows(request, entries, service, day)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        problems = _record_group(request, provider, form, rows, marked, absent)
        if not problems:
            return redirect(_urls(provider, staff_id)["home_url"])
    context = {
        "provider": provider,
        "own": staff_id is None,
        "form": form,
        "rows": rows,
        "marked": marked,
        "absent": absent,
        "problems": problems,
        "languages": LANGUAGE_CHOICES,
        "progress_choices": ProgressIndicator.choices,
        "para": service == ServiceType.PARA,
        **_urls(provider, staff_id),
    }
    return render(request, "services/group_session.html", context)


def _record_group(
    request: AuthedRequest,
    provider: Staff,
    form: GroupSessionForm,
    rows: list[GroupRow],
    marked: set[str],
    absent: set[str],
) -> list[str]:
    data = form.cleaned_data
    day, service = data["date"], data["service"]
    shared = form.shared()
    shared_notes = shared.pop("notes", "")
    members = []
    problems = []
    for row in rows:
        student = row.student
        if student.osis not in marked:
            continue
        mandate = student.mandates.active_on(day).filter(service=service).first()
        if mandate is None:
            problems.append(f"{student.full_name}: no {ServiceType(service).label} mandate on {day:%B} {day.day}.")
            continue
        own = {
            "notes": row.notes.strip() or shared_notes,
            "language": row.language or mandate.language,
        }
        if service == ServiceType.PARA:
            own["progress"] = row.progress
        members.append((actions.GroupMember(student=student, present=student.osis not in absent, own=own), mandate))
    if problems:
        return problems
    if not members:
        return ["Choose the students of the group: check In this group next to each."]
    common = actions.draft(student=members[0][0].student, mandate=members[0][1], date=day, **shared)
    try:
        records = actions.group_session_record(
            actor=request.user, provider=provider, common=common, members=members, certify=data["certify"]
        )
    except actions.RecordRefused as refused:
        return [message for _, message in refused.problems]
    except ActionRefused as refused:
        return [refused.message]
    certified = "saved and certified" if data["certify"] else "saved, not certified"
    present = sum(1 for m, _ in members if m.present)
    messages.success(
        request,
        f"Group session {certified}: {len(records)} records ({present} present, {len(records) - present} absent).",
    )
    medicaid_notice(request, records, provider)
    return []
