"""Pictures of delivered against mandated sessions, week by week: for one student
(a chart per mandate) and for a school (all its mandates together). Drawn as SVG on
the server: bars for sessions, and under each week its minutes delivered of mandated
(a week can be met in sessions and short in minutes, and is then marked short). Not
colour alone: mandated is an outlined bar, delivered a solid one, each bar carries its
number, a short week is marked "short" in words, and the same
figures are in a table beside the picture."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.utils import timezone

from sesis.reports.compliance import Counts, Line, week_start, whole

HEIGHT = 160  # drawing area, in SVG units
BAR_WIDTH = 18
SLOT = 56  # one week: two bars and the gap (sesis.css's .sesis-chart__row li matches it)
FIRST_X = 30  # the first bar's x (sesis.css's .sesis-chart__row padding matches it)
TOP = 4


@dataclass
class Bar:
    week: dt.date
    mandated: int
    delivered: int
    in_progress: bool
    mandated_minutes: int = 0
    delivered_minutes: int = 0
    x: int = 0
    mandated_y: int = 0
    mandated_height: int = 0
    delivered_y: int = 0
    delivered_height: int = 0

    @property
    def short(self) -> bool:
        """A finished week short in sessions, or in minutes (short sessions)."""
        return not self.in_progress and (
            self.delivered < self.mandated or self.delivered_minutes < self.mandated_minutes
        )

    @property
    def short_by(self) -> int:
        return max(0, self.mandated - self.delivered)

    @property
    def minutes_short(self) -> int:
        return max(0, self.mandated_minutes - self.delivered_minutes)

    @property
    def delivered_x(self) -> int:
        return self.x + BAR_WIDTH + 2

    @property
    def center_x(self) -> int:
        return self.x + BAR_WIDTH + 1

    @property
    def mandated_center_x(self) -> int:
        return self.x + BAR_WIDTH // 2

    @property
    def delivered_center_x(self) -> int:
        return self.delivered_x + BAR_WIDTH // 2

    @property
    def label(self) -> str:
        return f"{self.week:%b} {self.week.day}"


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    width: int
    # The picture holds only the bars and the axis. The numbers and the week labels are
    # HTML rows above and below it (aligned to the bars by CSS), so that every text's
    # contrast can be measured: axe cannot decide the contrast of text drawn in an SVG.
    height: int = TOP + HEIGHT + 4
    axis_y: int = TOP + HEIGHT

    @property
    def summary(self) -> str:
        """The text alternative: what the picture says, in one sentence."""
        short = [bar for bar in self.bars if bar.short]
        delivered = sum(bar.delivered for bar in self.bars)
        mandated = sum(bar.mandated for bar in self.bars)
        weeks = f"{len(short)} of {len(self.bars)} week{'s' if len(self.bars) != 1 else ''} short"
        sessions = "session" if delivered == 1 else "sessions"
        minutes = (
            f"{sum(bar.delivered_minutes for bar in self.bars)} of "
            f"{sum(bar.mandated_minutes for bar in self.bars)} minutes"
        )
        return f"{self.title}: {delivered} {sessions} delivered of {mandated} mandated ({minutes}); {weeks}."


def _weeks(start: dt.date, end: dt.date, today: dt.date) -> list[dt.date]:
    last = week_start(min(end, today))
    weeks, week = [], week_start(start)
    while week <= last:
        weeks.append(week)
        week += dt.timedelta(days=7)
    return weeks


def weekly_chart(title: str, lines: Iterable[Line], start: dt.date, end: dt.date) -> Chart:
    """One chart over the lines (built with by_week=True): per week, the sessions the
    lines mandate within the period, and those provided."""
    today = timezone.localdate()
    weeks = _weeks(start, end, today)
    totals = {week: Counts() for week in weeks}
    for line in lines:
        for week, counts in line.weeks.items():
            if week in totals:
                totals[week].add(counts)
    bars = [
        Bar(
            week=week,
            mandated=whole(totals[week].mandated or Fraction(0)),
            delivered=totals[week].provided,
            in_progress=week + dt.timedelta(days=6) >= today,
            mandated_minutes=whole(totals[week].mandated_minutes),
            delivered_minutes=totals[week].provided_minutes,
        )
        for week in weeks
    ]
    top = max([1, *(max(bar.mandated, bar.delivered) for bar in bars)])
    for i, bar in enumerate(bars):
        bar.x = FIRST_X + i * SLOT
        bar.mandated_height = round(HEIGHT * bar.mandated / top)
        bar.mandated_y = TOP + HEIGHT - bar.mandated_height
        bar.delivered_height = round(HEIGHT * bar.delivered / top)
        bar.delivered_y = TOP + HEIGHT - bar.delivered_height
    return Chart(title=title, bars=bars, width=max(200, 40 + len(bars) * SLOT))
