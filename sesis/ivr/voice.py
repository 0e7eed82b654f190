"""The telephone menu for reporting a first attend. Each request from the telephony
provider carries the keys pressed (Digits) for the step the call is at; the call's
place is kept in a CallSession. Wrong digits get a spoken reason and another try;
three failures in a row end the call politely."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from sesis.access.scope import Scope
from sesis.ivr.actions import first_attend_receive
from sesis.ivr.models import CallSession, Source, Status
from sesis.ivr.twiml import TwiML
from sesis.lib.codes import ServiceType
from sesis.people import throttle
from sesis.people.models import Staff

MAX_FAILURES = 3
GOODBYE = "Sorry, we could not take your report. Please try again later, or ask your supervisor for help. Goodbye."
LOCKED = (
    "Too many wrong P I N entries for this staff I D. Please wait fifteen minutes, or ask your supervisor for help."
)
PROMPTS = {
    "staff_id": "Enter your staff I D, then press pound.",
    "pin": "Enter your P I N, then press pound.",
    "osis": "Enter the student's nine digit O S I S number.",
    "date": "If the first attend was today, press 1. For another date, press 2.",
    "date_entry": "Enter the date as four digits, month then day. For November 23, enter 1 1 2 3.",
    "another": "To report another first attend, press 1. Otherwise, you may hang up.",
}
NUM_DIGITS = {"osis": 9, "date": 1, "date_entry": 4, "confirm": 1, "service": 1, "another": 1}


def spell(digits: str) -> str:
    return " ".join(digits)


def spoken_date(day: dt.date) -> str:
    """The day as the read-back says it; with its year when that is not this year."""
    spoken = f"{day:%A}, {day:%B} {day.day}"
    return spoken if day.year == timezone.localdate().year else f"{spoken}, {day.year}"


class Call:
    def __init__(self, session: CallSession, url: str) -> None:
        self.session = session
        self.url = url
        self.response = TwiML(voice=settings.SESIS_IVR_VOICE, language=settings.SESIS_IVR_LANGUAGE)

    # -- prompting -------------------------------------------------------------

    def ask(self, step: str, before: str = "") -> str:
        self.session.step = step
        self.session.save()
        if before:
            self.response.say(before)
        self.response.gather(self.prompt(step), action=self.url, num_digits=NUM_DIGITS.get(step))
        # No digits before the timeout: the provider comes back here without Digits.
        self.response.redirect(self.url)
        return str(self.response)

    def prompt(self, step: str) -> str:
        if step == "service":
            return " ".join(f"For {ServiceType(code).label}, press {n}." for n, code in enumerate(self.services(), 1))
        if step == "confirm":
            return self.readback()
        return PROMPTS[step]

    def fail(self, reason: str, step: str | None = None) -> str:
        self.session.failures += 1
        if self.session.failures >= MAX_FAILURES:
            self.session.step = "ended"
            self.session.save()
            return str(self.response.say(reason).say(GOODBYE).hangup())
        return self.ask(step or self.session.step, before=f"{reason} Please try again.")

    # -- the steps ---------------------------------------------------------------

    def handle(self, digits: str | None, *, new_call: bool) -> str:
        step = self.session.step
        if new_call:
            return self.ask("staff_id", before="Welcome to SESIS first attend reporting.")
        if step == "ended":
            return str(self.response.say(GOODBYE).hangup())
        if digits is None and step == "another":
            # Silence after a report is a caller who is done: the report is kept.
            return self.on_another("")
        if digits is None:
            return self.fail("We did not hear any digits.")
        digits = digits.strip().rstrip("#")
        handler: Callable[[str], str] = getattr(self, f"on_{step}")
        return handler(digits)

    def on_staff_id(self, digits: str) -> str:
        if not digits.isdigit() or len(digits) > 20:
            return self.fail("A staff I D is up to twenty digits, then pound.")
        self.session.staff_id = digits
        return self.ask("pin")

    def on_pin(self, digits: str) -> str:
        account = self.session.staff_id
        if throttle.refusal(channel=throttle.Channel.IVR, account=account, address=None):
            self.session.step = "ended"
            self.session.save()
            return str(self.response.say(LOCKED).say(GOODBYE).hangup())
        staff = Staff.objects.filter(staff_id=account, is_active=True).first()
        if staff is None or not staff.is_provider or not staff.check_ivr_pin(digits):
            throttle.record_failure(channel=throttle.Channel.IVR, account=account, address=None)
            self.session.staff_id = ""
            return self.fail("That staff I D and P I N do not match our records.", step="staff_id")
        throttle.clear(channel=throttle.Channel.IVR, account=account)
        self.session.provider = staff
        self.session.failures = 0
        return self.ask("osis", before=f"Hello, {staff.first_name}.")

    def on_osis(self, digits: str) -> str:
        if len(digits) != 9 or not digits.isdigit():
            return self.fail("An O S I S number has nine digits.")
        self.session.osis = digits
        self.session.failures = 0
        services = self.services()
        if len(services) == 1:
            self.session.service = services[0]
            return self.ask("date")
        return self.ask("service")

    def on_service(self, digits: str) -> str:
        services = self.services()
        if not digits.isdigit() or not 1 <= int(digits) <= len(services):
            return self.fail(f"Press a number from 1 to {len(services)}.")
        self.session.service = services[int(digits) - 1]
        self.session.failures = 0
        return self.ask("date")

    def on_date(self, digits: str) -> str:
        if digits == "1":
            self.session.first_attend_date = timezone.localdate()
            self.session.failures = 0
            return self.ask("confirm")
        if digits == "2":
            return self.ask("date_entry")
        return self.fail("Press 1 for today, or 2 for another date.")

    def on_date_entry(self, digits: str) -> str:
        today = timezone.localdate()
        try:
            day = dt.date(today.year, int(digits[:2]), int(digits[2:]))
        except ValueError:
            return self.fail("That is not a date.")
        if day > today:
            day = day.replace(year=today.year - 1)
        self.session.first_attend_date = day
        self.session.failures = 0
        return self.ask("confirm")

    def on_confirm(self, digits: str) -> str:
        if digits == "2":
            self.session.osis = self.session.service = ""
            return self.ask("osis", before="Let's start again.")
        if digits != "1":
            return self.fail("Press 1 to confirm, or 2 to start over.")
        return self.report()

    def on_another(self, digits: str) -> str:
        if digits == "1":
            self.session.osis = self.session.service = ""
            self.session.failures = 0
            return self.ask("osis")
        self.session.step = "ended"
        self.session.save()
        return str(self.response.say("Thank you. Goodbye.").hangup())

    # -- helpers -------------------------------------------------------------------

    def services(self) -> list[str]:
        assert self.session.provider is not None
        return sorted(self.session.provider.discipline_codes(), key=lambda code: ServiceType.values.index(code))

    def readback(self) -> str:
        provider = self.session.provider
        assert provider is not None and self.session.first_attend_date is not None
        student = Scope.of(provider).students().filter(osis=self.session.osis).first()
        who = f"{student.first_name} {student.last_name[:1]}" if student else f"student {spell(self.session.osis)}"
        service = ServiceType(self.session.service).label
        when = spoken_date(self.session.first_attend_date)
        return (
            f"You are reporting a first attend for {who}, {service}, on {when}. "
            "To confirm, press 1. To start over, press 2."
        )

    def report(self) -> str:
        provider = self.session.provider
        assert provider is not None and self.session.first_attend_date is not None
        self.session.reports += 1
        received = first_attend_receive(
            staff_id=provider.staff_id,
            osis=self.session.osis,
            service=self.session.service,
            first_attend_date=self.session.first_attend_date,
            call_id=f"{self.session.call_sid}:{self.session.reports}",
            source=Source.CALL,
        )
        first_attend = received.first_attend
        if first_attend.status == Status.ADDED:
            outcome = "The student was added to your caseload."
        elif first_attend.status == Status.ALREADY:
            outcome = "The student is already on your caseload."
        else:
            outcome = (
                f"The student could not be added to your caseload: {first_attend.reason}. "
                "Your report is kept, and you and your supervisor can see it in SESIS."
            )
        self.session.failures = 0
        return self.ask("another", before=f"Thank you. {outcome}")


def handle_call(*, call_sid: str, digits: str | None, url: str) -> str:
    session, created = CallSession.objects.get_or_create(call_sid=call_sid)
    return Call(session, url).handle(digits, new_call=created)
