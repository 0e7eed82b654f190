"""Sign-in throttling (OWASP ASVS V2.2.1, NIST SP 800-63B §5.2.2). Failed sign-ins are
rows in the database, so every app server sees the same counts:

- per account: SESIS_SIGNIN_ACCOUNT_LIMIT failures within the window lock the account
  for the rest of the window, and SESIS_SIGNIN_ACCOUNT_DAILY_LIMIT (100) within a day
  lock it until the day's failures age out; a successful sign-in clears the account's
  failures;
- per address: SESIS_SIGNIN_ADDRESS_LIMIT failures from one network address within the
  window, whatever the accounts (a school's staff share an address, so this is higher).

The web's password and the telephone's PIN are counted apart (the telephone company's
addresses are not the caller's, so the IVR is throttled per account only). While a
lock holds the password is not even checked, so guesses during a lock learn nothing."""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from sesis.audit.actions import audit_record
from sesis.people.models import SignInFailure

Channel = SignInFailure.Channel


def client_address(request: HttpRequest) -> str | None:
    """The caller's address: the connection's, or behind SESIS_TRUSTED_PROXY_COUNT
    proxies the one the outermost of them saw (X-Forwarded-For, read from the right,
    so a client cannot choose it)."""
    count = settings.SESIS_TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return _address(hops[-count])
    return _address(request.META.get("REMOTE_ADDR") or "")


def _address(text: str) -> str | None:
    """An IP address as text, or None for anything else (a Unix socket's empty
    address, a proxy count set too high)."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SESIS_SIGNIN_WINDOW_SECONDS)


def _minutes() -> int:
    return max(1, settings.SESIS_SIGNIN_WINDOW_SECONDS // 60)


def refusal(*, channel: str, account: str, address: str | None) -> str | None:
    """Why a sign-in may not be tried now, or None if it may."""
    now = timezone.now()
    failures = SignInFailure.objects.filter(channel=channel, account=account)
    if failures.filter(at__gte=now - _window()).count() >= settings.SESIS_SIGNIN_ACCOUNT_LIMIT:
        return (
            f"Too many failed sign-ins for this staff ID. Wait {_minutes()} minutes and try again, "
            "or ask your administrator to set a new password."
        )
    if failures.filter(at__gte=now - dt.timedelta(days=1)).count() >= settings.SESIS_SIGNIN_ACCOUNT_DAILY_LIMIT:
        return "Too many failed sign-ins for this staff ID today. Ask your administrator to set a new password."
    if (
        address
        and SignInFailure.objects.filter(address=address, at__gte=now - _window()).count()
        >= settings.SESIS_SIGNIN_ADDRESS_LIMIT
    ):
        return f"Too many failed sign-ins from this network. Wait {_minutes()} minutes and try again."
    return None


@transaction.atomic
def record_failure(*, channel: str, account: str, address: str | None) -> None:
    account = account[:150]
    SignInFailure.objects.create(channel=channel, account=account, address=address)
    # Rows older than a day no longer count for anything.
    SignInFailure.objects.filter(account=account, at__lt=timezone.now() - dt.timedelta(days=1)).delete()
    if refusal(channel=channel, account=account, address=address):
        audit_record(
            actor=None, action="signin.locked", details={"channel": channel, "account": account, "address": address}
        )


def clear(*, channel: str, account: str) -> None:
    SignInFailure.objects.filter(channel=channel, account=account).delete()
