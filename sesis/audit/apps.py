"""The append-only audit log: who did what to which record, and when."""

from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sesis.audit"
    verbose_name = "Audit"
