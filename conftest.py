"""Fixtures shared by every test: the personas' district, and the plumbing that lets
transactional tests (live server, threads) empty the database between tests although
some tables are append-only."""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from sesis.lib import dbtriggers
from tests.factories import District, build_district

_lifted = False


def _apply(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@pytest.fixture(autouse=True)
def _immutability_triggers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Test databases are emptied between transactional tests by DELETE (SQLite) or
    TRUNCATE; the immutability triggers would refuse the DELETE. Lift them just for
    that flush and put them back before the next test."""
    global _lifted
    uses_db = any(name in request.fixturenames for name in ("db", "transactional_db", "live_server", "django_db_setup"))
    if not uses_db and request.node.get_closest_marker("django_db") is None:
        yield
        return
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        transactional = True
    request.getfixturevalue("transactional_db" if transactional else "db")
    if _lifted:
        for rows in dbtriggers.ALL:
            _apply(rows.create_sql(connection.vendor))
        _lifted = False
    yield
    if transactional:
        for rows in dbtriggers.ALL:
            _apply(rows.drop_sql(connection.vendor))
        _lifted = True


@pytest.fixture
def district(db: None) -> District:
    return build_district()


FROZEN_TODAY = dt.date(2026, 11, 18)  # a Wednesday


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> object:
    """Freeze the school's today at Wednesday 2026-11-18 for date rules (the entry
    window is then 2026-10-01 to 2026-11-18). Every rule reads timezone.localdate()."""
    from django.utils import timezone

    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return FROZEN_TODAY if value is None else real(value, timezone)

    monkeypatch.setattr(timezone, "localdate", localdate)
    return FROZEN_TODAY


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """An empty database of the suite's own kind for tests that run real processes
    (manage.py in a subprocess): a file for SQLite, a new database on PostgreSQL."""
    if connection.vendor == "sqlite":
        path = Path(tempfile.gettempdir()) / f"sesis-scratch-{uuid.uuid4().hex}.sqlite3"
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    params = connection.settings_dict
    name = f"sesis_scratch_{uuid.uuid4().hex[:12]}"
    admin = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
