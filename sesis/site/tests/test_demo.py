from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from sesis.caseloads.models import CaseloadEntry
from sesis.mandates.models import Mandate
from sesis.people.models import Staff
from sesis.site.demo import DEMO_PASSWORD, DEMO_PIN, LOGINS
from sesis.students.models import Student

pytestmark = pytest.mark.django_db


def test_the_demo_district_loads_once_and_prints_the_logins(today) -> None:
    out = io.StringIO()
    call_command("load_demo_data", "--if-empty", stdout=out)
    assert Student.objects.count() == 200
    assert Mandate.objects.count() > 150
    assert CaseloadEntry.objects.active().count() >= 10
    assert DEMO_PASSWORD in out.getvalue()
    for login in LOGINS:
        assert login.staff_id in out.getvalue()
        staff = Staff.objects.get(staff_id=login.staff_id)
        assert staff.check_password(DEMO_PASSWORD)
        assert staff.check_ivr_pin(DEMO_PIN) == staff.is_provider
    from sesis.services.models import ServiceRecord

    records = ServiceRecord.objects.all()
    assert records.count() > 0
    assert all(r.hash_is_valid() for r in records.filter(certified_at__isnull=False))
    assert records.filter(session_type="student_absent").exists()
    from sesis.schedules.models import ScheduleSlot

    # The speech provider's students twice a week, and the paraprofessional's every day.
    assert ScheduleSlot.objects.filter(provider__staff_id="300001").count() >= 6
    assert ScheduleSlot.objects.filter(provider__staff_id="600001", weekdays="12345").count() == 1
    # Run again: nothing changes.
    counts = (Student.objects.count(), Mandate.objects.count(), CaseloadEntry.objects.count())
    call_command("load_demo_data", "--if-empty", stdout=io.StringIO())
    assert (Student.objects.count(), Mandate.objects.count(), CaseloadEntry.objects.count()) == counts


def test_the_demo_shows_every_refusal() -> None:
    """Every tenth demo student has no mandate, so a user can see that refusal."""
    call_command("load_demo_data", stdout=io.StringIO())
    assert Student.objects.filter(mandates__isnull=True).count() >= 15
