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
