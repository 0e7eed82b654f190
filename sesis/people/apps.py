"""Staff: roles, provider types, agencies, disciplines, and supervisors' access scopes."""

from __future__ import annotations

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sesis.people"
    verbose_name = "People"
