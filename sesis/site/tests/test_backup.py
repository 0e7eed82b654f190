"""Backup and restore, as docs/operations.md says to do them, on a scratch database of
the suite's own kind: back up the demo district while it is in use, restore into a new
database, and compare every table's rows and every certification hash; then show the
check catches a restore that lost or altered something."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

from sesis.ivr.tests.test_kill import manage


def verify(url: str) -> dict[str, object]:
    return json.loads(manage(url, "verify_records", "--json").stdout)


def restore(url: str, backup: Path, tmp_path: Path) -> str:
    """Restore the backup into a new database; its URL."""
    if url.startswith("sqlite"):
        restored = tmp_path / "restored.sqlite3"
        shutil.copyfile(backup, restored)
        return f"sqlite:///{restored}"
    server, _ = url.rsplit("/", 1)
    name = f"sesis_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={server}/{name}", str(backup)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    return f"{server}/{name}"


def drop(url: str) -> None:
    if url.startswith("postgres"):
        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_backup_restores_every_row_and_every_signature(scratch_database: str, tmp_path: Path) -> None:
    url = scratch_database
    manage(url, "migrate", "--no-input", "-v0")
    manage(url, "load_demo_data", "-v0")
    before = verify(url)
    assert before["certified"] > 0 and before["mismatched"] == []
    backup = tmp_path / "sesis.backup"
    assert "Backed up to" in manage(url, "backup", str(backup)).stdout
    restored = restore(url, backup, tmp_path)
    try:
        after = verify(restored)
        assert after == before  # every table's rows, every hash, the digest of all signatures
        # The restored database keeps its protections: certified records stay locked.
        with pytest.raises(subprocess.CalledProcessError) as refused:
            manage(
                restored,
                "shell",
                "--no-imports",
                "-c",
                "from sesis.services.models import ServiceRecord as R; "
                "R.objects.filter(certified_at__isnull=False).update(notes='x')",
            )
        assert "cannot be changed" in refused.value.stderr
    finally:
        drop(restored)


def test_a_backup_never_overwrites_a_file(scratch_database: str, tmp_path: Path) -> None:
    manage(scratch_database, "migrate", "--no-input", "-v0")
    existing = tmp_path / "keep.backup"
    existing.write_text("yesterday's backup")
    with pytest.raises(subprocess.CalledProcessError) as failed:
        manage(scratch_database, "backup", str(existing))
    assert "exists; a backup never overwrites a file" in failed.value.stderr
    assert existing.read_text() == "yesterday's backup"


def test_the_check_catches_an_altered_restore(scratch_database: str, tmp_path: Path) -> None:
    url = scratch_database
    manage(url, "migrate", "--no-input", "-v0")
    manage(url, "load_demo_data", "-v0")
    before = verify(url)
    backup = tmp_path / "sesis.backup"
    manage(url, "backup", str(backup))
    restored = restore(url, backup, tmp_path)
    try:
        # Someone with the owner's rights drops the lock and edits a signed record.
        manage(restored, "shell", "--no-imports", "-c", TAMPER)
        with pytest.raises(subprocess.CalledProcessError) as failed:
            manage(restored, "verify_records")
        assert "1 certified record(s) do not match their signature" in failed.value.stderr
    finally:
        drop(restored)
    assert verify(url) == before


TAMPER = """
from django.db import connection
from sesis.services.models import CERTIFIED_RECORDS_VERSIONED as lock, ServiceRecord
record = ServiceRecord.objects.filter(certified_at__isnull=False).order_by("pk").first()
with connection.cursor() as cursor:
    for sql in lock.drop_sql(connection.vendor):
        cursor.execute(sql)
    cursor.execute("UPDATE services_servicerecord SET notes = 'rewritten later' WHERE id = %s", [record.pk])
"""
