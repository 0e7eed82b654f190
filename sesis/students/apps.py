"""Students, their school enrolments, and Student Quick Search."""

from __future__ import annotations

from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "sesis.students"
    verbose_name = "Students"
