"""`make bench`: the district at scale served as in production, under a mixed workload.

    .venv/bin/python bench/load.py [--scale 1.0] [--users 60] [--duration 120] [--workers 4]
                                   [--no-batch] [--replica-url postgres://...]

1. The database in BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sesis_scale)
   is created, migrated and filled by `generate_scale_data --scale` when it has no students.
2. gunicorn serves the app on 127.0.0.1 with DEBUG off and production settings (static
   files collected and served by WhiteNoise; cookies not marked Secure, since the
   benchmark speaks plain HTTP on loopback).
3. locust (headless) runs bench/locustfile.py: providers open the homepage, search
   students, open Services Calendars, record and certify sessions and add students to
   their caseloads; supervisors search staff, open caseloads and the Encounter
   Attendance report for a school and a month. Everyone also opens the floor page
   (/ping/: signed in, one query).
4. Batch figures in the same run (not with --no-batch): the Encounter Attendance CSV
   for a school and for the city, last full month and this month so far, each beside
   PostgreSQL's COPY of the same rows; a first-attend feed and a students import.

The results table (the commit, the data's size, the load average, locust's own CPU;
p50/p95/p99 per page, throughput, errors, each page's p95 as a multiple of the floor's,
and issue 22's targets) is printed and written to bench/results/. --replica-url serves
the reports from a streaming replica (SESIS_REPLICA_DATABASE_URL)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from naming import commit, results_file

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PORT = 8765
# Issue 22's targets: every page's p95 within 3x the floor's (below saturation), the
# Encounter Attendance page within 150 ms, at least 100 requests/s at saturation.
TARGET_REPORT_P95_MS, TARGET_FLOOR_MULTIPLE, TARGET_RPS = 150, 3, 100
REPORT_PAGE = "encounter attendance (school, month)"


REPLICA_URL = ""  # --replica-url: the app's SESIS_REPLICA_DATABASE_URL


def env(url: str, **extra: str) -> dict[str, str]:
    replica = {"SESIS_REPLICA_DATABASE_URL": REPLICA_URL} if REPLICA_URL else {}
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SESIS_SECRET_KEY": "bench-only-not-secret",
        "SESIS_DEBUG": "false",
        "SESIS_ALLOWED_HOSTS": "127.0.0.1",
        "SESIS_SECURE_COOKIES": "false",
        "SESIS_SSL_REDIRECT": "false",
        "SESIS_DB_CONN_MAX_AGE": "60",
        "SESIS_LOG_LEVEL": "ERROR",
        "SESIS_SERVER_TIMING": "true",  # each page's query count, read by the locustfile
        **replica,
        **extra,
    }


def manage(url: str, *args: str) -> str:
    command = [PYTHON, str(ROOT / "manage.py"), *args]
    done = subprocess.run(command, env=env(url), check=True, capture_output=True, text=True)  # noqa: S603 (ours)
    return done.stdout


def ensure_data(url: str, scale: float) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    manage(url, "migrate", "--no-input")
    with psycopg.connect(url) as db:
        students = db.execute("SELECT count(*) FROM students_student").fetchone()[0]
    if students == 0:
        print(f"Generating the district at scale {scale} (bench/README.md, Scale data) ...", flush=True)
        started = time.perf_counter()
        command = [PYTHON, str(ROOT / "manage.py"), "generate_scale_data", "--scale", str(scale)]
        subprocess.run(command, env=env(url), check=True)  # noqa: S603 (our own command line)
        print(f"Generated in {time.perf_counter() - started:.0f} s", flush=True)


def fixture(url: str, users: int) -> dict[str, object]:
    """Who the simulated users are: real providers with caseloads, students they may
    add, supervisors with the providers and schools in their scope."""
    import psycopg

    password = manage(url, "shell", "-c", "from sesis.site.scale import SCALE_PASSWORD; print(SCALE_PASSWORD)").strip()
    today = dt.datetime.now(dt.UTC).date()
    with psycopg.connect(url) as db:
        providers = db.execute(
            """
            SELECT s.staff_id, s.id, array_agg(st.osis ORDER BY st.osis)
            FROM people_staff s JOIN caseloads_caseloadentry c ON c.provider_id = s.id AND c.ended_at IS NULL
            JOIN students_student st ON st.id = c.student_id
            WHERE s.role = 'provider' AND s.provider_type = 'DOE'
            GROUP BY s.staff_id, s.id HAVING count(*) >= 10 ORDER BY s.id LIMIT %s""",
            [users * 2],
        ).fetchall()
        addable = {}
        for _, pk, _ in providers:
            rows = db.execute(
                """
                SELECT DISTINCT st.osis FROM mandates_assignment a
                JOIN students_student st ON st.school_id = a.school_id
                JOIN mandates_mandate m ON m.student_id = st.id
                JOIN people_staffdiscipline d ON d.staff_id = a.staff_id AND d.service = m.service
                WHERE a.staff_id = %s AND a.kind = 'school' AND NOT EXISTS (
                    SELECT 1 FROM caseloads_caseloadentry c WHERE c.provider_id = a.staff_id AND c.student_id = st.id
                    AND c.ended_at IS NULL) LIMIT 30""",
                [pk],
            ).fetchall()
            addable[pk] = [r[0] for r in rows]
        supervisors = db.execute(
            """
            SELECT s.staff_id, a.value FROM people_staff s JOIN people_accessscope a ON a.staff_id = s.id
            WHERE s.role = 'supervisor' AND a.scope = 'district' ORDER BY s.id LIMIT %s""",
            [users],
        ).fetchall()
        scoped = []
        for staff_id, district in supervisors:
            schools = [
                r[0]
                for r in db.execute(
                    "SELECT dbn FROM schools_school WHERE district = %s ORDER BY dbn LIMIT 20", [int(district)]
                )
            ]
            staff = [
                r[0]
                for r in db.execute(
                    """
                SELECT DISTINCT s.staff_id FROM people_staff s JOIN mandates_assignment a ON a.staff_id = s.id
                JOIN schools_school sc ON sc.id = a.school_id WHERE sc.district = %s LIMIT 50""",
                    [int(district)],
                )
            ]
            if schools and staff:
                scoped.append({"staff_id": staff_id, "schools": schools, "providers": staff})
        holidays = {r[0] for r in db.execute("SELECT date FROM schoolcalendar_calendarday")}
    first = today.replace(day=1)
    window = (first - dt.timedelta(days=1)).replace(day=1)
    days = [window + dt.timedelta(days=n) for n in range((today - window).days + 1)]
    record_days = [d.isoformat() for d in days if d.weekday() < 5 and d not in holidays]
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    # Each recorded session takes the next evening slot (a day of record_days, 21:00 +
    # 2 minutes times n); start after the slots earlier runs used, so none collide.
    with psycopg.connect(url) as db:
        used = db.execute(
            "SELECT DISTINCT date, start_time FROM services_servicerecord WHERE start_time >= '21:00' AND date >= %s",
            [window],
        ).fetchall()
    index = {day: n for n, day in enumerate(record_days)}
    slots = [
        index[d.isoformat()] * 89 + (t.hour * 60 + t.minute - 21 * 60) // 2 for d, t in used if d.isoformat() in index
    ]
    return {
        "first_slot": max(slots) + 1 if slots else 0,
        "password": password.splitlines()[-1],
        "providers": [{"staff_id": s, "caseload": c[:60], "addable": addable[pk]} for s, pk, c in providers],
        "supervisors": scoped,
        "name_prefixes": ["GA", "LO", "MA", "RO", "SA", "WI", "CH", "NG", "PA", "SM"],
        "record_days": record_days,
        "month": [first.isoformat(), last.isoformat()],
    }


def serve(url: str, workers: int) -> subprocess.Popen[bytes]:
    manage(url, "collectstatic", "--no-input", "--verbosity", "0")
    server = subprocess.Popen(  # noqa: S603 (our own command line)
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env(url),
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


class LoadSampler(threading.Thread):
    """The machine's 1-minute load average every 5 s while the load runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(5):
            self.samples.append(os.getloadavg()[0])

    def summary(self) -> str:
        if not self.samples:
            return "not sampled"
        return f"mean {statistics.mean(self.samples):.2f}, max {max(self.samples):.2f} ({os.cpu_count()} cores)"


