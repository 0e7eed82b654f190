"""IEP mandates, and the assignments and RSAs that give a provider permission to serve them."""

from __future__ import annotations

from django.apps import AppConfig


class MandatesConfig(AppConfig):
    name = "sesis.mandates"
    verbose_name = "Mandates"
