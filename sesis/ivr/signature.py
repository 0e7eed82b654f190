"""Verifying that a webhook request comes from the telephony provider, exactly as
Twilio signs it (and as its own RequestValidator checks it):

- the string signed is the URL the provider called, then each POST parameter's name
  and value, names sorted, and each name's distinct values sorted: a repeated
  parameter contributes every value;
- the MAC is HMAC-SHA1 keyed with the account's auth token, or, when the request
  carries X-Twilio-Webhooks-Signature-Settings (a SharedKey signature), the
  algorithm that header names (HMAC_SHA1 or HMAC_SHA256) keyed with the shared key's
  secret;
- the URL is tried as called and with its default port added or removed, because the
  provider signs either form."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

SIGNATURE = "X-Twilio-Signature"
SETTINGS = "X-Twilio-Webhooks-Signature-Settings"
ALGORITHMS = {"HMAC_SHA1": hashlib.sha1, "HMAC_SHA256": hashlib.sha256}


def signed_string(url: str, params: Mapping[str, Sequence[str]]) -> str:
    return url + "".join(name + value for name in sorted(params) for value in sorted(set(params[name])))


def expected_signature(secret: str, url: str, params: Mapping[str, Sequence[str]], algorithm: str = "HMAC_SHA1") -> str:
    digest = hmac.new(secret.encode(), signed_string(url, params).encode(), ALGORITHMS[algorithm]).digest()
    return base64.b64encode(digest).decode()


def public_url(request: HttpRequest) -> str:
    """The URL the provider called: behind a proxy, SESIS_IVR_BASE_URL gives the public origin."""
    base = settings.SESIS_IVR_BASE_URL.rstrip("/")
    return base + request.get_full_path() if base else request.build_absolute_uri()


def url_forms(url: str) -> list[str]:
    """The URL as called, without its port, and with the scheme's default port."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    forms = [
        url,
        parts._replace(netloc=prefix + host).geturl(),
        parts._replace(netloc=f"{prefix}{host}:{port}").geturl(),
    ]
    return list(dict.fromkeys(forms))


def _settings_header(value: str) -> dict[str, str]:
    pairs = (part.partition("=") for part in value.split(","))
    return {name.strip(): found.strip() for name, sep, found in pairs if sep}


def request_is_signed(request: HttpRequest) -> bool:
    if not settings.SESIS_IVR_VERIFY_SIGNATURE:
        return True
    given = request.headers.get(SIGNATURE, "")
    if not given:
        return False
    shared = request.headers.get(SETTINGS)
    if shared is None:
        secret, algorithm = settings.SESIS_IVR_AUTH_TOKEN, "HMAC_SHA1"
    else:
        named = _settings_header(shared)
        secret, algorithm = settings.SESIS_IVR_SHARED_KEY, named.get("algorithm", "HMAC_SHA1").upper()
        key_id = settings.SESIS_IVR_SHARED_KEY_ID
        if key_id and named.get("key") != key_id:
            return False
    if not secret or algorithm not in ALGORITHMS:
        return False
    params = {name: request.POST.getlist(name) for name in request.POST}
    return any(
        hmac.compare_digest(expected_signature(secret, url, params, algorithm), given)
        for url in url_forms(public_url(request))
    )
