"""The signature check in SQL gives the Python check's answer: the same canonical JSON,
byte for byte, for every kind of value a signed field can hold (text in any script,
control characters, microseconds, a zero count, the later-signed fields held or not)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sesis.services.models import HASHED_FIELDS, ServiceRecord, content_hash, signed_content
from sesis.services.signature_sql import canonical_json_sql, signature_matches_sql

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL check is PostgreSQL's"),
]

PG_TYPES = {
    "CharField": "text",
    "TextField": "text",
    "BooleanField": "boolean",
    "DateField": "date",
    "TimeField": "time",
    "DateTimeField": "timestamptz",
}
KINDS = {f.attname: f.get_internal_type() for f in ServiceRecord._meta.concrete_fields}

text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "CharField": text,
    "TextField": text,
    "BooleanField": st.booleans(),
    "DateField": st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    "TimeField": st.times(),
    # hypothesis takes naive bounds and adds the zone
    "DateTimeField": st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31), timezones=st.just(dt.UTC)),  # noqa: DTZ001
}
NULL = {f.attname for f in ServiceRecord._meta.concrete_fields if f.null}
ids = st.integers(0, 2**31 - 1)


def _strategy(name: str) -> st.SearchStrategy[Any]:
    """Any value the column can hold (NULL only where the database allows it)."""
    values = STRATEGIES.get(KINDS[name], ids)
    return st.none() | values if name in NULL else values


values_strategy = st.fixed_dictionaries({name: _strategy(name) for name in HASHED_FIELDS})


def _in_sql(values: dict[str, Any], certification_hash: str) -> tuple[str, str, bool]:
    """The exact form, the plain form and whether the row matches the hash, by SQL."""

    def column(name: str) -> str:
        return f"q.v_{name}"

    selected = ", ".join(
        f"%s::{PG_TYPES.get(KINDS[name], 'bigint')} AS v_{name}" for name in (*HASHED_FIELDS, "certification_hash")
    )
    forms = f"{canonical_json_sql(column)}, {canonical_json_sql(column, plain=True)}"
    sql = f"SELECT {forms}, {signature_matches_sql(column)} FROM (SELECT {selected}) q"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(values[name] for name in HASHED_FIELDS), certification_hash])
        exact, plain, matches = cursor.fetchone()
    return exact, plain, matches


def _plain(values: dict[str, Any]) -> bool:
    """Every text of the row is ASCII without DEL."""
    return all(isinstance(v, str) is False or (v.isascii() and "\x7f" not in v) for v in values.values())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=values_strategy)
def test_sql_writes_the_canonical_json_python_writes(values: dict[str, Any]) -> None:
    python = json.dumps(signed_content(values), sort_keys=True, separators=(",", ":"))
    exact, plain, matches = _in_sql(values, content_hash(signed_content(values)))
    assert exact == python
    if _plain(values):  # the fast form, tried first, is exact for nearly every row
        assert plain == python
    else:
        assert plain != python
    assert matches is True


def test_a_changed_field_or_hash_does_not_match() -> None:
    values = {name: None for name in HASHED_FIELDS} | {
        "date": dt.date(2026, 11, 18),
        "start_time": dt.time(9, 0),
        "end_time": dt.time(9, 30),
        "service": "speech",
        "language": "Español",
        "session_type": "provided",
        "cancel_reason": "",
        "grouping": "individual",
        "location": "",
        "description": "",
        "progress": "",
        "notes": 'Trabajó "bien"\n— señal ✓ 𝄞',
        "notes_confidential": True,
        "amends_hash": "",
        "amendment_reason": "",
        "unsigned_amendment": False,
        "student_id": 7,
        "provider_id": 3,
        "mandate_id": 11,
        "recorded_by_id": 3,
        "certified_by_id": 3,
        "certified_at": dt.datetime(2026, 11, 18, 14, 3, 22, 123456, tzinfo=dt.UTC),
    }
    signed = content_hash(signed_content(values))
    assert _in_sql(values, signed)[2] is True
    assert _in_sql(values, "0" * 64)[2] is False
    assert _in_sql(values | {"notes": values["notes"] + " "}, signed)[2] is False
    assert _in_sql(values | {"certified_at": values["certified_at"].replace(microsecond=0)}, signed)[2] is False
    plain = values | {"notes": "Worked on /s/ blends.", "language": "English"}
    assert _in_sql(plain, signed)[2] is False
    assert _in_sql(plain, content_hash(signed_content(plain)))[2] is True
