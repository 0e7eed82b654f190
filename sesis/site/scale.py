"""A district at scale, for benchmarks: about 1,600 schools, 1.1 million students,
283,000 with IEPs (about 700,000 mandates by real proportions of services), 35,000
staff with their assignments, caseloads, a school calendar, and the most recent
school weeks of service records (about 20 million at full scale) with absences,
cancellations, make-ups and uncertified records. Reproducible from a seed.

Rows are bulk-loaded: COPY on PostgreSQL (with foreign-key triggers off for the
session, as a migration of a district's history would be), executemany on SQLite
for the tests' tiny districts. Every certified record carries a valid certification
hash, computed exactly as ServiceRecord.content_hash does."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

from sesis.caseloads.models import CaseloadEntry
from sesis.lib.search import search_key
from sesis.mandates.models import Assignment, Mandate
from sesis.medicaid.checks import npi_from
from sesis.medicaid.models import Consent, ConsentKind, Credential, CredentialKind, Eligibility, Order
from sesis.people.models import AccessScope, Agency, Staff, StaffDiscipline
from sesis.schoolcalendar.models import CalendarDay
from sesis.schools.models import School
from sesis.services.models import FIRST_SIGNED, GroupSession, ServiceRecord
from sesis.students.models import Enrolment, Student

FULL = {"schools": 1600, "students": 1_100_000, "iep_share": 0.257, "records": 20_000_000}
SCALE_PASSWORD = "sesis-scale-2026"  # noqa: S105 (every generated login; benchmark accounts)
MANDATE_START, MANDATE_END = dt.date(2025, 9, 1), dt.date(2027, 6, 30)
SUMMER = ((6, 27), (9, 7))  # no school from June 27 to September 7 (12-month services aside)
HOLIDAYS = {
    dt.date(2025, 11, 27): "Thanksgiving",
    dt.date(2025, 11, 28): "Thanksgiving",
    dt.date(2025, 12, 25): "Winter recess",
    dt.date(2026, 1, 1): "Winter recess",
    dt.date(2026, 1, 19): "Martin Luther King Jr. Day",
    dt.date(2026, 2, 16): "Midwinter recess",
    dt.date(2026, 4, 3): "Spring recess",
    dt.date(2026, 5, 25): "Memorial Day",
    dt.date(2026, 6, 19): "Juneteenth",
    dt.date(2026, 9, 14): "Rosh Hashanah",
    dt.date(2026, 9, 23): "Yom Kippur",
    dt.date(2026, 10, 12): "Columbus Day",
    dt.date(2026, 11, 3): "Election Day",
    dt.date(2026, 11, 11): "Veterans Day",
    dt.date(2026, 11, 26): "Thanksgiving",
    dt.date(2026, 11, 27): "Thanksgiving",
}

# Service: (share of mandates, sessions, period, minutes, group sizes, students per provider)
SERVICES: dict[str, tuple[float, int, str, int, tuple[int, ...], int]] = {
    "SPEECH": (0.385, 2, "week", 30, (1, 3, 3, 5), 45),
    "COUNSELING": (0.27, 1, "week", 30, (1, 1, 3), 45),
    "OT": (0.17, 2, "week", 30, (1, 1, 2), 30),
    "PT": (0.06, 2, "week", 30, (1,), 30),
    "PARA": (0.015, 5, "week", 360, (1,), 1),
    "HEARING": (0.03, 2, "week", 45, (1,), 20),
    "VISION": (0.02, 2, "week", 45, (1,), 15),
    "HEALTH": (0.03, 5, "week", 20, (1,), 20),
    "OM": (0.01, 4, "month", 45, (1,), 15),
}
FIRST = (
    "Aaliyah Aiden Amir Ana Ava Benjamin Camila Carlos Chloe Daniel David Elijah Emily Emma Ethan Fatima Gabriel "
    "Grace Hana Isabella Jacob Jayden Jin Jose Kevin Layla Leah Liam Lucas Luis Maria Mason Mei Mia Mohammed Noah "
    "Nia Olivia Omar Priya Rafael Ryan Samantha Sofia Tyler Victoria Wei Xavier Yusuf Zoe"
).split()
LAST = (
    "Adams Ahmed Ali Alvarez Baker Brown Chen Cohen Cruz Davis Diaz Edwards Evans Fernandez Garcia Gomez Gonzalez "
    "Green Hall Hernandez Hill Jackson Johnson Jones Khan Kim Lee Lewis Li Lopez Martin Martinez Miller Moore "
    "Morales Murphy Nguyen O'Brien Ortiz Patel Perez Ramirez Reyes Rivera Robinson Rodriguez Rosario Sanchez "
    "Santos Shapiro Singh Smith Taylor Thomas Torres Vasquez Walker Wang White Williams Wilson Wong Young Zhang"
).split()
BOROUGHS = "MXKQR"
LANGUAGES = ["English"] * 14 + ["Spanish"] * 4 + ["Chinese", "Bengali", "Russian", "Arabic", "Haitian Creole"]
STAFF_OFFSET, SUPERVISOR_OFFSET, ADMIN_OFFSET = 5_000_000, 8_000_000, 9_000_000  # staff ids (digits only)


@dataclass
class Plan:
    """The sizes of a district at a scale (1.0 is full size)."""

    scale: float
    seed: int = 2026
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def schools(self) -> int:
        return max(3, round(FULL["schools"] * self.scale))

    @property
    def students(self) -> int:
        return max(60, round(FULL["students"] * self.scale))

    @property
    def records(self) -> int:
        return max(500, round(FULL["records"] * self.scale))


Progress = Callable[[str], None]


# Loading -------------------------------------------------------------------------------


def _columns(model: type[models.Model]) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def load(model: type[models.Model], rows: Iterable[Sequence[Any]]) -> int:
    """Bulk-load rows (tuples in the model's concrete field order, ids included)."""
    table, columns = model._meta.db_table, _columns(model)
    count = 0
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
    else:
        # Table and column names come from the models, never from input.
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        batch: list[Sequence[Any]] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(tuple(_sqlite(value) for value in row))
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    count, batch = count + len(batch), []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def _sqlite(value: Any) -> Any:
    """SQLite's driver takes no times or aware datetimes: store them as Django does."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.time):
        return connection.ops.adapt_timefield_value(value)
    return value


def _reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"  # noqa: S608
            cursor.execute(sql)


# The district ---------------------------------------------------------------------------


@dataclass
class District:
    schools: list[tuple[int, str, int]] = field(default_factory=list)  # id, dbn, district
    students: list[tuple[int, int]] = field(default_factory=list)  # id, school index
    mandates: list[tuple[int, int, str, int, str, int, int, str]] = field(default_factory=list)
    # id, student id, service, sessions, period, minutes, group size, language
    providers: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # service: [(staff pk, type)]
    caseload: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # provider: [(student, mandate)]


def _name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST), rng.choice(LAST)


def school_days(plan: Plan) -> list[dt.date]:
    """The school days with records: back from today until the records target is met
    (the caller trims), skipping weekends, summer and holidays; oldest first."""
    days: list[dt.date] = []
    day = plan.today
    while day >= MANDATE_START and len(days) < 200:
        summer = SUMMER[0] <= (day.month, day.day) <= SUMMER[1]
        if day.weekday() < 5 and not summer and day not in HOLIDAYS:
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def generate(
    plan: Plan, progress: Progress = print, records_done: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Fill an empty database with the district. Returns rows loaded per table.
    progress: a message per stage; records_done(done, about): the service records'."""
    rng = random.Random(plan.seed)
    counts: dict[str, int] = {}
    district = District()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")  # foreign keys hold by construction
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")  # for the index builds after the load
        counts |= _people_and_places(plan, rng, district, progress)
        counts |= _records(plan, rng, district, progress, records_done or (lambda done, about: None))
        _reset_sequences(
            [
                School,
                Agency,
                Staff,
                StaffDiscipline,
                AccessScope,
                Student,
                Enrolment,
                Mandate,
                Assignment,
                CaseloadEntry,
                CaseloadEntry.mandates.through,
                CalendarDay,
                GroupSession,
                ServiceRecord,
                Consent,
                Eligibility,
                Order,
                Credential,
            ]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


def _people_and_places(plan: Plan, rng: random.Random, d: District, progress: Progress) -> dict[str, int]:
    counts = {}
    for n in range(plan.schools):
        district_no = n % 32 + 1
        d.schools.append((n + 1, f"{district_no:02d}{BOROUGHS[n % 5]}{n // 32 + 1:03d}", district_no))
    counts["schools"] = load(School, ((pk, dbn, f"P.S. {pk}", no, dbn[2]) for pk, dbn, no in d.schools))
    counts["calendar days"] = load(
        CalendarDay,
        ((n + 1, day, "holiday", None, None, name, None) for n, (day, name) in enumerate(sorted(HOLIDAYS.items()))),
    )
    progress(f"{counts['schools']:,} schools")

    students = []
    for n in range(plan.students):
        first, last = _name(rng)
        school = n % plan.schools
        d.students.append((n + 1, school))
        born = dt.date(2008 + n % 14, 1 + n % 12, 1 + n % 28)
        students.append(
            (
                n + 1,
                f"{200_000_000 + n:09d}",
                first,
                last,
                search_key(first),
                search_key(last),
                born,
                d.schools[school][0],
                str(n % 13) if n % 13 else "K",
                rng.choice(LANGUAGES),
            )
        )
    counts["students"] = load(Student, students)
    counts["enrolments"] = load(Enrolment, ((s[0], s[0], s[7], s[8], dt.date(2025, 9, 4), None) for s in students))
    progress(f"{counts['students']:,} students")

    services, weights = list(SERVICES), [spec[0] for spec in SERVICES.values()]
    iep = rng.sample(range(plan.students), round(plan.students * FULL["iep_share"]))
    for student in sorted(iep):
        # Without repeats, in the order drawn: a set's order of strings changes with each process's hash seed.
        drawn = rng.choices(services, weights, k=rng.choices((1, 2, 3, 4, 5), (5, 15, 30, 30, 20))[0])
        for service in dict.fromkeys(drawn):
            _, sessions, period, minutes, groups, _ = SERVICES[service]
            d.mandates.append(
                (
                    len(d.mandates) + 1,
                    student + 1,
                    service,
                    sessions,
                    period,
                    minutes,
                    rng.choice(groups),
                    students[student][9],
                )
            )
    # The last column, student_school, is the student's school, which a trigger keeps
    # for every other writer: the load runs with triggers off on PostgreSQL.
    counts["mandates"] = load(
        Mandate,
        (
            (pk, f"SM{pk:08d}", s, svc, n, per, mins, g, lang, "", MANDATE_START, MANDATE_END, students[s - 1][7])
            for pk, s, svc, n, per, mins, g, lang in d.mandates
        ),
    )
    progress(f"{counts['mandates']:,} mandates for {len(iep):,} students with IEPs")
    counts |= _staff(plan, rng, d)
    progress(
        f"{counts['staff']:,} staff, {counts['assignments']:,} assignments, "
        f"{counts['caseload entries']:,} caseload entries"
    )
    counts |= _medicaid(rng, d)
    progress(
        f"Medicaid: {counts['consents']:,} consents, {counts['medicaid ids']:,} Medicaid IDs, "
        f"{counts['orders']:,} orders, {counts['credentials']:,} credentials"
    )
    return counts


# The shares of the facts on file, as in the demo district: most, not all, so that a
# month's claim run has unclaimable sessions of every fact's reason.
MEDICAID_SHARES = {"consent": 0.85, "eligibility": 0.82, "order": 0.88, "credential": 0.92}
DIAGNOSES = {"SPEECH": "F80.9", "COUNSELING": "F43.20", "OT": "R27.8", "PT": "R26.89", "HEALTH": "Z99.89"}


def _medicaid(rng: random.Random, d: District) -> dict[str, int]:
    """Consents, Medicaid IDs, orders (for the claimed services) and credentials."""
    share = MEDICAID_SHARES
    students = sorted({m[1] for m in d.mandates})
    consents = [s for s in students if rng.random() < share["consent"]]
    eligible = [s for s in students if rng.random() < share["eligibility"]]
    orders = [m for m in d.mandates if m[2] in DIAGNOSES and rng.random() < share["order"]]
    providers = sorted({pk for staff in d.providers.values() for pk, _kind in staff})
    credentialed = [pk for pk in providers if rng.random() < share["credential"]]
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return {
        "consents": load(
            Consent, ((n + 1, s, ConsentKind.MEDICAID_BILLING, MANDATE_START, None) for n, s in enumerate(consents))
        ),
        "medicaid ids": load(
            Eligibility,
            (
                (
                    n + 1,
                    s,
                    f"{letters[s % 24]}{letters[s // 24 % 24]}{s % 100000:05d}{letters[s % 23]}",
                    MANDATE_START,
                    None,
                )
                for n, s in enumerate(eligible)
            ),
        ),
        "orders": load(
            Order,
            (
                (
                    n + 1,
                    m[1],
                    m[2],
                    "Dr. Ana Ruiz",
                    npi_from(900_000_001),
                    DIAGNOSES[m[2]],
                    MANDATE_START,
                    MANDATE_START,
                    MANDATE_END,
                )
                for n, m in enumerate(orders)
            ),
        ),
        "credentials": load(
            Credential,
            (
                (n + 1, pk, npi_from(500_000_000 + pk), CredentialKind.LICENSED, f"L-{pk:07d}", MANDATE_END, None)
                for n, pk in enumerate(credentialed)
            ),
        ),
    }


def _staff(plan: Plan, rng: random.Random, d: District) -> dict[str, int]:
    password = make_password(SCALE_PASSWORD)
    by_service: dict[str, list[tuple[int, int]]] = {s: [] for s in SERVICES}
    for pk, student, service, *_ in d.mandates:
        by_service[service].append((student, pk))
    Row = tuple[Any, ...]
    staff: list[Row] = []
    disciplines: list[Row] = []
    assignments: list[Row] = []
    scopes: list[Row] = []
    entries: list[Row] = []
    links: list[Row] = []
    agencies = [(n + 1, f"Agency {n + 1}") for n in range(max(1, plan.schools // 40))]
    start = dt.date(2025, 8, 25)
    for service, served in by_service.items():
        per_provider = SERVICES[service][5]
        count = max(1, -(-len(served) // per_provider))
        providers = []
        for _ in range(count):
            pk = len(staff) + 1
            kind = rng.choices(("DOE", "Agency", "Independent"), (70, 20, 10))[0]
            first, last = _name(rng)
            agency = rng.choice(agencies)[0] if kind == "Agency" else None
            staff.append(
                (
                    pk,
                    password,
                    None,
                    str(STAFF_OFFSET + pk),
                    first,
                    last,
                    search_key(last),
                    "",
                    "provider",
                    kind,
                    agency,
                    "English",
                    True,
                    "",
                    True,  # email_reminders
                )
            )
            disciplines.append((len(disciplines) + 1, pk, service))
            providers.append((pk, kind))
        d.providers[service] = providers
        # Each provider serves the students of a few schools (itinerant providers more).
        schools_of: dict[int, list[tuple[int, str]]] = {}
        for n, provider in enumerate(providers):
            schools_of.setdefault(n % plan.schools, []).append(provider)
        for student, mandate in served:
            school = d.students[student - 1][1]
            candidates = schools_of.get(school) or providers
            provider_pk, kind = candidates[(student * 7 + mandate) % len(candidates)]
            d.caseload.setdefault(provider_pk, []).append((student, mandate))
            if kind == "Independent":
                # The last column, student_school, is the student's school, which a trigger
                # keeps for every other writer: the load runs with triggers off on PostgreSQL.
                assignments.append(
                    (
                        len(assignments) + 1,
                        provider_pk,
                        "rsa",
                        None,
                        student,
                        service,
                        start,
                        None,
                        d.schools[school][0],
                    )
                )
            entries.append(
                (
                    len(entries) + 1,
                    provider_pk,
                    student,
                    "supervisor",
                    None,
                    dt.datetime(2025, 9, 2, 12, tzinfo=dt.UTC),
                    None,
                    None,
                    "",
                )
            )
            links.append((len(links) + 1, len(entries), mandate))
        for provider_pk, kind in providers:
            if kind != "Independent":
                schools = {d.students[s - 1][1] for s, _ in d.caseload.get(provider_pk, [])}
                for school in sorted(schools):
                    assignments.append(
                        (
                            len(assignments) + 1,
                            provider_pk,
                            "school" if kind == "DOE" else "agency",
                            d.schools[school][0],
                            None,
                            "",
                            start,
                            None,
                            None,
                        )
                    )
    supervisors = max(2, round(1500 * plan.scale))
    for n in range(supervisors):
        pk = len(staff) + 1
        first, last = _name(rng)
        staff.append(
            (
                pk,
                password,
                None,
                str(SUPERVISOR_OFFSET + n),
                first,
                last,
                search_key(last),
                "",
                "supervisor",
                "",
                None,
                "English",
                True,
                "",
                True,  # email_reminders
            )
        )
        scopes.append((len(scopes) + 1, pk, "district", str(n % 32 + 1)))
    for n in range(max(1, round(100 * plan.scale))):
        pk = len(staff) + 1
        staff.append(
            (
                pk,
                password,
                None,
                str(ADMIN_OFFSET + n),
                "Ada",
                f"Admin{n}",
                search_key(f"Admin{n}"),
                "",
                "administrator",
                "",
                None,
                "English",
                True,
                "",
                True,  # email_reminders
            )
        )
    supervisor_pk = next(s[0] for s in staff if s[8] == "supervisor")
    entries = [(e[0], e[1], e[2], e[3], supervisor_pk, *e[5:]) for e in entries]
    return {
        "agencies": load(Agency, agencies),
        "staff": load(Staff, staff),
        "disciplines": load(StaffDiscipline, disciplines),
        "access scopes": load(AccessScope, scopes),
        "assignments": load(Assignment, assignments),
        "caseload entries": load(CaseloadEntry, entries),
        "caseload mandates": load(CaseloadEntry.mandates.through, links),
    }


# Service records -----------------------------------------------------------------------

CANCEL_REASONS = ("school_closing", "school_activity", "provider_task")
LOCATIONS = {
    "SPEECH": "separate",
    "COUNSELING": "separate",
    "OT": "separate",
    "PT": "separate",
    "PARA": "classroom",
    "HEARING": "separate",
    "VISION": "separate",
    "HEALTH": "other_school",
    "OM": "community",
}
NOTES = {"SPEECH": "Articulation and language goals.", "OT": "Fine motor practice.", "PT": "Gross motor practice."}


def _json(value: str | None) -> str:
    return "null" if value is None else value if value.isdigit() else json.dumps(value)


def signature(fields: dict[str, str | None]) -> str:
    """ServiceRecord.content_hash for a row given as the text of each signed field
    (ids as digits, dates and times in ISO form, certified_at as datetime.isoformat())."""
    names = sorted(FIRST_SIGNED)  # an original version: no amendment fields to sign
    text = ",".join(f'"{name}":{_json(fields[name])}' for name in names)
    return hashlib.sha256(("{" + text + "}").encode()).hexdigest()


@dataclass
class Unit:
    """One weekly session of a provider: one student, or a group sharing the time."""

    members: list[tuple[int, int]]  # (student, mandate)
    service: str
    minutes: int
    group: int
    language: str
    times: list[tuple[int, dt.time, dt.time]] = field(default_factory=list)  # (weekday, start, end)


def _timetable(d: District, provider: int, mandates: dict[int, tuple[Any, ...]]) -> list[Unit]:
    """A provider's week: group mandates in groups up to their size, each unit placed
    on its weekdays from 08:00, never two at once. What does not fit is not delivered
    (a shortfall the reports will show)."""
    units: list[Unit] = []
    open_groups: dict[tuple[str, int], Unit] = {}
    for student, mandate in d.caseload.get(provider, []):
        _, _, service, sessions, period, minutes, group, language = mandates[mandate]
        if group > 1:
            unit = open_groups.get((service, group))
            if unit is None or len(unit.members) >= group:
                unit = Unit([], service, minutes, group, "English")
                open_groups[(service, group)] = unit
                units.append(unit)
            unit.members.append((student, mandate))
        else:
            units.append(Unit([(student, mandate)], service, minutes, 1, language))
    cursor = [8 * 60] * 5
    for n, unit in enumerate(units):
        sessions, period = mandates[unit.members[0][1]][3:5]
        per_week = sessions if period == "week" else 1
        for k in range(min(per_week, 5)):
            weekday = (n + k * (5 // per_week if per_week < 5 else 1)) % 5
            if cursor[weekday] + unit.minutes > 17 * 60:
                continue
            start = cursor[weekday]
            unit.times.append(
                (
                    weekday,
                    dt.time(start // 60, start % 60),
                    dt.time((start + unit.minutes) // 60, (start + unit.minutes) % 60),
                )
            )
            cursor[weekday] = start + unit.minutes + 5
    return units


class RecordWriter:
    """Service record rows as text, signed when certified: one row per student of a
    session, in ServiceRecord's column order."""

    def __init__(self) -> None:
        self.next_id = 1
        self.in_column_order = operator.itemgetter(*_columns(ServiceRecord))

    def row(
        self,
        *,
        student: int,
        provider: int,
        mandate: int,
        day: str,
        start: str,
        end: str,
        unit: Unit,
        session: str,
        reason: str,
        group_id: int | None,
        group_count: int | None,
        makeup_of: int | None,
        signed_at: str | None,
        stamp: str,
    ) -> tuple[str | None, ...]:
        provided = session == "provided"
        para = unit.service == "PARA"
        fields: dict[str, str | None] = {
            "student_id": str(student),
            "provider_id": str(provider),
            "mandate_id": str(mandate),
            "date": day,
            "start_time": start,
            "end_time": end,
            "service": unit.service,
            "language": unit.language,
            "session_type": session,
            "cancel_reason": reason,
            "grouping": "group" if group_count is not None else "individual",
            "group_count": None if group_count is None else str(group_count),
            "location": LOCATIONS[unit.service] if provided else "",
            "description": "health" if para and provided else "",
            "progress": "progressing" if para and provided else "",
            "notes": NOTES.get(unit.service, "") if provided else "",
            "makeup_of_id": None if makeup_of is None else str(makeup_of),
            "group_session_id": None if group_id is None else str(group_id),
            "recorded_by_id": str(provider),
            "certified_by_id": None if signed_at is None else str(provider),
            "certified_at": signed_at,
        }
        record_id = self.next_id
        self.next_id += 1
        columns = {
            **fields,
            "id": str(record_id),
            "date": day,
            "overlap_flag": "",
            "created_at": stamp,
            "updated_at": stamp,
            "version": "1",
            "certified_at": None if signed_at is None else stamp,
            "certification_hash": "" if signed_at is None else signature(fields),
            "amends_hash": "",
            "amendment_reason": "",
            "unsigned_amendment": "f" if connection.vendor == "postgresql" else "0",
            "notes_confidential": "f" if connection.vendor == "postgresql" else "0",
        }
        return cast(tuple[str | None, ...], self.in_column_order(columns))


def _load_text(model: type[models.Model], rows: Iterable[tuple[str | None, ...]]) -> int:
    """Rows already formatted as text: COPY's text format on PostgreSQL."""
    if connection.vendor != "postgresql":
        return load(model, rows)
    table, columns = model._meta.db_table, _columns(model)
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        chunk: list[str] = []
        for row in rows:
            chunk.append("\t".join("\\N" if value is None else value for value in row))
            if len(chunk) == 2000:
                copy.write("\n".join(chunk) + "\n")
                count, chunk = count + len(chunk), []
        if chunk:
            copy.write("\n".join(chunk) + "\n")
            count += len(chunk)
    return count


def _without_indexes(model: type[models.Model]) -> list[str]:
    """On PostgreSQL, drop a table's secondary indexes and unique and exclusion
    constraints for a bulk load (rebuilding them after is far faster than keeping them
    up row by row). Returns the statements that put them back."""
    if connection.vendor != "postgresql":
        return []
    table = model._meta.db_table
    restore, drop = [], []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype IN ('u', 'x')",
            [table],
        )
        for name, definition in cursor.fetchall():
            drop.append(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            restore.append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        for name, definition in cursor.fetchall():
            drop.append(f"DROP INDEX {name}")
            restore.append(definition)
        for statement in drop:
            cursor.execute(statement)
    return restore


class RecordDays:
    """The service records of the chosen school days, row by row: each provider's
    timetable as held, absences and cancellations by chance, a few missed sessions made
    up on Friday evenings, 30% of the last week's left uncertified (1% before)."""

    def __init__(self, plan: Plan, rng: random.Random, timetables: dict[int, list[Unit]], days: list[dt.date]) -> None:
        self.days = days
        self.timetables = timetables
        self.random = rng.random
        self.postgres = connection.vendor == "postgresql"
        self.writer = RecordWriter()
        self.recent = plan.today - dt.timedelta(days=7)
        self.groups: list[tuple[int, int, dt.date, dt.datetime]] = []
        self.missed: dict[int, list[tuple[int, Unit, int, int]]] = {}  # provider: (record id, unit, student, mandate)
        self.hm = {
            t: t.isoformat() for units in timetables.values() for u in units for _, a, b in u.times for t in (a, b)
        }

    def session_type(self) -> tuple[str, str]:
        x = self.random()
        if x < 0.90:
            return "provided", ""
        if x < 0.95:
            return "student_absent", ""
        if x < 0.97:
            return "provider_absent", ""
        return "cancelled", CANCEL_REASONS[int(x * 1000) % 3]

    def rows(self) -> Iterator[tuple[str | None, ...]]:
        for day in self.days:
            signed = dt.datetime.combine(day, dt.time(20), tzinfo=dt.UTC)
            text = {
                "day": day.isoformat(),
                "signed_at": signed.isoformat(),
                "stamp": f"{day.isoformat()} 20:00:00{'+00:00' if self.postgres else ''}",
            }
            for provider, units in self.timetables.items():
                for unit in units:
                    for unit_day, start, end in unit.times:
                        if unit_day == day.weekday():
                            yield from self._session(provider, unit, day, start, end, signed, text)
                if day.weekday() == 4 or day == self.days[-1]:
                    yield from self._makeups(provider, text)

    def _session(
        self,
        provider: int,
        unit: Unit,
        day: dt.date,
        start: dt.time,
        end: dt.time,
        signed: dt.datetime,
        text: dict[str, str],
    ) -> Iterator[tuple[str | None, ...]]:
        """One timetabled session: a row per student of the unit."""
        kind, reason = self.session_type()
        group_id = None
        if unit.group > 1:
            group_id = len(self.groups) + 1
            self.groups.append((group_id, provider, day, signed))
        uncertified = 0.3 if day >= self.recent else 0.01
        for student, mandate in unit.members:
            session = kind
            if kind == "provided" and unit.group > 1 and self.random() < 0.06:
                session = "student_absent"
            signed_at = None if self.random() < uncertified else text["signed_at"]
            row = self.writer.row(
                student=student,
                provider=provider,
                mandate=mandate,
                day=text["day"],
                start=self.hm[start],
                end=self.hm[end],
                unit=unit,
                session=session,
                reason=reason if session == "cancelled" else "",
                group_id=group_id,
                group_count=len(unit.members) if unit.group > 1 else None,
                makeup_of=None,
                signed_at=signed_at,
                stamp=text["stamp"],
            )
            if session != "provided" and unit.group == 1 and unit.minutes <= 60 and self.random() < 0.4:
                self.missed.setdefault(provider, []).append((int(row[0]), unit, student, mandate))  # type: ignore[arg-type]
            yield row

    def _makeups(self, provider: int, text: dict[str, str]) -> Iterator[tuple[str | None, ...]]:
        """Up to six of the week's missed sessions made up, from 17:00."""
        for k, (missed_id, unit, student, mandate) in enumerate(self.missed.pop(provider, [])[:6]):
            begin = 17 * 60 + k * 35
            finish = begin + min(unit.minutes, 30)
            yield self.writer.row(
                student=student,
                provider=provider,
                mandate=mandate,
                day=text["day"],
                start=f"{begin // 60:02d}:{begin % 60:02d}:00",
                end=f"{finish // 60:02d}:{finish % 60:02d}:00",
                unit=unit,
                session="provided",
                reason="",
                group_id=None,
                group_count=None,
                makeup_of=missed_id,
                signed_at=text["signed_at"],
                stamp=text["stamp"],
            )


def _records(
    plan: Plan, rng: random.Random, d: District, progress: Progress, records_done: Callable[[int, int], None]
) -> dict[str, int]:
    mandates = {m[0]: m for m in d.mandates}
    timetables = {provider: _timetable(d, provider, mandates) for provider in d.caseload}
    per_day = sum(len(u.members) * len(u.times) for units in timetables.values() for u in units) / 5
    days = school_days(plan)
    days = days[-max(1, min(len(days), round(plan.records / max(per_day, 1)))) :]
    progress(f"{len(days)} school days of records, {days[0]} to {days[-1]}, about {per_day:,.0f} a day")
    record_days = RecordDays(plan, rng, timetables, days)
    count = 0

    def counted() -> Iterator[tuple[str | None, ...]]:
        nonlocal count
        about = round(len(days) * per_day)
        for row in record_days.rows():
            count += 1
            if count % 10_000 == 0:
                records_done(count, max(about, count))
            yield row
        records_done(count, count)

    restore = _without_indexes(ServiceRecord)
    records = _load_text(ServiceRecord, counted())
    progress(f"{records:,} service records loaded; building their indexes and constraints")
    with connection.cursor() as cursor:
        for statement in restore:
            cursor.execute(statement)
    sessions = load(GroupSession, record_days.groups)
    progress(f"{records:,} service records, {sessions:,} group sessions")
    return {"service records": records, "group sessions": sessions}
