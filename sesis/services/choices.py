"""The Service Record form's fixed lists, in the words of the user guide."""

from __future__ import annotations

from django.db import models

from sesis.lib.codes import LANGUAGE_CHOICES, LANGUAGES, ServiceLocation

__all__ = ["LANGUAGES", "LANGUAGE_CHOICES", "ServiceLocation"]


class SessionType(models.TextChoices):
    PROVIDED = "provided", "Service Provided"
    STUDENT_ABSENT = "student_absent", "Student Absent"
    PROVIDER_ABSENT = "provider_absent", "Provider Absent"
    CANCELLED = "cancelled", "Cancelled"


MISSED = (SessionType.STUDENT_ABSENT, SessionType.PROVIDER_ABSENT, SessionType.CANCELLED)


class CancelReason(models.TextChoices):
    SCHOOL_CLOSING = "school_closing", "Unscheduled school closing (e.g. snow day, half-day)"
    SCHOOL_ACTIVITY = "school_activity", "Student unavailable: other school activity (e.g. trip, assembly, testing)"
    PROVIDER_TASK = "provider_task", "Provider on another DOE task (e.g. IEP meeting, training)"
    OTHER = "other", "Other (explain in Session Notes)"


class Grouping(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    GROUP = "group", "Group"


class ServiceDescription(models.TextChoices):
    ALTERNATE_PLACEMENT = "alternate_placement", "Alternate Placement"
    CRISIS = "crisis", "Crisis"
    HEALTH = "health", "Health"
    MOBILITY = "mobility", "Mobility"
    SIGN_INTERPRETER = "sign_interpreter", "Sign Interpreter"
    TRAVEL_TRAINER = "travel_trainer", "Travel Trainer"
    SPECIAL_TRANSPORTATION = "special_transportation", "Special Transportation"
    TOILETING = "toileting", "Toileting"


class ProgressIndicator(models.TextChoices):
    PROGRESSING = "progressing", "Progressing"
    LIMITED = "limited", "Limited Progress"
    NONE = "none", "No Progress"
    REGRESSING = "regressing", "Regressing"
    GOAL_MET = "goal_met", "Goal Met"


# LANGUAGES and LANGUAGE_CHOICES live in sesis.lib.codes (imports read them too).


# Services whose providers must write Session Notes (DESIGN.md).
NOTES_REQUIRED = {"OT", "PT", "SPEECH"}

# Services whose providers may mark Session Notes confidential (counseling): shown then
# only to their author and administrators, left out of exports, every view logged.
CONFIDENTIAL_SERVICES = frozenset({"COUNSELING"})
CONFIDENTIAL_HIDDEN = "Confidential counseling notes (shown only to their author and administrators)"

# The guide's explanations, shown at the fields they explain.
SESSION_TYPE_HELP = (
    "Student Absent: the student was absent from school, or was in school but refused the service. "
    "Provider Absent: you were absent (e.g. sick leave, personal leave). "
    "Cancelled: any other reason, such as an unscheduled school closing, a school activity, or another DOE task. "
    "Days shown in gray on the Services Calendar need no record."
)
GROUP_HELP = (
    "For a group, enter the number of students present. If only one student of a group came, choose Group and 1."
)
DESCRIPTION_HELP = "A specialty not listed (e.g. ambulatory): choose Health and name your service in Session Notes."
CONFIDENTIAL_HELP = "Counseling only: the notes are then shown only to you and administrators, and left out of exports."
PROGRESS_HELP = "Progress towards the IEP annual goals. Required of paraprofessionals for Service Provided."
