"""A record's signature checked in SQL (PostgreSQL only): the SHA-256 of the same
canonical JSON that `models.content_hash` computes in Python, built by the database, so
that an export of millions of records checks every row's signature where the rows are
instead of shipping each row's signed fields to Python.

The JSON is what `json.JSONEncoder(sort_keys=True, separators=(",", ":"))` writes for
`models.signed_content(values)`: keys sorted, fields added after the first release only
when they hold a value, dates and times in ISO 8601 (the timestamp in UTC), strings
escaped as Python escapes them (ASCII only: every other character as \\uXXXX). The
strings with a character outside printable ASCII go through `sesis_json_string`, a
function the services migration 0009 creates; the others through PostgreSQL's
`to_json`, which escapes printable ASCII the same way.

A match is proof (the hash of what was signed); a test holds the SQL and the Python
check to the same answer on records with every kind of value
(sesis/services/tests/test_signature_sql.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from sesis.services.models import FIRST_SIGNED, HASHED_FIELDS, ServiceRecord

LATER_SIGNED = frozenset(HASHED_FIELDS) - FIRST_SIGNED

# Python's json string escaping (ensure_ascii): " and \ escaped, the five short escapes,
# every other character outside printable ASCII as \uXXXX in lower-case hex (a
# surrogate pair above U+FFFF).
JSON_STRING_FUNCTION = r"""
CREATE OR REPLACE FUNCTION sesis_json_string(s text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
SELECT '"' || string_agg(
    CASE
        WHEN c = '"' THEN '\"'
        WHEN c = '\' THEN '\\'
        WHEN c = E'\n' THEN '\n'
        WHEN c = E'\r' THEN '\r'
        WHEN c = E'\t' THEN '\t'
        WHEN c = E'\b' THEN '\b'
        WHEN c = E'\f' THEN '\f'
        WHEN c ~ '^[ -~]$' THEN c
        WHEN ascii(c) > 65535 THEN
            '\u' || lpad(to_hex(55296 + ((ascii(c) - 65536) >> 10)), 4, '0')
            || '\u' || lpad(to_hex(56320 + ((ascii(c) - 65536) & 1023)), 4, '0')
        ELSE '\u' || lpad(to_hex(ascii(c)), 4, '0')
    END, '' ORDER BY i) || '"'
FROM regexp_split_to_table(s, '') WITH ORDINALITY AS t(c, i)
$fn$;
"""
DROP_JSON_STRING_FUNCTION = "DROP FUNCTION IF EXISTS sesis_json_string(text);"


def _field(attname: str) -> models.Field[Any, Any]:
    return next(f for f in ServiceRecord._meta.concrete_fields if f.attname == attname)


def _json_value(attname: str, sql: str) -> str:
    """The JSON of one field's value, as Python's encoder writes what signed_content holds."""
    kind = _field(attname).get_internal_type()
    if kind in ("CharField", "TextField"):
        text = f"CASE WHEN {sql} ~ '[^ -~]' THEN sesis_json_string({sql}) ELSE to_json({sql})::text END"
    elif kind == "BooleanField":
        text = f"CASE WHEN {sql} THEN 'true' ELSE 'false' END"
    elif kind == "DateField":
        text = f"""'"' || to_char({sql}, 'YYYY-MM-DD') || '"'"""
    elif kind == "TimeField":
        stamp = f"(DATE '2000-01-01' + {sql})"
        text = (
            f"""'"' || to_char({stamp}, 'HH24:MI:SS') """
            f"""|| CASE WHEN to_char({stamp}, 'US') = '000000' THEN '' ELSE '.' || to_char({stamp}, 'US') END || '"'"""
        )
    elif kind == "DateTimeField":
        stamp = f"({sql} AT TIME ZONE 'UTC')"
        text = (
            f"""'"' || to_char({stamp}, 'YYYY-MM-DD"T"HH24:MI:SS') """
            f"""|| CASE WHEN to_char({stamp}, 'US') = '000000' THEN '' ELSE '.' || to_char({stamp}, 'US') END """
            """|| '+00:00"'"""
        )
    else:  # the ids and counts
        text = f"({sql})::text"
    return f"COALESCE({text}, 'null')"


def _held(attname: str, sql: str) -> str:
    """SQL true when a later-signed field holds a value (Python: not in ("", None, False);
    0 == False there, so a zero is not a value either)."""
    kind = _field(attname).get_internal_type()
    if kind in ("CharField", "TextField"):
        return f"{sql} <> ''"
    if kind == "BooleanField":
        return f"{sql}"
    return f"{sql} IS NOT NULL AND {sql} <> 0"


def canonical_json_sql(column: Callable[[str], str]) -> str:
    """SQL for the canonical JSON of a row's signed content; column(attname) gives the
    SQL expression of each signed field."""
    parts = []
    for name in sorted(HASHED_FIELDS):
        sql = column(name)
        fragment = f"""'"{name}":' || {_json_value(name, sql)}"""
        if name in LATER_SIGNED:
            fragment = f"CASE WHEN {_held(name, sql)} THEN {fragment} END"
        parts.append(fragment)
    return "'{' || concat_ws(',', " + ", ".join(parts) + ") || '}'"


def signature_matches_sql(column: Callable[[str], str]) -> str:
    """SQL true when a row's signed content hashes to its certification_hash (given by
    column("certification_hash")); meaningful for certified rows."""
    digest = f"encode(sha256(convert_to({canonical_json_sql(column)}, 'UTF8')), 'hex')"
    return f"({digest} = {column('certification_hash')})"
