"""The database router without a replica (SESIS's default, and every test but
tests/test_replica.py): every read and write on the primary, replica_reads() or not;
and a replica must be PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys

from django.db import DEFAULT_DB_ALIAS, connections, router

from sesis.lib.replica import REPLICA, replica_reads
from sesis.services.models import ServiceRecord


def test_without_a_replica_everything_is_on_the_primary(db: None) -> None:
    assert REPLICA not in connections.settings
    with replica_reads():
        assert router.db_for_read(ServiceRecord) == DEFAULT_DB_ALIAS
    assert router.db_for_write(ServiceRecord) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "services")
    assert not router.allow_migrate(REPLICA, "services")


def test_a_replica_must_be_postgresql() -> None:
    env = os.environ | {"SESIS_REPLICA_DATABASE_URL": "sqlite:///replica.sqlite3"}
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env | {"DJANGO_SETTINGS_MODULE": "config.settings_test"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert "SESIS_REPLICA_DATABASE_URL must be a PostgreSQL database" in run.stderr
