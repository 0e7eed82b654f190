from __future__ import annotations

import datetime as dt

from django.db import models

from sesis.lib.codes import ServiceType
from sesis.services.choices import ServiceDescription, ServiceLocation


class Weekday(models.IntegerChoices):
    """School weekdays, numbered as ISO does (Monday is 1)."""

    MONDAY = 1, "Monday"
    TUESDAY = 2, "Tuesday"
    WEDNESDAY = 3, "Wednesday"
    THURSDAY = 4, "Thursday"
    FRIDAY = 5, "Friday"


SHORT_DAY = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri"}


class ScheduleSlot(models.Model):
    """One recurring session of a provider's week: one student (individual) or several
    (a group), on some weekdays, at a time and a place."""

    provider = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="schedule_slots")
    service = models.CharField(max_length=20, choices=ServiceType.choices)
    weekdays = models.CharField(max_length=5, help_text="ISO weekday digits in order, e.g. 135 for Mon, Wed, Fri")
    start_time = models.TimeField()
    end_time = models.TimeField()
    location = models.CharField(max_length=20, choices=ServiceLocation.choices)
    description = models.CharField(
        max_length=30, choices=ServiceDescription.choices, blank=True, help_text="Paraprofessional slots only"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_time", "id"]
        indexes = [models.Index(fields=["provider", "start_time"], name="slot_provider_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_time__lt=models.F("end_time")), name="slot_start_before_end"
            ),
            models.CheckConstraint(
                condition=models.Q(weekdays__regex=r"^1?2?3?4?5?$") & ~models.Q(weekdays=""), name="slot_weekdays_valid"
            ),
            models.CheckConstraint(condition=models.Q(service__in=ServiceType.values), name="slot_service_valid"),
            models.CheckConstraint(condition=models.Q(location__in=ServiceLocation.values), name="slot_location_valid"),
            models.CheckConstraint(
                condition=models.Q(description="") | models.Q(service=ServiceType.PARA),
                name="slot_description_para_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.days_display} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def days(self) -> list[int]:
        return [int(d) for d in self.weekdays]

    @property
    def days_display(self) -> str:
        return ", ".join(SHORT_DAY[d] for d in self.days)

    @property
    def minutes(self) -> int:
        return (self.end_time.hour * 60 + self.end_time.minute) - (self.start_time.hour * 60 + self.start_time.minute)

    def meets_on(self, day: dt.date) -> bool:
        return day.isoweekday() in self.days


class SlotStudent(models.Model):
    """A student of a slot; a slot with several is a group."""

    slot = models.ForeignKey(ScheduleSlot, on_delete=models.CASCADE, related_name="members")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="schedule_memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slot", "student"], name="slot_student_once")]

    def __str__(self) -> str:
        return f"{self.student} in {self.slot}"
