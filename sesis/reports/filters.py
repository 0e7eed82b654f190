"""The filters every report shares, checked once for the pages, the exports and the
`report` command alike. Who and which student are resolved through the access
helpers: a provider or student outside the user's scope is named as not found, the
same words as one that does not exist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from sesis.access.scope import Scope
from sesis.lib.codes import ServiceType
from sesis.lib.forms import UswdsForm
from sesis.people.models import Role, Staff
from sesis.schools.models import School
from sesis.services.choices import SessionType
from sesis.students.models import Student

MAX_DAYS = 366
CERTIFIED_CHOICES = [("", "Certified or not"), ("yes", "Certified"), ("no", "Not certified")]


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    school: School | None = None
    district: int | None = None
    provider: Staff | None = None
    student: Student | None = None
    service: str = ""
    session_type: str = ""
    certified: str = ""  # "", "yes" or "no"
    behind: bool = False  # Provider Service Totals: only providers short of a mandate
    closed_day: bool = False  # Encounter Attendance: only records on days now marked non-school

    def describe(self) -> dict[str, Any]:
        """The filters as the disclosure log and the exports' headings keep them."""
        values: dict[str, Any] = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.school:
            values["school"] = self.school.dbn
        if self.district:
            values["district"] = self.district
        if self.provider:
            values["provider"] = self.provider.staff_id
        if self.student:
            values["student"] = self.student.osis
        for name in ("service", "session_type", "certified", "behind", "closed_day"):
            if getattr(self, name):
                values[name] = getattr(self, name)
        return values


FIRST_DAYS = 7  # in a month's first week, "this month so far" is too short to judge by


def default_period(today: dt.date, *, complete: bool = False) -> tuple[dt.date, dt.date]:
    """This month so far. complete (Mandate Compliance and the charts): in the month's
    first week, the whole of last month instead, so the page never opens on a month of
    a day or two in which nothing is yet mandated."""
    if complete and today.day <= FIRST_DAYS:
        last_month_end = today.replace(day=1) - dt.timedelta(days=1)
        return last_month_end.replace(day=1), last_month_end
    return today.replace(day=1), today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ReportFilterForm(UswdsForm, forms.Form):
    date_from = forms.DateField(
        label="From",
        widget=DateInput(),
        error_messages={"invalid": "Enter a date.", "required": "Enter the From date."},
    )
    date_to = forms.DateField(
        label="To", widget=DateInput(), error_messages={"invalid": "Enter a date.", "required": "Enter the To date."}
    )
    school = forms.CharField(label="School (DBN)", required=False, max_length=6)
    district = forms.IntegerField(label="District", required=False, min_value=1, max_value=99)
    provider = forms.CharField(label="Provider (staff ID)", required=False, max_length=20)
    student = forms.CharField(label="Student (OSIS ID)", required=False, max_length=9)
    service = forms.ChoiceField(
        label="Service Type", required=False, choices=[("", "All services"), *ServiceType.choices]
    )
    session_type = forms.ChoiceField(
        label="Session Type", required=False, choices=[("", "All session types"), *SessionType.choices]
    )
    certified = forms.ChoiceField(label="Certified", required=False, choices=CERTIFIED_CHOICES)
    behind = forms.ChoiceField(
        label="Providers", required=False, choices=[("", "All providers"), ("on", "Only providers behind")]
    )
    school_day = forms.ChoiceField(
        label="School day",
        required=False,
        choices=[("", "Any day"), ("closed", "Only days now marked non-school")],
    )

    def __init__(
        self,
        data: Any,
        *,
        user: Staff,
        record_filters: bool = True,
        period_only: bool = False,
        provider_totals: bool = False,
        as_of_today: bool = False,
        by_provider: bool = True,
    ) -> None:
        today = timezone.localdate()
        start, end = default_period(today, complete=not record_filters)
        # The page opens on this month; a query string without dates keeps the default.
        data = data.copy() if data is not None else {}
        data.setdefault("date_from", start.isoformat())
        data.setdefault("date_to", end.isoformat())
        super().__init__(data)
        self.user = user
        if user.is_provider or not by_provider:
            del self.fields["provider"]  # a provider's reports are their own
        if not record_filters:  # the compliance report counts every session type
            del self.fields["session_type"]
            del self.fields["certified"]
            del self.fields["school_day"]
        if not provider_totals:
            del self.fields["behind"]
        else:
            del self.fields["student"]  # a line per provider, not per student
        if as_of_today:  # a list of what stands today (the dashboard's lists)
            for name in ("date_from", "date_to", "student", "session_type", "certified", "school_day"):
                self.fields.pop(name, None)
        if period_only:  # a chart: its student or school is in the address
            for name in list(self.fields):
                if name not in ("date_from", "date_to"):
                    del self.fields[name]

    def clean_school(self) -> School | None:
        dbn = self.cleaned_data["school"].strip().upper()
        if not dbn:
            return None
        school = School.objects.filter(dbn=dbn).first()
        if school is None:
            raise forms.ValidationError(f"No school has the DBN {dbn}.")
        return school

    def clean_provider(self) -> Staff | None:
        staff_id = self.cleaned_data["provider"].strip()
        if not staff_id:
            return None
        provider = Scope.of(self.user).staff().filter(staff_id=staff_id, role=Role.PROVIDER).first()
        if provider is None:
            raise forms.ValidationError(f"No provider with staff ID {staff_id} is in your scope.")
        return provider

    def clean_student(self) -> Student | None:
        osis = self.cleaned_data["student"].strip()
        if not osis:
            return None
        student = Scope.of(self.user).students().filter(osis=osis).first()
        if student is None:
            raise forms.ValidationError(f"No student with OSIS ID {osis} is in your scope.")
        return student

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", "The To date must be on or after the From date.")
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("date_to", f"Choose a period of at most {MAX_DAYS} days.")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        today = timezone.localdate()
        return Filters(
            start=data.get("date_from", today),
            end=data.get("date_to", today),
            school=data.get("school"),
            district=data.get("district"),
            provider=self.user if self.user.is_provider else data.get("provider"),
            student=data.get("student"),
            service=data.get("service", ""),
            session_type=data.get("session_type", ""),
            certified=data.get("certified", ""),
            behind=data.get("behind") == "on",
            closed_day=data.get("school_day") == "closed",
        )


# Each report's filters: the keyword arguments of its ReportFilterForm.
REPORT_FORMS: dict[str, dict[str, bool]] = {
    "encounter-attendance": {},
    "compliance": {"record_filters": False},
    "provider-totals": {"record_filters": False, "provider_totals": True},
    "awaiting-provider": {"record_filters": False, "as_of_today": True, "by_provider": False},
    "never-served": {"record_filters": False, "as_of_today": True},
}


def report_form(report: str, data: Any, user: Staff) -> ReportFilterForm:
    """The filter form of a report (by its name in the export addresses)."""
    return ReportFilterForm(data, user=user, **REPORT_FORMS[report])
