"""The report's fast count of mandated sessions (a period at a time) is the sum of the
day-by-day shares the charts use, for any mandate, calendar and period."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from sesis.mandates.models import Mandate
from sesis.reports.compliance import mandated_by_day, mandated_through

BASE = dt.date(2026, 8, 30)
days = st.integers(min_value=0, max_value=150).map(lambda n: BASE + dt.timedelta(days=n))


@settings(max_examples=300, deadline=None)
@given(
    sessions=st.integers(min_value=1, max_value=6),
    period=st.sampled_from(["week", "month"]),
    mandate_days=st.tuples(days, days).map(sorted),
    report_days=st.tuples(days, days).map(sorted),
    until=days,
    closed=st.sets(days, max_size=40),
)
def test_by_period_equals_the_sum_of_the_days(
    sessions: int,
    period: str,
    mandate_days: list[dt.date],
    report_days: list[dt.date],
    until: dt.date,
    closed: set[dt.date],
) -> None:
    mandate = Mandate(
        sessions=sessions, period=period, minutes=30, start_date=mandate_days[0], end_date=mandate_days[1]
    )
    weekends = {BASE + dt.timedelta(days=n) for n in range(-40, 200) if (BASE + dt.timedelta(days=n)).weekday() >= 5}
    calendar = dict.fromkeys(closed | weekends, "closed")
    start, end = report_days
    by_day = mandated_by_day(mandate, calendar, start, end)
    expected = sum((share for day, share in by_day.items() if day <= until), start=0)
    assert mandated_through(mandate, calendar, start, min(end, until), {}) == expected
