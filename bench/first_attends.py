"""Benchmark: a 100,000-row first-attend feed on PostgreSQL, stored and processed onto
caseloads, and the time from a call's confirmation to the caseload.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sesis_bench python bench/first_attends.py [--rows 100000]

The database named in DATABASE_URL is dropped and created anew. A synthetic district
is loaded through the importers: 100 schools, 1 speech provider per 50 students with
a school assignment, one speech mandate per student. The feed reports each student
once by a provider assigned to the student's school; one row in ten names an unknown
student (kept, refused with the reason). Results go to bench/results/."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from naming import results_file

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = url.replace(parts.path, "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def as_file(header: list[str], rows: list[tuple[object, ...]]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is dropped and created anew).")
    recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from sesis.imports.framework import importers
    from sesis.ivr.actions import first_attend_receive, process_pending
    from sesis.ivr.models import Source

    call_command("migrate", verbosity=0)
    students = args.rows
    today = timezone.localdate()
    start = today - dt.timedelta(days=60)
    schools = [(f"02M{n:03d}", f"School {n}", 2, "M") for n in range(100)]
    per_school = students // len(schools)
    providers = [
        (f"{100000 + n}", "Pat", f"Provider{n}", "", "provider", "DOE", "", "SPEECH", "English")
        for n in range(max(students // 50, 200))
    ]
    staff_per_school = len(providers) // len(schools)
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
            providers,
        ),
        (
            "students",
            ["osis", "first_name", "last_name", "date_of_birth", "school_dbn", "grade", "home_language"],
            [
                (
                    f"{300000000 + n}",
                    "Sam",
                    f"Student{n}",
                    "2015-01-01",
                    schools[n // per_school % 100][0],
                    "3",
                    "English",
                )
                for n in range(students)
            ],
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
            [
                (
                    f"M{n}",
                    f"{300000000 + n}",
                    "SPEECH",
                    2,
                    "week",
                    30,
                    3,
                    "English",
                    "",
                    start.isoformat(),
                    (today + dt.timedelta(days=200)).isoformat(),
                )
                for n in range(students)
            ],
        ),
        (
            "assignments",
            ["staff_id", "kind", "school_dbn", "osis", "service", "start_date", "end_date"],
            [
                (p[0], "school", schools[i // staff_per_school % 100][0], "", "", start.isoformat(), "")
                for i, p in enumerate(providers)
            ],
        ),
    ]
    setup_started = time.perf_counter()
    for kind, header, rows in loads:
        started = time.perf_counter()
        result = importers()[kind]().run(actor=None, file=as_file(header, rows))
        print(f"  loaded {result}: {time.perf_counter() - started:.1f} s", flush=True)
    print(f"district loaded in {time.perf_counter() - setup_started:.1f} s", flush=True)

    feed = []
    for n in range(args.rows):
        school = n // per_school % 100
        provider = providers[school * staff_per_school + n % staff_per_school][0]
        osis = f"{300000000 + n}" if n % 10 else f"{900000000 + n}"  # one in ten: unknown student
        feed.append((provider, osis, "SPEECH", today.isoformat(), f"FEED-{n}"))
    feed_file = as_file(["staff_id", "osis", "service", "first_attend_date", "call_id"], feed)

    started = time.perf_counter()
    stored = importers()["first_attends"](process=False).run(actor=None, file=feed_file)
    store_seconds = time.perf_counter() - started
    started = time.perf_counter()
    counts = process_pending(batch_size=1000)
    process_seconds = time.perf_counter() - started

    # From a call's confirmation to the caseload: the confirm step stores and processes at once.
    latencies = []
    for n in range(200):
        osis = f"{300000000 + n * 10 + 1}"
        started = time.perf_counter()
        first_attend_receive(
            staff_id=providers[0][0],
            osis=osis,
            service="SPEECH",
            first_attend_date=today,
            call_id=f"CALL-{n}",
            source=Source.CALL,
        )
        latencies.append((time.perf_counter() - started) * 1000)

    rows = args.rows
    table = [
        "| measure | figure |",
        "| --- | --- |",
        f"| feed rows | {rows:,} |",
        f"| store the feed (`import first_attends --no-process`) | {store_seconds:.1f} s, {rows / store_seconds:,.0f} rows/s |",
        f"| process onto caseloads (`process_first_attends`) | {process_seconds:.1f} s, {rows / process_seconds:,.0f} rows/s |",
        f"| whole feed, stored and processed | {store_seconds + process_seconds:.1f} s, {rows / (store_seconds + process_seconds):,.0f} rows/s |",
        f"| outcomes | {counts['added']:,} added, {counts['already']:,} already, {counts['refused']:,} refused |",
        f"| call confirmation to caseload, median / p95 (200 calls) | {statistics.median(latencies):.1f} ms / {sorted(latencies)[189]:.1f} ms |",
    ]
    assert stored.created == rows
    report = "\n".join(table)
    print(report)
    out = results_file("first_attends")
    out.write_text(f"# First-attend feed on PostgreSQL\n\n`{' '.join(sys.argv)}` on a 2-core machine\n\n{report}\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
