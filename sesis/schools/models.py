from __future__ import annotations

from django.db import models


class Borough(models.TextChoices):
    MANHATTAN = "M", "Manhattan"
    BRONX = "X", "Bronx"
    BROOKLYN = "K", "Brooklyn"
    QUEENS = "Q", "Queens"
    STATEN_ISLAND = "R", "Staten Island"


class School(models.Model):
    """A school, known by its DBN: district, borough, number (02M123)."""

    dbn = models.CharField("DBN", max_length=6, unique=True)
    name = models.CharField(max_length=200)
    district = models.PositiveSmallIntegerField(db_index=True)
    borough = models.CharField(max_length=1, choices=Borough.choices)

    class Meta:
        ordering = ["dbn"]
        constraints = [
            models.CheckConstraint(condition=models.Q(borough__in=Borough.values), name="school_borough_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.dbn} {self.name}"
