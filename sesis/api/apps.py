from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API (/api/v1/) for other district systems, with its tokens and idempotency keys."""

    name = "sesis.api"
    label = "api"
