"""Benchmark: where the citywide Encounter Attendance CSV's time goes. The export's own
COPY statement (sesis.reports.encounter_attendance.database_csv_copy, as an
administrator exports every school for the dates given) is run as it is and in
variants, each beside PostgreSQL's plain COPY of the same rows (bench/load.py's
COPY_SQL), every variant `--runs` times, every other run in the reverse order:

- as the export runs it;
- with JIT off (`jit=off` for that connection);
- with no parallel workers (`max_parallel_workers_per_gather=0`);
- without its ORDER BY (the report's order is part of the export: this measures the sort).

    DATABASE_URL=postgres://postgres@127.0.0.1:5434/sesis_scale python bench/export_plan.py \\
        --from 2026-11-02 --to 2026-11-08 [--runs 2] [--as 9000000]

Nothing is written to the database. Results go to bench/results/."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

from load import COPY_SQL  # noqa: E402
from naming import commit, results_file  # noqa: E402

TAIL = ") TO STDOUT WITH (FORMAT csv)"


def copy_seconds(url: str, sql: str, params: list[object] | None, options: str = "") -> tuple[float, int]:
    """Seconds to read the whole COPY, and its bytes."""
    import psycopg

    started, size = time.perf_counter(), 0
    with psycopg.connect(url, options=options, cursor_factory=psycopg.ClientCursor) as db, db.cursor() as cursor:
        with cursor.copy(sql, params) as copy:
            for data in copy:
                size += len(data)
    return time.perf_counter() - started, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--from", dest="start", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--to", dest="end", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--runs", type=int, default=2, help="an even number: each variant runs early and late as often")
    parser.add_argument("--as", dest="staff_id", default="9000000", help="an administrator's staff ID")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database to measure (nothing is written to it).")

    import django

    django.setup()
    from sesis.access.scope import Scope, active
    from sesis.people.models import Role, Staff
    from sesis.reports import encounter_attendance
    from sesis.reports.filters import Filters

    actor = Staff.objects.filter(staff_id=args.staff_id, role=Role.ADMINISTRATOR).first()
    if actor is None:
        # Anyone else's export covers only their scope, while the plain COPY beside it
        # covers every school: the two would not be the same rows.
        sys.exit(f"No administrator has the staff ID {args.staff_id}; give one with --as.")
    with active(Scope(actor)):
        records = encounter_attendance.records(actor, Filters(start=args.start, end=args.end))
        rows = records.count()
        sql, params = encounter_attendance.database_csv_copy(records)
    if not sql.endswith(TAIL) or " ORDER BY " not in sql:
        sys.exit("The export's COPY statement has changed shape; update this benchmark.")
    unsorted = sql[: sql.rindex(" ORDER BY ")] + TAIL
    variants: list[tuple[str, str, list[object] | None, str]] = [
        ("the export's COPY, as it runs", sql, params, ""),
        ("the same, JIT off", sql, params, "-c jit=off"),
        ("the same, no parallel workers", sql, params, "-c max_parallel_workers_per_gather=0"),
        ("the same without its ORDER BY", unsorted, params, ""),
        (
            "PostgreSQL's plain COPY of the rows (bench/load.py)",
            COPY_SQL.format(start=args.start, end=args.end),
            None,
            "",
        ),
    ]
    seconds: dict[str, list[float]] = {name: [] for name, *_ in variants}
    sizes: dict[str, int] = {}
    for run in range(args.runs):
        # Every other run in the reverse order: each variant follows a different one, so
        # that none always runs on the cache (or the vacuum) its neighbour left.
        for name, statement, values, options in variants if run % 2 == 0 else variants[::-1]:
            took, sizes[name] = copy_seconds(url, statement, values, options)
            seconds[name].append(took)
            print(f"{name}: {took:.1f} s", flush=True)
    lines = [
        f"| {name} | {min(seconds[name]):.1f}–{max(seconds[name]):.1f} s | "
        f"{rows / min(seconds[name]):,.0f} | {sizes[name] / 1e6:.0f} MB |"
        for name, *_ in variants
    ]
    table = "\n".join(
        [
            f"The Encounter Attendance CSV's COPY, every school, {args.start} to {args.end}: {rows:,} rows "
            f"(commit {commit()}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
            f"{args.runs} runs of each, every other one in the reverse order):",
            "",
            "| variant | seconds | rows/s (best) | bytes |",
            "| --- | --- | --- | --- |",
            *lines,
        ]
    )
    print(table)
    results_file("export_plan", f"{args.start}-{args.end}").write_text(table + "\n")


if __name__ == "__main__":
    main()
