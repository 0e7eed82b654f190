"""First attends: reported by telephone (IVR) or a feed, kept, and processed onto caseloads."""

from __future__ import annotations

from django.apps import AppConfig


class IvrConfig(AppConfig):
    name = "sesis.ivr"
    verbose_name = "First attends (IVR)"

    def ready(self) -> None:
        from django.core import checks

        from sesis.ivr.checks import ivr_can_verify_calls

        checks.register(ivr_can_verify_calls, checks.Tags.security, deploy=True)
