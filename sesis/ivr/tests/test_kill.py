"""The backlog processor killed with SIGKILL midway, then run again: no first attend
lost, none processed twice, exactly one caseload entry per first attend added. Runs
real processes against a scratch database of the suite's own kind."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from sesis.site.demo import demo_files

ROOT = Path(__file__).resolve().parents[3]
REPORT = """
import json
from django.db.models import Count
from sesis.caseloads.models import CaseloadEntry
from sesis.ivr.models import FirstAttend
fa = FirstAttend.objects.exclude(call_id__startswith="DEMO-")  # not the demo district's own
pairs = CaseloadEntry.objects.active().values("provider", "student").annotate(n=Count("id")).filter(n__gt=1).count()
added = fa.filter(status="added")
print(json.dumps({
    "total": fa.count(), "pending": fa.filter(status="pending").count(), "added": added.count(),
    "added_with_entry": added.filter(caseload_entry__source="ivr", caseload_entry__ended_at__isnull=True).count(),
    "ivr_entries": CaseloadEntry.objects.filter(source="ivr").count(), "duplicate_pairs": pairs,
}))
"""


def manage(url: str, *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(url),
        text=True,
        capture_output=True,
        check=True,
        timeout=600,
        **kwargs,
    )


def environment(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings_test"}


def report(url: str) -> dict[str, int]:
    output = manage(url, "shell", "--no-imports", "-c", REPORT).stdout
    return json.loads(output.strip().splitlines()[-1])


def feed(path: Path) -> int:
    """Every demo student reported by four providers, and some unknown staff: about a
    thousand first attends, most refused or added, none malformed."""
    students = list(csv.DictReader(io.TextIOWrapper(demo_files()["students"], encoding="utf-8")))
    rows = [("staff_id", "osis", "service", "first_attend_date", "call_id")]
    for provider, service in (
        ("300001", "SPEECH"),
        ("400001", "OT"),
        ("500001", "SPEECH"),
        ("600001", "PARA"),
        ("777777", "PT"),
    ):
        rows += [(provider, s["osis"], service, "2026-11-02", f"KILL-{provider}-{s['osis']}") for s in students]
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return len(rows) - 1


def test_processing_killed_midway_and_run_again_loses_and_repeats_nothing(
    scratch_database: str, tmp_path: Path
) -> None:
    manage(scratch_database, "migrate", "--no-input", "-v0")
    manage(scratch_database, "load_demo_data", "-v0")
    path = tmp_path / "feed.csv"
    rows = feed(path)
    manage(scratch_database, "import", "first_attends", str(path), "--no-process")

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "process_first_attends", "--batch-size", "10", "-v3"],
        cwd=ROOT,
        env=environment(scratch_database),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert worker.stderr is not None
    done_at_kill = 0
    for line in worker.stderr:
        if line.startswith("first attends:"):
            done_at_kill = int(line.split()[2].replace(",", ""))
            if done_at_kill >= 100:
                worker.send_signal(signal.SIGKILL)
                break
    worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL
    killed = report(scratch_database)
    assert killed["total"] == rows
    assert 0 < killed["pending"] < rows  # killed midway

    manage(scratch_database, "process_first_attends", "--batch-size", "50")
    final = report(scratch_database)
    assert final["total"] == rows  # nothing lost
    assert final["pending"] == 0
    assert final["added"] > 0
    assert final["added_with_entry"] == final["added"]  # every addition has its entry
    assert final["ivr_entries"] == final["added"]  # and only one
    assert final["duplicate_pairs"] == 0
