from __future__ import annotations

from django.db import models


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "Holiday"
    RECESS = "recess", "Recess"
    CLOSURE = "closure", "Closure"
    SCHOOL_DAY = "school_day", "School day"


class CalendarDay(models.Model):
    """An exception to the ordinary week: a holiday, recess or closure on a weekday,
        or a school day on a weekend. For one school, one district, or citywide when both
    are blank."""

    date = models.DateField()
    kind = models.CharField(max_length=20, choices=DayKind.choices)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT)
    district = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)
    range_id = models.UUIDField(
        null=True, blank=True, db_index=True, help_text="The days added together as one range (a recess), if any"
    )

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(school__isnull=True, district__isnull=True),
                name="calendar_citywide_once",
            ),
            models.UniqueConstraint(fields=["date", "school"], name="calendar_school_once"),
            models.UniqueConstraint(fields=["date", "district"], name="calendar_district_once"),
            models.CheckConstraint(
                condition=models.Q(school__isnull=True) | models.Q(district__isnull=True),
                name="calendar_school_or_district",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=DayKind.values), name="calendar_kind_valid"),
        ]

    def __str__(self) -> str:
        where = self.school.dbn if self.school else f"district {self.district}" if self.district else "citywide"
        return f"{self.date} {self.get_kind_display()} ({where})"
