"""Reads on a read replica (SESIS_REPLICA_DATABASE_URL: a PostgreSQL streaming replica).

Only the reads inside `replica_reads()` may go there: the reports, their exports, the
supervisor's dashboard and the API's report reads (the callers say so). Everything else
stays on the primary, and so do, even inside `replica_reads()`:

- every write (`db_for_write` is always the primary; the replica would refuse it anyway);
- every read inside a write (a read while a transaction is open on the primary);
- the reads of someone who changed something a moment ago (the caller's `own_writes`
  says so: read-your-writes);
- all reads while the replica lags more than SESIS_REPLICA_MAX_LAG_SECONDS behind the
  primary, or does not answer. Its lag is measured at most every
  SESIS_REPLICA_CHECK_SECONDS per process.

Without a replica configured, every read and write goes to the primary, as before.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"

# The replica's lag in seconds: 0 while it streams from the primary and has replayed all
# it received; otherwise the time since the last transaction it replayed (a paused
# replay, or a replica cut off from its primary, grows older by the second). Reading
# pg_stat_wal_receiver's status needs the pg_read_all_stats role (docs/district-scale.md);
# without it the replica counts as cut off, which errs on the side of the primary.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN COALESCE((SELECT status FROM pg_stat_wal_receiver LIMIT 1), '') = 'streaming'
         AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 1e9)
END
"""


def replica_configured() -> bool:
    return REPLICA in connections.settings


@dataclass(frozen=True)
class Health:
    """What the last check of the replica found."""

    usable: bool
    state: str  # "ok", "lagging" or "down"
    lag: float | None  # seconds behind the primary; None when it did not answer
    checked: float  # time.monotonic() of the check


_health: Health | None = None
_health_lock = threading.Lock()


def replica_health(*, fresh: bool = False) -> Health:
    """The replica's state, measured at most every SESIS_REPLICA_CHECK_SECONDS."""
    global _health
    with _health_lock:
        known = _health
        if not fresh and known is not None and time.monotonic() - known.checked < settings.SESIS_REPLICA_CHECK_SECONDS:
            return known
        health = _measure()
        if known is None or known.state != health.state:
            level = logging.INFO if health.usable else logging.WARNING
            logger.log(
                level,
                "The read replica is %s (lag %s s)%s",
                health.state,
                health.lag,
                "" if health.usable else ": its reads go to the primary",
            )
        _health = health
        return health


def _measure() -> Health:
    now = time.monotonic()
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            (lag,) = cursor.fetchone()
    except DatabaseError:
        try:
            connection.close()  # reconnect at the next check
        except DatabaseError:
            pass
        return Health(usable=False, state="down", lag=None, checked=now)
    lag = float(lag)
    if lag > settings.SESIS_REPLICA_MAX_LAG_SECONDS:
        return Health(usable=False, state="lagging", lag=lag, checked=now)
    return Health(usable=True, state="ok", lag=lag, checked=now)


def forget_health() -> None:
    """Measure again at the next read (tests; after reconfiguring the replica)."""
    global _health
    with _health_lock:
        _health = None


class Reads:
    """One request's (or one job's) permission to read from the replica, decided at its
    first read and kept, so that all its reads come from one place."""

    def __init__(self, own_writes: Callable[[], bool]) -> None:
        self.own_writes = own_writes
        self.decided: bool | None = None
        self.why = ""

    def on_replica(self) -> bool:
        if not replica_configured():
            return False
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:  # a read inside a write
            return False
        if self.decided is None:
            if self.own_writes():
                self.decided, self.why = False, "own writes"
            else:
                health = replica_health()
                self.decided, self.why = health.usable, health.state
        return self.decided


_reads: ContextVar[Reads | None] = ContextVar("sesis_replica_reads", default=None)


@contextmanager
def replica_reads(own_writes: Callable[[], bool] = lambda: False) -> Iterator[Reads]:
    """Let the reads inside go to the replica, unless `own_writes()` (asked once, at the
    first read) says the reader changed something a moment ago."""
    reads = Reads(own_writes)
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


T = TypeVar("T")


def iterate_with(reads: Reads, items: Iterable[T]) -> Iterator[T]:
    """Iterate `items` (a streamed response's rows, read after the view has returned)
    with the reads it was made with."""
    iterator = iter(items)
    while True:
        token = _reads.set(reads)
        try:
            item = next(iterator)
        except StopIteration:
            return
        finally:
            _reads.reset(token)
        yield item


class ReplicaRouter:
    """DATABASE_ROUTERS: the replica for the reads inside replica_reads(), when it may
    serve them; the primary for everything else."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        reads = _reads.get()
        if reads is not None and reads.on_replica():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema
