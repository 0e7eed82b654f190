"""API token writes: a staff member makes and revokes personal tokens on their
profile; an administrator makes and revokes service tokens for other systems."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sesis.api.models import SCOPES, ApiToken, TokenKind, token_digest
from sesis.audit.actions import audit_record
from sesis.lib.errors import ActionRefused
from sesis.people.models import Staff

PERSONAL_DAYS = (30, 90, 365)
SERVICE_DAYS = (90, 365)
TOKEN_PREFIX = "sesis_"  # noqa: S105 (a marker that secret scanners can match, not a secret)
MAX_ACTIVE_PERSONAL = 10


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def api_token_create(
    *, actor: Staff, name: str, kind: TokenKind, days: int, scopes: list[str] | None = None
) -> NewToken:
    """A new token for the actor. Personal tokens are anyone's; service tokens are made
    by administrators only and carry at least one scope."""
    name = name.strip()
    if not name:
        raise ActionRefused("Give the token a name that says what uses it.", field="name")
    if len(name) > 100:
        raise ActionRefused("A token name is at most 100 characters.", field="name")
    allowed_days = PERSONAL_DAYS if kind == TokenKind.PERSONAL else SERVICE_DAYS
    if days not in allowed_days:
        raise ActionRefused(f"Choose how long the token lasts: {', '.join(map(str, allowed_days))} days.", field="days")
    if kind == TokenKind.SERVICE:
        if not actor.is_administrator:
            raise ActionRefused("Only administrators can create service tokens.")
        scopes = sorted(set(scopes or []))
        unknown = [scope for scope in scopes if scope not in SCOPES]
        if unknown:
            raise ActionRefused(f"{unknown[0]} is not a scope.", field="scopes")
        if not scopes:
            raise ActionRefused("Choose at least one scope for the service token.", field="scopes")
    else:
        scopes = []
        active = ApiToken.objects.usable().filter(staff=actor, kind=TokenKind.PERSONAL).count()
        if active >= MAX_ACTIVE_PERSONAL:
            raise ActionRefused(f"You already have {active} tokens; revoke one you no longer use first.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        staff=actor,
        kind=kind,
        name=name,
        scopes=scopes,
        digest=token_digest(secret),
        prefix=secret[:12],
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=token,
        details={"kind": kind.value, "name": name, "scopes": scopes, "days": days},
    )
    return NewToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, actor: Staff, token: ApiToken) -> ApiToken:
    """Revoke a token at once. A personal token by its owner or an administrator; a
    service token by an administrator."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    own = locked.staff_id == actor.pk and locked.kind == TokenKind.PERSONAL
    if not own and not actor.is_administrator:
        raise ActionRefused("Only its owner or an administrator can revoke this token.")
    if locked.revoked_at is not None:
        raise ActionRefused("This token was already revoked.")
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=actor, action="api_token.revoke", obj=locked, details={"name": locked.name})
    return locked
