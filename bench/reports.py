"""Benchmark: the reports on PostgreSQL with a synthetic district of school-year size
for its schools: the Encounter Attendance and Mandate Compliance pages for one school
and one month, and a whole-district month exported as CSV (rows per second and the
exporting process's peak memory).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sesis_bench python bench/reports.py [--students 40000]

The database named in DATABASE_URL is dropped and created anew. Schools, staff,
students and mandates are loaded through the importers; the service records (two
30-minute speech sessions a week per student since September 8, 90% certified, 5%
Student Absent, 2% Cancelled) are bulk-loaded with COPY, bypassing the actions, as a
district's history would be migrated; 2% of the certified records are then amended. Until issue 7's scale generator exists this is
the reports' yardstick. Results go to bench/results/."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

from first_attends import as_file, recreate_database  # noqa: E402
from naming import results_file  # noqa: E402

STUDENTS_PER_SCHOOL = 2000
STUDENTS_PER_PROVIDER = 25
FIRST_DAY = dt.date(2026, 9, 8)
LAST_DAY = dt.date(2026, 11, 20)


def load(students: int) -> dict[str, int]:
    from django.db import connection

    from sesis.imports.framework import importers

    schools = [(f"02M{n:03d}", f"School {n}", 2, "M") for n in range(max(1, students // STUDENTS_PER_SCHOOL))]
    per_school = students // len(schools)
    n_providers = students // STUDENTS_PER_PROVIDER
    providers = [
        (f"{100000 + n}", "Pat", f"Provider{n}", "", "provider", "DOE", "", "SPEECH", "English")
        for n in range(n_providers)
    ]
    admin = [
        ("900001", "Ada", "Admin", "", "administrator", "", "", "", "English"),
        ("900002", "Sue", "Visor", "", "supervisor", "", "", "", "English"),
    ]
    kids = [
        (
            f"{300000000 + n:09d}",
            "Kim",
            f"Student{n:06d}",
            "2015-05-17",
            schools[n // per_school % len(schools)][0],
            "4",
            "English",
        )
        for n in range(students)
    ]
    mandates = [
        (f"M{n:07d}", f"{300000000 + n:09d}", "SPEECH", 2, "week", 30, 3, "English", "", "2026-09-08", "2027-06-25")
        for n in range(students)
    ]
    assignments = [
        (p[0], "school", schools[(n * STUDENTS_PER_PROVIDER) // per_school % len(schools)][0], "", "", "2026-09-01", "")
        for n, p in enumerate(providers)
    ]
    loads = [
        ("schools", ["dbn", "name", "district", "borough"], schools),
        (
            "staff",
            [
                "staff_id",
                "first_name",
                "last_name",
                "email",
                "role",
                "provider_type",
                "agency",
                "disciplines",
                "languages",
            ],
            providers + admin,
        ),
        (
            "students",
            ["osis", "first_name", "last_name", "date_of_birth", "school_dbn", "grade", "home_language"],
            kids,
        ),
        (
            "mandates",
            [
                "mandate_id",
                "osis",
                "service",
                "sessions",
                "period",
                "minutes",
                "group_size",
                "language",
                "location",
                "start_date",
                "end_date",
            ],
            mandates,
        ),
        ("assignments", ["staff_id", "kind", "school_dbn", "osis", "service", "start_date", "end_date"], assignments),
        ("access", ["staff_id", "scope", "value"], [("900002", "district", "2")]),
    ]
    registry = importers()
    for kind, header, rows in loads:
        registry[kind]().run(actor=None, file=as_file(header, rows), name=kind)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, osis FROM students_student")
        student_ids = dict(cursor.fetchall())
        cursor.execute("SELECT student_id, id FROM mandates_mandate")
        mandate_of = dict(cursor.fetchall())
        cursor.execute("SELECT staff_id, id FROM people_staff")
        staff = dict(cursor.fetchall())
    records = _copy_records(student_ids, mandate_of, staff)
    _amend(connection)
    return {"records": records}


def _amend(connection) -> None:
    """2% of the certified records amended once, as a district's would be: half a
    corrected note, half a session type (Service Provided to Student Absent). Through
    SQL, as the versioning trigger allows: it keeps each replaced version."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE services_servicerecord SET notes = 'Corrected note', version = version + 1, "
            "amends_hash = certification_hash, amendment_reason = 'bench', certification_hash = 'bench-amended', "
            "certified_at = now() WHERE certified_at IS NOT NULL AND id % 100 = 0"
        )
        cursor.execute(
            "UPDATE services_servicerecord SET session_type = 'student_absent', location = '', version = version + 1, "
            "amends_hash = certification_hash, amendment_reason = 'bench', certification_hash = 'bench-amended', "
            "certified_at = now() WHERE certified_at IS NOT NULL AND id % 100 = 1 AND session_type = 'provided'"
        )
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would leave the table after the updates


