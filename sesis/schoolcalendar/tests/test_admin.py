from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from sesis.audit.models import AuditEvent
from sesis.schoolcalendar.days import non_school_days
from sesis.schoolcalendar.models import CalendarDay
from tests.factories import District


def test_non_school_days_prefer_the_most_specific_entry(district: District) -> None:
    CalendarDay.objects.create(date=dt.date(2026, 11, 12), kind="closure", district=2, description="Storm")
    CalendarDay.objects.create(
        date=dt.date(2026, 11, 12), kind="school_day", school=district.school_b, description="Open"
    )
    CalendarDay.objects.create(date=dt.date(2026, 11, 13), kind="holiday", description="Citywide")
    days = non_school_days(district.school_a, dt.date(2026, 11, 12), dt.date(2026, 11, 15))
    assert days == {
        dt.date(2026, 11, 12): "Storm",
        dt.date(2026, 11, 13): "Citywide",
        dt.date(2026, 11, 14): "Weekend",
        dt.date(2026, 11, 15): "Weekend",
    }
    assert dt.date(2026, 11, 12) not in non_school_days(district.school_b, dt.date(2026, 11, 12), dt.date(2026, 11, 12))
    assert non_school_days(district.school_c, dt.date(2026, 11, 12), dt.date(2026, 11, 12)) == {}


def test_administrators_add_and_remove_calendar_days(client: Client, district: District) -> None:
    client.force_login(district.admin)
    url = reverse("calendar_admin") + "?year=2026"
    response = client.post(
        url,
        {"start_date": "2026-12-07", "kind": "closure", "school": "02m001", "description": "Water main"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["Added: 2026-12-07 Closure (02M001)."]
    day = CalendarDay.objects.get()
    duplicate = client.post(url, {"start_date": "2026-12-07", "kind": "holiday", "school": "02M001"})
    assert duplicate.context["form"].errors["start_date"] == [
        "Already on the calendar for 02M001: 2026-12-07 (Closure). Change or remove it first."
    ]
    unknown = client.post(url, {"start_date": "2026-12-08", "kind": "holiday", "school": "99X999"})
    assert unknown.context["form"].errors["school"] == ["No school has DBN 99X999."]
    both = client.post(url, {"start_date": "2026-12-08", "kind": "holiday", "school": "02M001", "district": "2"})
    assert both.context["form"].errors["district"] == ["Give a school or a district, not both."]
    client.post(reverse("calendar_day_remove", args=[day.pk]))
    assert not CalendarDay.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="calendar.").values_list("action", flat=True).order_by("id")
    ) == [
        "calendar.add",
        "calendar.remove",
    ]


def test_only_administrators_keep_the_calendar(client: Client, district: District) -> None:
    CalendarDay.objects.create(date=dt.date(2026, 12, 7), kind="holiday")
    client.force_login(district.supervisor)
    assert client.get(reverse("calendar_admin")).status_code == 404
    assert client.post(reverse("calendar_day_remove", args=[CalendarDay.objects.get().pk])).status_code == 404
    assert CalendarDay.objects.exists()


def test_an_unusable_year_shows_the_current_school_year(client: Client, district: District) -> None:
    client.force_login(district.admin)
    current = client.get(reverse("calendar_admin")).context["year"]
    for year in ("99999", "-5", "0", "abc"):
        response = client.get(reverse("calendar_admin"), {"year": year})
        assert (response.status_code, response.context["year"]) == (200, current)
    assert client.get(reverse("calendar_admin"), {"year": "2030"}).context["year"] == 2030
