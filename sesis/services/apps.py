"""Service records: the sessions providers deliver, their certification, amendments and group sessions."""

from __future__ import annotations

from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "sesis.services"
    verbose_name = "Service records"
