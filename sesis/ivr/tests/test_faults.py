"""Faults on a 100,000-row first-attend feed, with real processes on a scratch
database: the import killed with SIGKILL while it loads, then while it processes, then
the processor killed, each time rerun: no row lost, none stored or added twice. And on
PostgreSQL, the database dropping the processor's connection and refusing new ones for
a while (what a restart or failover looks like to a client): the processor waits,
reconnects and finishes in the same run."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from sesis.ivr.tests.test_kill import ROOT, environment, manage, report
from sesis.site.demo import demo_files

ROWS = 100_000
SERVICES = ("SPEECH", "OT", "SPEECH", "PARA")


def write_feed(path: Path) -> None:
    """Every demo student reported by each demo provider (about a thousand first attends
    that add or are refused for a reason), and the rest from staff IDs SESIS does not
    know (stored, then refused): 100,000 rows, each with its own call id."""
    osis = [s["osis"] for s in csv.DictReader(io.TextIOWrapper(demo_files()["students"], encoding="utf-8"))]
    rows = [("staff_id", "osis", "service", "first_attend_date", "call_id")]
    for provider, service in zip(("300001", "400001", "500001", "600001"), SERVICES, strict=True):
        rows += [(provider, o, service, "2026-11-02", f"F-{provider}-{o}") for o in osis]
    n = 0
    while len(rows) <= ROWS:
        rows.append((f"77{n % 5000:05}", osis[n % len(osis)], "SPEECH", "2026-11-02", f"F-UNKNOWN-{n}"))
        n += 1
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)


def start(url: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def kill_when(worker: subprocess.Popen[bytes], ready: callable) -> str:
    """Read the worker's progress (lines end in \\r or \\n) until ready(text so far),
    then SIGKILL it. Returns the text read."""
    assert worker.stderr is not None
    seen = b""
    while True:
        chunk = os.read(worker.stderr.fileno(), 4096)
        if not chunk:
            raise AssertionError(f"the worker ended before the kill point: {seen.decode()[-500:]}")
        seen += chunk
        if ready(seen.decode()):
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=60)
            assert worker.returncode == -signal.SIGKILL
            return seen.decode()


def progressed(text: str, phase: int, at_least: int) -> bool:
    """The import's progress lines (-v3: a line at every step): phase 0 loads rows,
    phase 1 processes them; each phase ends with its "total of total" line."""
    current = 0
    for line in text.splitlines():
        if " of " not in line:
            continue
        done, _of, total = line.split(":")[1].split()[:3]
        if current == phase and int(done.replace(",", "")) >= at_least:
            return True
        if done == total:
            current += 1
    return False


def test_a_100000_row_import_killed_at_several_points_loses_and_repeats_nothing(
    scratch_database: str, tmp_path: Path
) -> None:
    url = scratch_database
    manage(url, "migrate", "--no-input", "-v0")
    manage(url, "load_demo_data", "-v0")
    feed = tmp_path / "feed.csv"
    write_feed(feed)

    # 1. Killed while loading: the load is one transaction, so nothing is stored.
    kill_when(start(url, "import", "first_attends", str(feed), "-v3"), lambda t: progressed(t, 0, 30_000))
    assert report(url)["total"] == 0

    # 2. Killed while processing: every row is stored, part is processed.
    kill_when(start(url, "import", "first_attends", str(feed), "-v3"), lambda t: progressed(t, 1, 10_000))
    after_second = report(url)
    assert after_second["total"] == ROWS
    assert 0 < after_second["pending"] < ROWS

    # 3. The processor killed in its turn, a few batches on.
    kill_when(start(url, "process_first_attends", "--batch-size", "1000", "-v3"), lambda t: t.count("processed") >= 3)
    after_third = report(url)
    assert after_third["total"] == ROWS and after_third["pending"] < after_second["pending"]

    # 4. The same file imported again, to the end.
    manage(url, "import", "first_attends", str(feed))
    final = report(url)
    assert final["total"] == ROWS  # 0 lost, 0 stored twice
    assert final["pending"] == 0
    assert final["added"] > 0
    assert final["added_with_entry"] == final["added"] == final["ivr_entries"]  # 0 added twice
    assert final["duplicate_pairs"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a database server to restart is PostgreSQL's")
def test_the_processor_rides_out_the_database_going_away(scratch_database: str, tmp_path: Path) -> None:
    url = scratch_database
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    manage(url, "migrate", "--no-input", "-v0")
    manage(url, "load_demo_data", "-v0")
    feed = tmp_path / "feed.csv"
    write_feed(feed)
    manage(url, "import", "first_attends", str(feed), "--no-process")

    worker = start(url, "process_first_attends", "--batch-size", "1000", "-v3")
    assert worker.stderr is not None
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(line.decode() for line in worker.stderr))
    reader.start()
    while sum("processed" in line for line in seen) < 3:
        assert worker.poll() is None, "the processor finished before the outage"
        time.sleep(0.05)
    with psycopg.connect(admin, autocommit=True) as conn:
        # The database goes away: no new connections, and the processor's is cut.
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        time.sleep(3)
        assert worker.poll() is None, "the processor gave up instead of waiting"
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    worker.wait(timeout=600)
    reader.join()
    assert worker.returncode == 0, "".join(seen)[-2000:]
    assert any("reconnecting" in line for line in seen)
    final = report(url)
    assert final["total"] == ROWS and final["pending"] == 0
    assert final["added_with_entry"] == final["added"] == final["ivr_entries"] and final["duplicate_pairs"] == 0
