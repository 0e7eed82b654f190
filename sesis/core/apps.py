"""Shared base pieces: service codes, search keys, the CSV import framework, the homepage and sign-in."""

from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sesis.core"
    verbose_name = "Core"
