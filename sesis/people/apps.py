"""Staff: roles, provider types, agencies, disciplines, and supervisors' access scopes."""

from __future__ import annotations

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sesis.people"
    verbose_name = "People"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from sesis.people.sessions import note_sign_in

        user_logged_in.connect(note_sign_in, dispatch_uid="sesis.people.note_sign_in")
