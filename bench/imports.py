"""Benchmark: a 100,000-row students file through Administration → Imports, as an
administrator meets it: upload, checked and previewed by the worker, Apply, applied by
the worker; then the same file uploaded again (nothing to change).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sesis_bench python bench/imports.py [--rows 100000]

The database named in DATABASE_URL is dropped and created anew (PostgreSQL), or a new
SQLite file is made (sqlite:///path). The worker is django-tasks-db's, run in this
process between the steps, as `manage.py worker` would. Results go to bench/results/."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from naming import results_file

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")


def fresh_database(url: str) -> None:
    if url.startswith("sqlite"):
        Path(urlsplit(url).path).unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    admin = url.replace(parts.path, "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {parts.path.lstrip('/')} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {parts.path.lstrip('/')}")


def students_file(rows: int, grade: str) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["osis", "first_name", "last_name", "date_of_birth", "school_dbn", "grade", "home_language"])
    for n in range(rows):
        writer.writerow(
            [f"{700000000 + n}", f"First{n}", f"Last{n}", "2015-05-17", f"02M{n % 100:03}", grade, "English"]
        )
    return text.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL (the database is dropped and created anew).")
    fresh_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django_tasks_db.management.commands.db_worker import Worker

    from sesis.imports.actions import request_apply, upload_import
    from sesis.imports.framework import importers
    from sesis.imports.models import ImportFile
    from sesis.people.models import Role, Staff

    call_command("migrate", verbosity=0)
    schools = "dbn,name,district,borough\n" + "".join(f"02M{n:03},P.S. {n},2,M\n" for n in range(100))
    importers()["schools"]().run(actor=None, file=io.BytesIO(schools.encode()), name="schools.csv")
    admin = Staff.objects.create(staff_id="1", first_name="Ada", last_name="Admin", role=Role.ADMINISTRATOR)

    def work() -> None:
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="bench",
            excluded_queue_names=[],
        ).run()

    lines = []
    for label, grade in (("new file", "4"), ("one field changed on every row", "5"), ("the same file again", "5")):
        content = students_file(args.rows, grade)
        began = time.monotonic()
        upload = upload_import(actor=admin, kind="students", name="students.csv", content=content)
        work()  # checked and previewed
        checked_at = time.monotonic()
        upload.refresh_from_db()
        preview = (upload.created, upload.updated, upload.unchanged)
        request_apply(actor=admin, upload=upload)
        work()  # applied
        done = time.monotonic()
        upload = ImportFile.objects.get(pk=upload.pk)
        assert upload.status == "applied", upload.problems[:3]
        assert preview == (upload.created, upload.updated, upload.unchanged), (preview, upload)
        total = done - began
        lines.append(
            f"| {label} | {args.rows:,} | {len(content) / 1e6:.1f} MB | {checked_at - began:.1f} s | "
            f"{done - checked_at:.1f} s | {total:.1f} s | {args.rows / total:,.0f} | "
            f"{upload.created:,} / {upload.updated:,} / {upload.unchanged:,} |"
        )
    from django.db import connection

    table = "\n".join(
        [
            f"Students import through Administration → Imports ({connection.vendor}, {dt.datetime.now(dt.UTC).date()}):",
            "",
            "| file | rows | size | upload → preview | Apply → applied | upload → applied | rows/s | created / changed / unchanged |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            *lines,
        ]
    )
    print(table)
    out = results_file("imports")
    out.write_text(table + "\n")


if __name__ == "__main__":
    main()
