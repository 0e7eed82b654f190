"""Riding out a database restart or failover in long-running commands."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)
T = TypeVar("T")

# How long to wait for the database to come back before giving up: 1 + 2 + 4 + ...
# seconds, about two minutes in all.
RECONNECT_WAITS: tuple[float, ...] = (1, 2, 4, 8, 15, 30, 60)


def reconnecting(work: Callable[[], T], waits: tuple[float, ...] = RECONNECT_WAITS) -> T:
    """work(), run again on a fresh connection while the database cannot be reached.
    work must be safe to repeat: one transaction, or idempotent steps (what a lost
    connection interrupted was rolled back with it)."""
    for wait in (*waits, None):
        try:
            return work()
        except (OperationalError, InterfaceError):
            if wait is None:
                raise
            logger.warning("The database connection was lost; reconnecting in %s s.", wait)
            connection.close()
            time.sleep(wait)
    raise AssertionError("unreachable")
