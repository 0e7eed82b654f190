"""What each user may see: the one scope policy, and the signed-in request that carries it."""

from __future__ import annotations

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "sesis.access"
    verbose_name = "Access"
