"""Medicaid claim files (ASC X12 837P), their runs, and the lists of unclaimable sessions."""

from __future__ import annotations

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "sesis.claims"
    verbose_name = "Claims"
