"""manage.py check --deploy: an IVR that is enabled must be able to verify a call.
With signature checking on and no secret to check with, every call would get 403."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error


def ivr_can_verify_calls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.SESIS_IVR_ENABLED:
        return []
    if not settings.SESIS_IVR_VERIFY_SIGNATURE:
        return [
            Error(
                "SESIS_IVR_VERIFY_SIGNATURE is false: anyone could report first attends by posting to the webhook.",
                hint="Set SESIS_IVR_VERIFY_SIGNATURE=true in production (false is for development only).",
                id="sesis.ivr.E002",
            )
        ]
    if not settings.SESIS_IVR_AUTH_TOKEN and not settings.SESIS_IVR_SHARED_KEY:
        return [
            Error(
                "The IVR is enabled but neither SESIS_IVR_AUTH_TOKEN nor SESIS_IVR_SHARED_KEY is set: "
                "every call would be refused with 403.",
                hint="Set the telephony account's auth token (or SharedKey secret), or SESIS_IVR_ENABLED=false.",
                id="sesis.ivr.E001",
            )
        ]
    return []