def _copy_records(student_ids: dict[int, str], mandate_of: dict[int, int], staff: dict[str, int]) -> int:
    """Two sessions a week per student: student k of a provider on weekday k % 5 at slot
    k // 5 and on weekday (k + 2) % 5 at slot 5 + k // 5, so a provider is never in two
    places (the exclusion constraint holds)."""
    from django.db import connection

    columns = (
        "student_id, provider_id, mandate_id, date, start_time, end_time, service, language, session_type, "
        "cancel_reason, grouping, group_count, location, description, progress, notes, overlap_flag, "
        "recorded_by_id, created_at, updated_at, version, certified_at, certified_by_id, certification_hash"
    )
    now = dt.datetime.now(dt.UTC)
    count = 0
    raw = connection.connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(f"COPY services_servicerecord ({columns}) FROM STDIN") as copy:
        for n, (student_id, _osis) in enumerate(sorted(student_ids.items())):
            provider = staff[f"{100000 + n // STUDENTS_PER_PROVIDER}"]
            k = n % STUDENTS_PER_PROVIDER
            slots = {k % 5: k // 5, (k + 2) % 5: 5 + k // 5}
            day = FIRST_DAY
            while day <= LAST_DAY:
                slot = slots.get(day.weekday())
                if slot is not None:
                    start = dt.time(8 + slot // 2, 30 * (slot % 2))
                    end = dt.time(8 + slot // 2, 30 * (slot % 2) + 29)
                    roll = (n * 31 + day.toordinal()) % 100
                    session = "student_absent" if roll < 5 else "cancelled" if roll < 7 else "provided"
                    certified = roll < 90
                    copy.write_row(
                        (
                            student_id,
                            provider,
                            mandate_of[student_id],
                            day,
                            start,
                            end,
                            "SPEECH",
                            "English",
                            session,
                            "school_activity" if session == "cancelled" else "",
                            "group",
                            2,
                            "" if session != "provided" else "separate",
                            "",
                            "",
                            "Bench session",
                            "",
                            provider,
                            now,
                            now,
                            1,
                            now if certified else None,
                            provider if certified else None,
                            "bench" if certified else "",
                        )
                    )
                    count += 1
                day += dt.timedelta(days=1)
    raw.commit()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return count


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is dropped and created anew).")
    recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    loaded = load(args.students)
    load_seconds = time.perf_counter() - started
    print(f"Loaded {args.students:,} students and {loaded['records']:,} service records in {load_seconds:.0f} s")

    from sesis.people.models import Staff
    from tests.factories import PASSWORD

    for staff_id in ("900001", "900002"):
        user = Staff.objects.get(staff_id=staff_id)
        user.set_password(PASSWORD)
        user.save()
    client = Client()
    assert client.login(username="900002", password=PASSWORD)
    month = "date_from=2026-11-01&date_to=2026-11-30"
    pages = {
        "Encounter Attendance, one school, one month (first page)": f"/reports/encounter-attendance/?{month}&school=02M000",
        "Encounter Attendance, one school, one month, sorted by student": f"/reports/encounter-attendance/?{month}&school=02M000&sort=student",
        "Mandate Compliance, one school, one month": f"/reports/compliance/?{month}&school=02M000",
        "Weekly chart, one school, one month": f"/reports/schools/02M000/chart/?{month}",
    }
    results = []
    for name, path in pages.items():
        assert client.get(path).status_code == 200
        median, p95 = timed(lambda path=path: client.get(path), args.runs)
        results.append((name, f"{median:.0f} ms", f"{p95:.0f} ms"))

    # A whole-district month as CSV, in its own process, its peak memory read by GNU time
    # (RUSAGE_CHILDREN would count this parent's pages, shared with the child at fork).
    out = Path(tempfile.mkdtemp()) / "district-month.csv"
    peak_file = out.with_suffix(".peak")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own command line)
        [
            "/usr/bin/time",
            "-f",
            "%M",
            "-o",
            str(peak_file),
            sys.executable,
            str(ROOT / "manage.py"),
            "report",
            "encounter-attendance",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--as",
            "900001",
            "--format",
            "csv",
            "--output",
            str(out),
        ],
        check=True,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    rows = sum(1 for _ in out.open(encoding="utf-8")) - 1
    peak_mb = int(peak_file.read_text().split()[-1]) / 1024  # kilobytes
    out.unlink()

    today = dt.datetime.now(dt.UTC).date().isoformat()
    lines = [
        f"# Reports benchmark, {today}",
        "",
        f"PostgreSQL 15, this 2-core machine, DEBUG off. {args.students:,} students in "
        f"{max(1, args.students // STUDENTS_PER_SCHOOL)} schools of {STUDENTS_PER_SCHOOL:,}, "
        f"{loaded['records']:,} service records (Sep 8 - Nov 20). Pages rendered in-process by "
        f"Django's test client as a district supervisor, {args.runs} runs each.",
        "",
        "| What | median | p95 |",
        "| --- | --- | --- |",
        *[f"| {name} | {median} | {p95} |" for name, median, p95 in results],
        "",
        "| District month as CSV (`manage.py report ... --format csv`) | figure |",
        "| --- | --- |",
        f"| rows | {rows:,} |",
        f"| seconds, whole command (Django start-up, disclosure log, export) | {seconds:.1f} |",
        f"| rows per second | {rows / seconds:,.0f} |",
        f"| peak memory of the exporting process | {peak_mb:.0f} MB |",
        "",
        "```sh",
        f"DATABASE_URL={url} .venv/bin/python bench/reports.py --students {args.students}",
        "```",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    results_file("reports").write_text(text)


if __name__ == "__main__":
    main()
