"""Which reads may go to the read replica (sesis.lib.replica), and read-your-writes:
whoever changed something in the last SESIS_REPLICA_OWN_WRITES_SECONDS reads from the
primary. A change is known by its audit event, which every change writes in its own
transaction, whatever way it came in (web, API, IVR, import, job), on any app server.
Logged reads (a disclosure, a file downloaded) are not changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import DateTimeField, ExpressionWrapper, Value
from django.db.models.functions import Now
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from sesis.audit.models import AuditEvent
from sesis.lib.replica import Reads, iterate_with, replica_reads

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

# Logged reads, not changes: a disclosure, asking for a file, downloading it.
NOT_CHANGES = ("disclosure.", "job.request", "job.download")


def wrote_recently(staff_id: int) -> bool:
    """Whether this staff member changed anything within the window (database clock)."""
    since = ExpressionWrapper(
        Now() - Value(dt.timedelta(seconds=settings.SESIS_REPLICA_OWN_WRITES_SECONDS)),
        output_field=DateTimeField(),
    )
    events = AuditEvent.objects.using(DEFAULT_DB_ALIAS).filter(actor_id=staff_id, at__gte=since)
    for prefix in NOT_CHANGES:
        events = events.exclude(action__startswith=prefix)
    return events.exists()


def replica_reads_for(staff_id: int | None) -> AbstractContextManager[Reads]:
    """The reads of one person, on the primary while their own change is recent (None:
    no one signed in, so no change of theirs to wait for)."""
    if staff_id is None:
        return replica_reads()
    return replica_reads(lambda: wrote_recently(staff_id))


def reads_from_replica(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A report's view: its reads may go to the replica, those of a streamed file too."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with replica_reads_for(request.user.pk) as reads:
            response = view(request, *args, **kwargs)
        return streamed_with(reads, response)

    return wrapped


def streamed_with(reads: Reads, response: HttpResponseBase) -> HttpResponseBase:
    """A streamed response reads its rows after the view returns: with the same reads."""
    if response.streaming:
        response.streaming_content = iterate_with(reads, response.streaming_content)  # type: ignore[attr-defined]
    return response
