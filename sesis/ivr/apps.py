"""First attends: reported by telephone (IVR) or a feed, kept, and processed onto caseloads."""

from __future__ import annotations

from django.apps import AppConfig


class IvrConfig(AppConfig):
    name = "sesis.ivr"
    verbose_name = "First attends (IVR)"
