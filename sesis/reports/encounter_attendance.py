"""The Encounter Attendance report: one row per service record in the user's scope,
in its current version (as amended), with totals by session type. Every figure is read
from the records' columns; an amended record's earlier versions are read only to check
their signatures."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone

from sesis.lib.codes import ServiceType
from sesis.lib.exports import FORMULA_STARTS, neutralise
from sesis.people.models import Staff
from sesis.reports.filters import Filters
from sesis.services.access import visible_records
from sesis.services.choices import (
    CancelReason,
    Grouping,
    ProgressIndicator,
    ServiceDescription,
    ServiceLocation,
    SessionType,
)
from sesis.services.closed_days import on_non_school_days
from sesis.services.models import (
    HASHED_FIELDS,
    ServiceRecord,
    ServiceRecordVersion,
    Signature,
    signature_status,
)
from sesis.services.signature_sql import signature_matches_sql

TITLE = "Encounter Attendance"

# Sort keys a user may choose: a column's name, "-" for descending. Each ends in the
# record id so that pages never overlap.
SORTS: dict[str, list[str]] = {
    "date": ["date", "start_time", "id"],
    "student": ["student__last_name_key", "student__first_name_key", "student__osis", "date", "id"],
    "school": ["student__school__dbn", "date", "start_time", "id"],
    "service": ["service", "date", "start_time", "id"],
    "provider": ["provider__last_name_key", "provider__first_name", "provider__staff_id", "date", "id"],
    "session_type": ["session_type", "date", "start_time", "id"],
}
DEFAULT_SORT = "date"

# The columns of the page and of every export, in order.
COLUMNS = [
    "Student",
    "OSIS ID",
    "School",
    "Service Type",
    "Provider",
    "Staff ID",
    "Date",
    "Start Time",
    "End Time",
    "Minutes",
    "Session Type",
    "Cancellation reason",
    "Group Size",
    "Language of Service",
    "Service Location",
    "Service Description",
    "Progress Indicator",
    "Certified by",
    "Certified at",
    "Amended",
    "Signature",
]


def records(user: Staff, filters: Filters, sort: str = DEFAULT_SORT) -> QuerySet[ServiceRecord]:
    """The service records the report shows: the user's scope, then the filters."""
    qs = visible_records(user, bulk=True).filter(date__range=(filters.start, filters.end))
    if filters.school:
        qs = qs.filter(student__school=filters.school)
    if filters.district:
        qs = qs.filter(student__school__district=filters.district)
    if filters.provider:
        qs = qs.filter(provider=filters.provider)
    if filters.student:
        qs = qs.filter(student=filters.student)
    if filters.service:
        qs = qs.filter(service=filters.service)
    if filters.closed_day:
        qs = on_non_school_days(qs, within=(filters.start, filters.end))
    if filters.certified == "yes":
        qs = qs.filter(certified_at__isnull=False)
    elif filters.certified == "no":
        qs = qs.filter(certified_at__isnull=True)
    if filters.session_type:
        qs = qs.filter(session_type=filters.session_type)
    key = sort.removeprefix("-")
    order = SORTS.get(key, SORTS[DEFAULT_SORT])
    if sort.startswith("-"):
        order = [f"-{name}" for name in order]
    return qs.order_by(*order)


@dataclass
class Totals:
    by_type: list[tuple[str, int, int]]  # (session type label, records, minutes)
    records: int
    minutes: int


def totals(qs: QuerySet[ServiceRecord]) -> Totals:
    """Records and minutes by session type: one grouped query."""
    counts: dict[str, list[int]] = {value: [0, 0] for value in SessionType.values}
    grouped = (
        qs.order_by().values("session_type").annotate(n=Count("id"), duration=Sum(F("end_time") - F("start_time")))
    )
    for row in grouped:
        counts[row["session_type"]][0] += row["n"]
        counts[row["session_type"]][1] += _minutes(row["duration"])
    by_type = [(SessionType(value).label, n, minutes) for value, (n, minutes) in counts.items()]
    return Totals(by_type=by_type, records=sum(n for _, n, _ in by_type), minutes=sum(m for _, _, m in by_type))


