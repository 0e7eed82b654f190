"""The site on top: homepage, sign-in and profile, URLs, the demo and scale districts, operations commands."""

from __future__ import annotations

from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "sesis.site"
    verbose_name = "Site"
