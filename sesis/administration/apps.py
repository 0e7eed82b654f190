"""Administration pages for supervisors and administrators: staff, passwords, the record of access."""

from __future__ import annotations

from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "sesis.administration"
    verbose_name = "Administration"
