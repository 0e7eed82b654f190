"""API tokens and idempotency keys."""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone


class TokenKind(models.TextChoices):
    PERSONAL = "personal", "Personal"
    SERVICE = "service", "Service"


# What a service token may do. A personal token may do everything its owner may.
SCOPES = {
    "students:read": "Read students and their mandates",
    "staff:read": "Read staff",
    "caseloads:read": "Read caseloads",
    "caseloads:write": "Add students to and remove them from caseloads",
    "records:read": "Read service records",
    "records:write": "Record, edit, certify and amend service records",
    "first_attends:read": "Read first attends",
    "first_attends:write": "Report first attends (an outside IVR)",
    "calendar:read": "Read the school calendar",
    "reports:read": "Read and export the Encounter Attendance and compliance reports",
}


def token_digest(secret: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is enough to keep them
    unreadable at rest while a lookup stays one index probe."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), staff__is_active=True)


class ApiToken(models.Model):
    """A bearer token for a machine. A personal token acts as the staff member who
    made it, with their access. A service token is made by an administrator for
    another district system; it acts with that administrator's access, narrowed to
    its scopes. Only a digest is kept: the token itself is shown once."""

    staff = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="api_tokens")
    kind = models.CharField(max_length=10, choices=TokenKind.choices)
    name = models.CharField(max_length=100)
    scopes = models.JSONField(default=list, help_text="Service tokens only; a personal token has every scope.")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to tell tokens apart.")
    created_at = models.DateTimeField(db_default=Now())
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey("people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=TokenKind.values), name="api_token_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | models.Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="api_token_revoked_has_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} token {self.name!r} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and self.staff.is_active

    def allows(self, scope: str) -> bool:
        return self.kind == TokenKind.PERSONAL or scope in self.scopes


class IdempotencyKey(models.Model):
    """The first response to a request that carried an Idempotency-Key, so that a
    retry with the same key gets that response instead of doing the work twice. The
    row is written in the same transaction as the work, so it exists exactly when
    the work was done."""

    staff = models.ForeignKey("people.Staff", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(db_default=Now(), db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"Idempotency key {self.key!r} of {self.staff_id}"