def run_locust(fixture_file: Path, users: int, duration: int, exclude: str = "") -> tuple[Path, float, str]:
    """The stats file (the query counts beside it), the CPU seconds locust itself used,
    and the load average."""
    prefix = Path(tempfile.mkdtemp()) / "load"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler = LoadSampler()
    sampler.start()
    subprocess.run(  # noqa: S603 (our own command line)
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 10)),
            "--run-time",
            f"{duration}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
        ],
        env={
            **os.environ,
            "BENCH_FIXTURE": str(fixture_file),
            "BENCH_EXCLUDE": exclude,
            "BENCH_QUERIES": f"{prefix}_queries.json",
        },
        check=True,
    )
    sampler.done.set()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Path(f"{prefix}_stats.csv"), cpu, sampler.summary()


COPY_SQL = """
COPY (
    SELECT st.last_name || ', ' || st.first_name, st.osis, sc.dbn, r.service,
           p.last_name || ', ' || p.first_name, p.staff_id, r.date, r.start_time, r.end_time,
           EXTRACT(EPOCH FROM r.end_time - r.start_time)::int / 60, r.session_type, r.cancel_reason,
           r.grouping, r.group_count, r.language, r.location, r.description, r.progress,
           c.first_name || ' ' || c.last_name, r.certified_at, r.amends_hash <> '', r.certification_hash
    FROM services_servicerecord r
    JOIN students_student st ON st.id = r.student_id
    JOIN schools_school sc ON sc.id = st.school_id
    JOIN people_staff p ON p.id = r.provider_id
    LEFT JOIN people_staff c ON c.id = r.certified_by_id
    WHERE r.date BETWEEN '{start}' AND '{end}'
) TO STDOUT WITH (FORMAT csv)
"""


