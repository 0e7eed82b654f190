"""Verifying that a webhook request comes from the telephony provider: the
X-Twilio-Signature convention, base64(HMAC-SHA1(account token, URL + each POST
parameter's name and value, sorted by name))."""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest


def expected_signature(token: str, url: str, params: dict[str, list[str]]) -> str:
    payload = url + "".join(name + value for name in sorted(params) for value in params[name])
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def public_url(request: HttpRequest) -> str:
    """The URL the provider called: behind a proxy, SESIS_IVR_BASE_URL gives the public origin."""
    base = settings.SESIS_IVR_BASE_URL.rstrip("/")
    return base + request.get_full_path() if base else request.build_absolute_uri()


def request_is_signed(request: HttpRequest) -> bool:
    if not settings.SESIS_IVR_VERIFY_SIGNATURE:
        return True
    token = settings.SESIS_IVR_AUTH_TOKEN
    given = request.headers.get("X-Twilio-Signature", "")
    if not token or not given:
        return False
    params = {name: request.POST.getlist(name) for name in request.POST}
    return hmac.compare_digest(expected_signature(token, public_url(request), params), given)
