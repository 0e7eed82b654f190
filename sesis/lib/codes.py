"""Codes shared by several apps: the service types of DESIGN.md."""

from __future__ import annotations

from django.db import models


class ServiceType(models.TextChoices):
    SPEECH = "SPEECH", "Speech-Language Therapy"
    OT = "OT", "Occupational Therapy"
    PT = "PT", "Physical Therapy"
    COUNSELING = "COUNSELING", "Counseling Services"
    HEARING = "HEARING", "Hearing Education Services"
    VISION = "VISION", "Vision Education Services"
    HEALTH = "HEALTH", "School Health Services"
    OM = "OM", "Orientation and Mobility"
    PARA = "PARA", "Paraprofessional"


# Read once: an enumeration's .choices and .values are built anew at each use, which a
# file of 100,000 rows reading one per row pays for.
SERVICE_CHOICES = ServiceType.choices
SERVICE_CODES = frozenset(ServiceType.values)


# Where a session took place: the Service Record form's Service Location, and a
# mandate's location (imports keep the label, which the form pre-fills).
class ServiceLocation(models.TextChoices):
    CLASSROOM = "classroom", "Classroom"
    SEPARATE = "separate", "Separate location in school"
    OTHER_SCHOOL = "other_school", "Other school site"
    HOME = "home", "Home"
    HOSPITAL = "hospital", "Hospital"
    COMMUNITY = "community", "Community site"
    REMOTE = "remote", "Remote (teletherapy)"


# Languages of service (the Service Record form's list; imports of mandates, students
# and staff accept these names, in any case).
LANGUAGES = [
    "English",
    "Spanish",
    "Chinese",
    "Bengali",
    "Russian",
    "Arabic",
    "Haitian Creole",
    "Korean",
    "Urdu",
    "French",
    "Polish",
    "Yiddish",
    "Italian",
    "Hindi",
    "American Sign Language",
    "Other",
]

LANGUAGE_CHOICES = [(name, name) for name in LANGUAGES]