def months(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The last full month, and this month so far (which is one day on the 1st)."""
    first = today.replace(day=1)
    last_end = first - dt.timedelta(days=1)
    return [("last full month", last_end.replace(day=1), last_end), ("this month so far", first, today)]


def report_csv(url: str, admin: str, start: dt.date, end: dt.date, extra: list[str]) -> tuple[int, float, float]:
    """`manage.py report encounter-attendance` as CSV in its own process: rows, seconds
    (whole command, Django start-up included) and peak memory in MB (GNU time)."""
    out = Path(tempfile.mkdtemp()) / "report.csv"
    peak = out.with_suffix(".peak")
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own command line)
        [
            "/usr/bin/time",
            "-f",
            "%M",
            "-o",
            str(peak),
            PYTHON,
            str(ROOT / "manage.py"),
            "report",
            "encounter-attendance",
            "--from",
            start.isoformat(),
            "--to",
            end.isoformat(),
            "--as",
            admin,
            "--format",
            "csv",
            "--output",
            str(out),
            *extra,
        ],
        env=env(url),
        check=True,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    with out.open(encoding="utf-8", newline="") as f:
        rows = sum(1 for _ in csv.reader(f)) - 1
    out.unlink()
    return rows, seconds, int(peak.read_text().split()[-1]) / 1024


def copy_rows(url: str, start: dt.date, end: dt.date) -> tuple[int, float]:
    """PostgreSQL's own COPY of the same rows, joined to students, schools and staff:
    the ceiling an export can approach (rows, seconds)."""
    import psycopg

    started = time.perf_counter()
    rows = 0
    with psycopg.connect(url) as db, db.cursor() as cursor:
        with cursor.copy(COPY_SQL.format(start=start.isoformat(), end=end.isoformat())) as copy:
            for data in copy:
                rows += bytes(data).count(b"\n")
    return rows, time.perf_counter() - started


def batch_figures(url: str) -> list[tuple[str, str]]:
    """The Encounter Attendance CSV for one school and for the whole city, for the last
    full month and this month so far, each beside PostgreSQL's COPY of the same rows;
    then the imports."""
    import psycopg

    today = dt.datetime.now(dt.UTC).date()
    with psycopg.connect(url) as db:
        admin, school = db.execute(
            "SELECT (SELECT staff_id FROM people_staff WHERE role = 'administrator' ORDER BY id LIMIT 1), "
            "(SELECT dbn FROM schools_school ORDER BY id LIMIT 1)"
        ).fetchone()
    figures = []
    for month, start, end in months(today):
        period = f"{month} ({start:%b %-d}–{end:%b %-d})"
        rows, seconds, megabytes = report_csv(url, admin, start, end, ["--school", school])
        figures.append(
            (
                f"Encounter Attendance CSV, school {school}, {period}",
                f"{rows:,} rows in {seconds:.1f} s: {rows / seconds:,.0f} rows/s, peak memory {megabytes:.0f} MB",
            )
        )
        rows, seconds, megabytes = report_csv(url, admin, start, end, [])
        copied, copy_seconds = copy_rows(url, start, end)
        share = (rows / seconds) / (copied / copy_seconds) if copied else 0
        figures.append(
            (
                f"Encounter Attendance CSV, citywide, {period}",
                f"{rows:,} rows in {seconds:.1f} s: "
                f"{rows / seconds:,.0f} rows/s, peak memory {megabytes:.0f} MB; PostgreSQL's COPY of the same "
                f"{copied:,} rows {copy_seconds:.1f} s: {copied / copy_seconds:,.0f} rows/s (SESIS at {share:.0%} of it)",
            )
        )
    figures += _imports(url, admin, today)
    return figures


def _imports(url: str, admin: str, today: dt.date) -> list[tuple[str, str]]:
    """A 100,000-row first-attend feed (stored and processed onto caseloads) and a
    100,000-row students file, each through `manage.py import`. Both add to the
    benchmark's database (new call ids and new students each run)."""
    import psycopg

    run = int(time.time())
    with psycopg.connect(url) as db:
        feed = db.execute("""
            SELECT s.staff_id, st.osis, m.service FROM mandates_assignment a
            JOIN people_staff s ON s.id = a.staff_id
            JOIN students_student st ON st.school_id = a.school_id
            JOIN mandates_mandate m ON m.student_id = st.id
            JOIN people_staffdiscipline d ON d.staff_id = s.id AND d.service = m.service
            WHERE a.kind = 'school' LIMIT 100000""").fetchall()
        schools = [r[0] for r in db.execute("SELECT dbn FROM schools_school ORDER BY id LIMIT 50")]
        top = db.execute("SELECT max(osis) FROM students_student WHERE osis LIKE '3%%'").fetchone()[0]
    first_osis = int(top) + 1 if top else 300_000_000
    day = today.isoformat()
    files = {
        "first_attends": (
            "staff_id,osis,service,first_attend_date,call_id",
            [f"{a},{b},{c},{day},BENCH{run}-{n}" for n, (a, b, c) in enumerate(feed)],
        ),
        "students": (
            "osis,first_name,last_name,date_of_birth,school_dbn,grade,home_language",
            [
                f"{first_osis + n},Bench,Student{n},2015-05-17,{schools[n % len(schools)]},4,English"
                for n in range(100_000)
            ],
        ),
    }
    figures = []
    for kind, (header, lines) in files.items():
        path = Path(tempfile.mkdtemp()) / f"{kind}.csv"
        path.write_text("\n".join([header, *lines]) + "\n")
        started = time.perf_counter()
        manage(url, "import", kind, str(path), "--as", admin, "--verbosity", "0")
        seconds = time.perf_counter() - started
        what = (
            "first-attend feed (stored and processed onto caseloads)" if kind == "first_attends" else "students import"
        )
        figures.append(
            (
                f"{what}, {len(lines):,} rows",
                f"{seconds:.1f} s: {len(lines) / seconds:,.0f} rows/s (whole command, Django start-up included)",
            )
        )
    return figures


def data_size(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as db:
        students, records, size = db.execute(
            "SELECT (SELECT count(*) FROM students_student), "
            "(SELECT reltuples::bigint FROM pg_class WHERE relname = 'services_servicerecord'), "
            "pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()
    return f"{students:,} students, about {records:,} service records, database {size}"


@dataclass
class Run:
    stats: Path
    duration: int
    users: int
    scale: float
    workers: int
    locust_cpu: float
    load: str
    data: str
    exclude: str = ""

    def queries(self) -> dict[str, dict[str, int]]:
        """Per request name: how many requests ran each number of queries."""
        found = self.stats.with_name(self.stats.name.replace("_stats.csv", "_queries.json"))
        return json.loads(found.read_text()) if found.exists() else {}


def query_range(counts: dict[str, int]) -> str:
    """The queries a page ran: one number, or the range it took (data-dependent pages
    such as a form that also saves vary with the path taken, not with the data's size)."""
    if not counts:
        return "—"
    numbers = sorted(int(n) for n in counts)
    return str(numbers[0]) if numbers[0] == numbers[-1] else f"{numbers[0]}–{numbers[-1]}"


def table(run: Run, batch: list[tuple[str, str]]) -> str:
    rows = list(csv.DictReader(run.stats.open()))
    pages = {r["Name"]: r for r in rows if r["Name"] != "Aggregated"}
    total = next(r for r in rows if r["Name"] == "Aggregated")
    floor = float(pages["floor (signed-in, one query)"]["95%"])
    queries = run.queries()
    lines = [
        f"# Mixed workload, {dt.datetime.now(dt.UTC).date()}",
        "",
        f"Commit {commit()}. Scale {run.scale} ({run.data}), PostgreSQL 15"
        f"{', reports on a streaming replica' if REPLICA_URL else ''}; this {os.cpu_count()}-core machine; "
        f"gunicorn with {run.workers} workers, DEBUG off; {run.users} simulated users "
        f"(locust, 0.5-1.5 s between actions) for {run.duration} s. Load average during the run: {run.load}. "
        f"locust itself used {run.locust_cpu:.0f} CPU seconds ({run.locust_cpu / run.duration:.2f} cores) "
        "of the same machine." + (f" Left out of this run's workload: {run.exclude}." if run.exclude else ""),
        "",
        "| page | requests | errors | queries | p50 ms | p95 ms | p99 ms | p95 / floor p95 | target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in sorted(pages.items()):
        p95 = float(r["95%"])
        ok = p95 <= TARGET_FLOOR_MULTIPLE * floor and (name != REPORT_PAGE or p95 <= TARGET_REPORT_P95_MS)
        limit = f"≤ {TARGET_FLOOR_MULTIPLE}× floor" + (f", ≤ {TARGET_REPORT_P95_MS} ms" if name == REPORT_PAGE else "")
        target = f"{'met' if ok else 'missed'} ({limit})"
        if name.startswith("sign in"):
            target = "not a target (once a session; the password hash is slow on purpose)"
        lines.append(
            f"| {name} | {r['Request Count']} | {r['Failure Count']} | {query_range(queries.get(name, {}))} | "
            f"{r['50%']} | {r['95%']} | {r['99%']} | "
            f"{p95 / floor:.1f} | {target} |"
        )
    rps = float(total["Requests/s"])
    failures = int(total["Failure Count"])
    lines += [
        "",
        f"Throughput {rps:.0f} requests/s (target ≥ {TARGET_RPS} at saturation: "
        f"{'met' if rps >= TARGET_RPS else 'missed'}); "
        f"{failures} errors of {total['Request Count']} requests (target 0: {'met' if failures == 0 else 'missed'}).",
    ]
    if batch:
        lines += ["", "| batch | figure |", "| --- | --- |", *[f"| {what} | {figure} |" for what, figure in batch]]
    replica = " --replica-url <url>" if REPLICA_URL else ""
    lines += [
        "",
        "```sh",
        f"make bench BENCH_ARGS='--scale {run.scale} --users {run.users} --duration {run.duration} "
        f"--workers {run.workers}{replica}{'' if batch else ' --no-batch'}"
        f"{f' --exclude {run.exclude}' if run.exclude else ''}'",
        "```",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    global REPLICA_URL
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--no-batch", action="store_true", help="the pages only: no exports, no imports")
    parser.add_argument("--exclude", default="", help="locust tasks to leave out, e.g. dashboard,provider_totals")
    parser.add_argument(
        "--replica-url", default="", help="a streaming replica of the database, as SESIS_REPLICA_DATABASE_URL"
    )
    args = parser.parse_args()
    REPLICA_URL = args.replica_url
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sesis_scale")
    ensure_data(url, args.scale)
    fixture_file = Path(tempfile.mkdtemp()) / "fixture.json"
    fixture_file.write_text(json.dumps(fixture(url, args.users)))
    data = data_size(url)
    server = serve(url, args.workers)
    try:
        stats, locust_cpu, load = run_locust(fixture_file, args.users, args.duration, args.exclude)
    finally:
        server.terminate()
        server.wait()
    batch = [] if args.no_batch else batch_figures(url)
    run = Run(stats, args.duration, args.users, args.scale, args.workers, locust_cpu, load, data, args.exclude)
    report = table(run, batch)
    details = [f"scale-{args.scale}", f"users-{args.users}"]
    details += ["without-" + args.exclude.replace(",", "-")] if args.exclude else []
    details += ["replica"] if REPLICA_URL else []
    results_file("load", *details).write_text(report)
    print(report)


if __name__ == "__main__":
    main()
