"""Schools, identified by DBN, and the districts they belong to."""

from __future__ import annotations

from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "sesis.schools"
    verbose_name = "Schools"
