"""Long work done for a user in the background (a citywide export, a month's claim
file): the job, its progress and its file, kept for its requester for a limited time."""

from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "sesis.jobs"
    verbose_name = "Background jobs"
