"""The job queue end to end, with real processes against a scratch database of the
suite's own kind: a large import left to the worker (`manage.py import --background`),
the worker killed with SIGKILL midway through applying it, then a worker started again:
it puts the dead worker's job back in the queue and the result is exact (every row once,
every audit event once)."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.core.cache.backends.filebased import FileBasedCache

ROOT = Path(__file__).resolve().parents[3]
ROWS = 60_000
REPORT = """
import json
from django_tasks_db.models import DBTaskResult
from sesis.audit.models import AuditEvent
from sesis.imports.models import ImportFile
from sesis.students.models import Student
upload = ImportFile.objects.get(kind="students")
print(json.dumps({
    "status": upload.status, "created": upload.created, "key": str(upload.progress_key),
    "students": Student.objects.count(),
    "student_events": AuditEvent.objects.filter(action="import.students.create", object_type="students.Student").count(),
    "file_events": AuditEvent.objects.filter(action="import.students").count(),
    "jobs": sorted(DBTaskResult.objects.values_list("status", flat=True)),
}))
"""


def environment(url: str, progress: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "SESIS_PROGRESS_DIR": str(progress),
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=True, check=True, timeout=600
    )


def report(env: dict[str, str]) -> dict:
    return json.loads(manage(env, "shell", "--no-imports", "-c", REPORT).stdout.strip().splitlines()[-1])


def write_files(folder: Path) -> tuple[Path, Path]:
    schools = folder / "schools.csv"
    schools.write_text("dbn,name,district,borough\n02M001,P.S. 1,2,M\n15K003,P.S. 3,15,K\n")
    students = folder / "students.csv"
    with students.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["osis", "first_name", "last_name", "date_of_birth", "school_dbn", "grade", "home_language"])
        for n in range(ROWS):
            writer.writerow([f"{800000000 + n}", f"First{n}", f"Last{n}", "2015-05-17", "02M001", "4", "English"])
    return schools, students


def test_a_worker_killed_midway_leaves_its_import_to_be_applied_exactly_once(
    scratch_database: str, tmp_path: Path
) -> None:
    progress = tmp_path / "progress"
    env = environment(scratch_database, progress)
    manage(env, "migrate", "--no-input", "-v0")
    schools, students = write_files(tmp_path)
    manage(env, "import", "schools", str(schools))
    queued = manage(env, "import", "students", str(students), "--background").stdout
    assert "is queued" in queued
    before = report(env)
    assert before["status"] == "applying" and before["students"] == 0 and before["jobs"] == ["READY"]

    cache = FileBasedCache(str(progress), {})
    key = f"import:{before['key']}:applying"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen = None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and worker.poll() is None:
        seen = cache.get(key)
        if seen and 0 < seen[0] < seen[1]:
            worker.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL, f"not killed midway; last progress {seen}"
    assert seen is not None and seen[1] == ROWS
    killed = report(env)
    assert killed["status"] == "applying" and killed["jobs"] == ["RUNNING"]  # the dead worker's job
    assert killed["students"] == 0 and killed["student_events"] == 0  # its transaction died with it

    restarted = subprocess.run(
        [sys.executable, "manage.py", "worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
        timeout=600,
        check=True,
    )
    assert "1 job(s) of workers that stopped mid-job are back in the queue" in restarted.stderr
    final = report(env)
    assert final["status"] == "applied" and final["created"] == ROWS
    assert final["students"] == ROWS  # nothing lost
    assert final["student_events"] == ROWS  # nothing twice
    assert final["file_events"] == 1
    assert final["jobs"] == ["SUCCESSFUL"]
    assert cache.get(f"import:{before['key']}:applying") == [ROWS, ROWS]
