"""The facts a Medicaid claim needs, the claim rules, and whether a session is claimable."""

from __future__ import annotations

from django.apps import AppConfig


class MedicaidConfig(AppConfig):
    name = "sesis.medicaid"
    verbose_name = "Medicaid"
