"""Safe retries. A create that carries an Idempotency-Key header is done once: the
key, a fingerprint of the request and the response are stored in the same
transaction as the work, so a retry (after a timeout, a dropped connection) gets the
first response again. Two requests with the same key at the same moment are
serialised by the key's unique constraint: the second waits for the first and then
replays it. A refused request stores nothing, so it can be corrected and retried."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from ninja import Header

from sesis.api.errors import ApiError
from sesis.api.models import IdempotencyKey
from sesis.people.models import Staff

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"

# The headers as operation parameters, so that the schema documents them.
IDEMPOTENCY_KEY: Any = Header(
    None,
    alias=HEADER,
    max_length=255,
    pattern=r"^[ -~]*[!-~][ -~]*$",
    description="Any unique string of printable ASCII (a UUID, say); the same key again replays the first response",
)
IF_MATCH: Any = Header(None, alias="If-Match", max_length=40, description="The record's ETag, as read")


class _KeyTaken(Exception):
    pass


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _respond(status: int, body: Any, *, replayed: bool = False) -> JsonResponse:
    response = JsonResponse(body, status=status, encoder=DjangoJSONEncoder, safe=False)
    if replayed:
        response[REPLAYED] = "true"
    return response


def _replay(request: HttpRequest, stored: IdempotencyKey, fingerprint: str) -> JsonResponse:
    if stored.fingerprint != fingerprint:
        raise ApiError(
            422,
            "idempotency_key_reused",
            f"This {HEADER} was already used for a different request; use a new key for a new request.",
            field=HEADER,
        )
    return _respond(stored.status_code, stored.body, replayed=True)


def idempotent(request: HttpRequest, actor: Staff, work: Callable[[], tuple[int, dict[str, Any]]]) -> JsonResponse:
    """Run work (which returns a status and a JSON-ready body, already in the
    operation's response schema) at most once per key."""
    key = request.headers.get(HEADER)
    if key is None:
        return _respond(*work())
    key = key.strip()
    if not key or len(key) > 255 or not key.isprintable():
        raise ApiError(422, "invalid_idempotency_key", f"An {HEADER} is 1 to 255 printable characters.", field=HEADER)
    fingerprint = _fingerprint(request)
    stored = IdempotencyKey.objects.filter(staff=actor, key=key).first()
    if stored is not None:
        return _replay(request, stored, fingerprint)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = IdempotencyKey.objects.create(
                        staff=actor, key=key, fingerprint=fingerprint, status_code=0, body={}
                    )
            except IntegrityError:
                raise _KeyTaken from None
            status, body = work()
            row.status_code, row.body = status, body
            row.save(update_fields=["status_code", "body"])
    except _KeyTaken:
        # A request with the same key committed first: answer as it was answered.
        return _replay(request, IdempotencyKey.objects.get(staff=actor, key=key), fingerprint)
    return _respond(status, body)