def _minutes(duration: dt.timedelta | None) -> int:
    return int(duration.total_seconds() // 60) if duration else 0


def _span(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


@dataclass
class Row:
    """One line of the report, as shown and exported."""

    record_id: int
    student: str
    osis: str
    school: str
    service: str
    provider: str
    staff_id: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    minutes: int
    session_type: str
    cancel_reason: str
    group_size: str
    language: str
    location: str
    description: str
    progress: str
    certified_by: str
    certified_at: dt.datetime | None
    amended: bool
    signature: str = ""  # Verified, Does not match, or "" before certification

    def cells(self) -> list[Any]:
        """The row in COLUMNS order."""
        return [
            self.student,
            self.osis,
            self.school,
            self.service,
            self.provider,
            self.staff_id,
            self.date,
            self.start_time,
            self.end_time,
            self.minutes,
            self.session_type,
            self.cancel_reason,
            self.group_size,
            self.language,
            self.location,
            self.description,
            self.progress,
            self.certified_by,
            self.certified_at,
            "Yes" if self.amended else "No",
            self.signature,
        ]


# value -> label, looked up once per cell (constructing the enum per cell is slow)
_LABELS: dict[str, dict[str, str]] = {
    name: {str(value): str(label) for value, label in choices.choices}
    for name, choices in (
        ("service", ServiceType),
        ("session_type", SessionType),
        ("cancel_reason", CancelReason),
        ("location", ServiceLocation),
        ("description", ServiceDescription),
        ("progress", ProgressIndicator),
    )
}


def _label(field: str, value: str) -> str:
    return _LABELS[field].get(value, value) if value else ""


def earlier_versions_checked(qs: QuerySet[ServiceRecord]) -> dict[int, str | None]:
    """For the amended records among qs (a few in a hundred): the hash of each one's
    last earlier version when every earlier version still matches its signature and
    names the one before it, None when one does not. One query, read in order, keeping
    only that hash per record."""
    checked: dict[int, str | None] = {}
    versions = (
        ServiceRecordVersion.objects.filter(record__in=qs.exclude(amends_hash="").order_by().values("pk"))
        .order_by("record_id", "version")
        .values("record_id", *HASHED_FIELDS, "certification_hash")
    )
    for values in versions.iterator(chunk_size=5000):
        pk = values["record_id"]
        previous = checked.get(pk, "")
        intact = previous is not None and values["amends_hash"] == previous
        intact = intact and signature_status(values) == Signature.VERIFIED
        checked[pk] = values["certification_hash"] if intact else None
    return checked


def rows(qs: QuerySet[ServiceRecord], chunk_size: int = 5000) -> Iterator[Row]:
    """Every record of qs as a Row, read in chunks: memory stays flat however many
    records there are (a citywide month is about 1.7 million). Each row's Signature
    covers every signed version of its record."""
    from django.utils import timezone

    earlier = earlier_versions_checked(qs)
    tz = timezone.get_current_timezone()

    fields = [
        "pk",
        "student__first_name",
        "student__last_name",
        "student__osis",
        "student__school__dbn",
        "provider__first_name",
        "provider__last_name",
        "provider__staff_id",
        "certified_by__first_name",
        "certified_by__last_name",
        *HASHED_FIELDS,
        "certification_hash",
    ]
    for v in qs.values(*fields).iterator(chunk_size=chunk_size):
        signature = signature_status(v)
        if v["amends_hash"] and earlier.get(v["pk"]) != v["amends_hash"]:
            signature = Signature.MISMATCH
        grouping = "Individual" if v["grouping"] == Grouping.INDIVIDUAL else f"Group, {v['group_count']}"
        certified_at = v["certified_at"].astimezone(tz) if v["certified_at"] else None
        certified_by = f"{v['certified_by__first_name']} {v['certified_by__last_name']}" if certified_at else ""
        yield Row(
            record_id=v["pk"],
            student=f"{v['student__last_name']}, {v['student__first_name']}",
            osis=v["student__osis"],
            school=v["student__school__dbn"],
            service=_label("service", v["service"]),
            provider=f"{v['provider__last_name']}, {v['provider__first_name']}",
            staff_id=v["provider__staff_id"],
            date=v["date"],
            start_time=v["start_time"],
            end_time=v["end_time"],
            minutes=_span(v["start_time"], v["end_time"]),
            session_type=_label("session_type", v["session_type"]),
            cancel_reason=_label("cancel_reason", v["cancel_reason"]),
            group_size=grouping,
            language=v["language"],
            location=_label("location", v["location"]),
            description=_label("description", v["description"]),
            progress=_label("progress", v["progress"]),
            certified_by=certified_by,
            certified_at=certified_at,
            amended=bool(v["amends_hash"]),
            signature=signature,
        )


# The database's own CSV (PostgreSQL): the same cells as rows() through csv_lines, each
# formatted by the database and the whole file written by COPY, every row's signature
# checked there (sesis/services/signature_sql.py). A citywide month is millions of rows;
# Python then only passes the bytes on.


def _quote(text: str) -> str:
    """A SQL string literal (a tab or a carriage return stands in it as itself)."""
    return "'" + text.replace("'", "''") + "'"


_FORMULA_FIRST_SQL = ", ".join(_quote(c) for c in FORMULA_STARTS)
_INNER = {
    "r_id": "pk",
    "s_first": "student__first_name",
    "s_last": "student__last_name",
    "s_osis": "student__osis",
    "s_school": "student__school__dbn",
    "p_first": "provider__first_name",
    "p_last": "provider__last_name",
    "p_staff": "provider__staff_id",
    "c_first": "certified_by__first_name",
    "c_last": "certified_by__last_name",
    **{f"h_{name}": name for name in (*HASHED_FIELDS, "certification_hash")},
}


def _neutral(sql: str) -> str:
    """A text cell as neutralise() leaves it: a leading apostrophe before a formula's
    first character; an empty text as NULL (an empty cell, as Python's csv writes it)."""
    return f"CASE WHEN left({sql}, 1) IN ({_FORMULA_FIRST_SQL}) THEN '''' || {sql} ELSE NULLIF({sql}, '') END"


def _label_sql(field: str) -> str:
    column = f"q.h_{field}"
    whens = " ".join(
        f"WHEN {_quote(value)} THEN {_quote(str(neutralise(label)))}" for value, label in _LABELS[field].items()
    )
    return f"CASE {column} WHEN '' THEN NULL {whens} ELSE {_neutral(column)} END"


def _name_sql(last: str, first: str) -> str:
    """Last, First: neutralised by its first character."""
    return f"CASE WHEN left({last}, 1) IN ({_FORMULA_FIRST_SQL}) THEN '''' ELSE '' END || {last} || ', ' || {first}"


def _minutes_sql(start: str, end: str) -> str:
    return (
        f"((EXTRACT(HOUR FROM {end}) * 60 + EXTRACT(MINUTE FROM {end}))"
        f" - (EXTRACT(HOUR FROM {start}) * 60 + EXTRACT(MINUTE FROM {start})))::int"
    )


def _cells_sql(zone: str) -> list[str]:
    """The SQL of each cell, in COLUMNS order, over the inner query q and the amended
    records' checked chains (chain); timestamps shown in the time zone named zone."""
    hhmm = "to_char(DATE '2000-01-01' + q.h_{}, 'HH24:MI')"
    matches = signature_matches_sql(lambda name: f"q.h_{name}")
    return [
        _name_sql("q.s_last", "q.s_first"),
        _neutral("q.s_osis"),
        _neutral("q.s_school"),
        _label_sql("service"),
        _name_sql("q.p_last", "q.p_first"),
        _neutral("q.p_staff"),
        "to_char(q.h_date, 'YYYY-MM-DD')",
        hhmm.format("start_time"),
        hhmm.format("end_time"),
        _minutes_sql("q.h_start_time", "q.h_end_time"),
        _label_sql("session_type"),
        _label_sql("cancel_reason"),
        f"CASE WHEN q.h_grouping = '{Grouping.INDIVIDUAL}' THEN 'Individual'"
        " ELSE 'Group, ' || COALESCE(q.h_group_count::text, 'None') END",
        _neutral("q.h_language"),
        _label_sql("location"),
        _label_sql("description"),
        _label_sql("progress"),
        "CASE WHEN q.h_certified_at IS NOT NULL THEN "
        + _neutral("COALESCE(q.c_first, 'None') || ' ' || COALESCE(q.c_last, 'None')")
        + " END",
        f"to_char(q.h_certified_at AT TIME ZONE {_quote(zone)}, 'YYYY-MM-DD HH24:MI')",
        "CASE WHEN q.h_amends_hash <> '' THEN 'Yes' ELSE 'No' END",
        "CASE WHEN q.h_amends_hash <> '' AND chain.h IS DISTINCT FROM q.h_amends_hash THEN 'Does not match'"
        f" WHEN q.h_certified_at IS NULL THEN NULL WHEN {matches} THEN 'Verified' ELSE 'Does not match' END",
    ]


CSV_CHUNK_BYTES = 1 << 16  # what the file or the response is handed at a time


def database_csv(qs: QuerySet[ServiceRecord]) -> Iterator[bytes]:
    """The CSV of every record of qs (in its order) as csv_lines writes rows(qs), the
    rows written by PostgreSQL's COPY: a byte-order mark and the header, then the rows
    as the database sends them. Read when iterated, on the database qs reads from."""
    sql, params = database_csv_copy(qs)
    yield ("\ufeff" + _csv_header()).encode()
    buffer = bytearray()
    with connections[qs.db].cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        while data := copy.read():  # a row at a time, as PostgreSQL sends them
            buffer += data
            if len(buffer) >= CSV_CHUNK_BYTES:
                yield bytes(buffer)
                buffer.clear()
    if buffer:
        yield bytes(buffer)


def database_csv_copy(qs: QuerySet[ServiceRecord]) -> tuple[str, list[Any]]:
    """The COPY statement that writes qs's rows as CSV, and its parameters (the amended
    records' earlier versions are read and checked first). bench/export_plan.py times it."""
    earlier = earlier_versions_checked(qs)
    chain = [(pk, digest) for pk, digest in earlier.items() if digest]
    ordering: list[str] = []
    for name in qs.query.order_by:
        if not isinstance(name, str):
            raise TypeError("The database's CSV sorts by field names only (as records() does).")
        ordering.append(name)
    sort_columns = {f"o_{i}": F(name.removeprefix("-")) for i, name in enumerate(ordering)}
    inner = qs.order_by().annotate(**{alias: F(path) for alias, path in _INNER.items()}, **sort_columns)
    inner_sql, inner_params = inner.values(*_INNER, *sort_columns).query.sql_with_params()
    order = ", ".join(
        f"q.{alias}{' DESC' if name.startswith('-') else ''}"
        for alias, name in zip(sort_columns, ordering, strict=True)
    )
    sql = (
        "COPY (SELECT " + ", ".join(_cells_sql(timezone.get_current_timezone_name())) + f" FROM ({inner_sql}) q"  # noqa: S608 (our own SQL, parameters bound)
        " LEFT JOIN unnest(%s::bigint[], %s::text[]) AS chain(pk, h) ON chain.pk = q.r_id"
        + (f" ORDER BY {order}" if order else "")
        + ") TO STDOUT WITH (FORMAT csv)"
    )
    return sql, [*inner_params, [p for p, _ in chain], [d for _, d in chain]]


def _csv_header() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(COLUMNS)
    return out.getvalue()
