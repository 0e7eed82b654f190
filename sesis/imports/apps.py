"""CSV imports: the framework every kind's importer uses, and `manage.py import KIND FILE`."""

from __future__ import annotations

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "sesis.imports"
    verbose_name = "Imports"
