"""Caseload entries: which provider serves which student, and how they got there."""

from __future__ import annotations

from django.apps import AppConfig


class CaseloadsConfig(AppConfig):
    name = "sesis.caseloads"
    verbose_name = "Caseloads"
