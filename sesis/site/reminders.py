"""The daily reminders (manage.py send_reminders, run by cron): a provider with
service records left uncertified for SESIS_REMINDER_SCHOOL_DAYS school days gets one
email; a supervisor gets one digest of what is overdue in their scope. Nobody is mailed
twice the same day (people.ReminderSent's unique constraint), nobody who turned
reminders off, nobody without an email address.

The emails name no student: only counts, dates and staff names, and a link to sign in.
Student records stay in SESIS, where every view is scoped and logged."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q, QuerySet
from django.template.loader import render_to_string

from sesis.ivr.access import visible_first_attends
from sesis.ivr.forms import AWAITING_ACTION, awaiting_action
from sesis.people.models import ReminderSent, Role, Staff
from sesis.reports import lists
from sesis.reports.filters import Filters
from sesis.schoolcalendar.models import CalendarDay, DayKind
from sesis.services.access import visible_records
from sesis.services.models import ServiceRecord

log = logging.getLogger(__name__)


def school_days_back(today: dt.date, count: int) -> dt.date:
    """The day `count` school days before today, by the citywide calendar: weekdays,
    less citywide holidays, recesses and closures, plus citywide weekend school days."""
    start = today - dt.timedelta(days=count * 3 + 30)
    citywide = {
        entry.date: entry.kind
        for entry in CalendarDay.objects.filter(school__isnull=True, district__isnull=True, date__range=(start, today))
    }
    day, left = today, count
    while left > 0 and day > start:
        day -= dt.timedelta(days=1)
        kind = citywide.get(day)
        if kind == DayKind.SCHOOL_DAY or (day.weekday() < 5 and kind is None):
            left -= 1
    return day


@dataclass
class Overdue:
    """A provider's uncertified records older than the cutoff."""

    provider: Staff
    records: int
    oldest: dt.date


@dataclass
class Digest:
    """The dashboard's figures that a daily email can afford (each one counted query;
    providers behind is a report to open, not to mail to 1,500 people every morning)."""

    overdue: list[Overdue] = field(default_factory=list)
    refused_first_attends: int = 0  # refused and still awaiting action
    awaiting_provider: int = 0
    never_served: int = 0

    def __bool__(self) -> bool:
        return bool(self.overdue or self.refused_first_attends or self.awaiting_provider or self.never_served)


def _overdue(records: QuerySet[ServiceRecord], cutoff: dt.date) -> list[Overdue]:
    rows = (
        records.filter(certified_at__isnull=True, date__lte=cutoff)
        .order_by()
        .values("provider")
        .annotate(n=Count("id"), oldest=Min("date"))
    )
    staff = Staff.objects.in_bulk([row["provider"] for row in rows])
    found = [Overdue(staff[row["provider"]], row["n"], row["oldest"]) for row in rows]
    return sorted(found, key=lambda item: (item.oldest, item.provider.last_name_key))


def _mailable() -> Q:
    return Q(is_active=True, email_reminders=True) & ~Q(email="")


def _send(staff: Staff, kind: str, today: dt.date, subject: str, template: str, context: dict[str, object]) -> str:
    """Send one email, once a day: the ReminderSent row and the email go together (a
    failed send rolls the row back, so the next run tries again). "sent", "skipped"
    (already sent today) or "failed"."""
    context = {**context, "awaiting_action": AWAITING_ACTION}
    context |= {"staff": staff, "site_url": settings.SESIS_SITE_URL.rstrip("/"), "today": today}
    try:
        with transaction.atomic():
            ReminderSent.objects.create(staff=staff, sent_on=today, kind=kind)
            message = EmailMultiAlternatives(
                subject=subject,
                body=render_to_string(f"{template}.txt", context),
                to=[f"{staff.full_name} <{staff.email}>"],
            )
            message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
            message.send()
    except IntegrityError:
        return "skipped"
    except (OSError, smtplib.SMTPException):
        log.exception("send_reminders: the email to staff %s could not be sent", staff.staff_id)
        return "failed"
    return "sent"


@dataclass
class Sent:
    providers: int = 0
    supervisors: int = 0
    skipped: int = 0  # already mailed today
    failed: int = 0  # the mail server refused or could not be reached: tried again next run


def send_reminders(today: dt.date) -> Sent:
    sent = Sent()
    if not settings.SESIS_REMINDERS_ENABLED:
        return sent
    cutoff = school_days_back(today, settings.SESIS_REMINDER_SCHOOL_DAYS)
    everyone = ServiceRecord.objects.all()
    for item in _overdue(everyone.filter(provider__in=Staff.objects.filter(_mailable())), cutoff):
        subject = f"SESIS: {item.records} service record{'s' if item.records != 1 else ''} awaiting your signature"
        context = {"item": item, "cutoff": cutoff}
        outcome = _send(item.provider, ReminderSent.Kind.SIGNATURE, today, subject, "site/email/signature", context)
        _count(sent, outcome, "providers")
    for supervisor in Staff.objects.filter(_mailable(), role=Role.SUPERVISOR).order_by("staff_id"):
        as_of = Filters(start=today, end=today)
        digest = Digest(
            overdue=_overdue(visible_records(supervisor), cutoff),
            refused_first_attends=awaiting_action(visible_first_attends(supervisor)).count(),
            awaiting_provider=lists.awaiting_provider(supervisor, as_of).count(),
            never_served=lists.never_served(supervisor, as_of).count(),
        )
        if not digest:
            continue
        context = {"digest": digest, "cutoff": cutoff}
        outcome = _send(
            supervisor, ReminderSent.Kind.DIGEST, today, "SESIS: your daily digest", "site/email/digest", context
        )
        _count(sent, outcome, "supervisors")
    return sent


def _count(sent: Sent, outcome: str, who: str) -> None:
    name = who if outcome == "sent" else outcome
    setattr(sent, name, getattr(sent, name) + 1)
