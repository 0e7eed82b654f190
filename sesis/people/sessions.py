"""Session timeouts. Idle: a session unused for SESIS_IDLE_SECONDS ends, so a shared
school computer left signed in is not open to the next person for the whole working
day. Absolute: a session ends SESSION_COOKIE_AGE after sign-in however busy it is
(Django's own expiry slides forward whenever the session is saved, so the sign-in time
is kept in the session and checked here)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

LAST_SEEN = "sesis_last_seen"
SIGNED_IN_AT = "sesis_signed_in_at"
# The last-seen time is written at most once a minute, not on every request.
RESOLUTION_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and "Authorization" not in request.headers:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if isinstance(last_seen, int) and now - last_seen > settings.SESIS_IDLE_SECONDS:
                minutes = settings.SESIS_IDLE_SECONDS // 60
                return self.sign_out(request, f"You were signed out after {minutes} minutes without activity.")
            if not isinstance(signed_in_at, int) or now - signed_in_at > settings.SESSION_COOKIE_AGE:
                hours = settings.SESSION_COOKIE_AGE // 3600
                return self.sign_out(request, f"You were signed out {hours} hours after you signed in.")
            if not isinstance(last_seen, int) or now - last_seen >= RESOLUTION_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def sign_out(request: HttpRequest, why: str) -> HttpResponse:
        logout(request)
        messages.info(request, f"{why} Sign in again; nothing you saved is lost.")
        return redirect_to_login(request.get_full_path())


def note_sign_in(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    """On user_logged_in: start both clocks."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now
