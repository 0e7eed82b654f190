"""A record's signature checked in SQL (PostgreSQL only): the SHA-256 of the same
canonical JSON that `models.content_hash` computes in Python, built by the database, so
that an export of millions of records checks every row's signature where the rows are
instead of shipping each row's signed fields to Python.

The JSON is what `json.JSONEncoder(sort_keys=True, separators=(",", ":"))` writes for
`models.signed_content(values)`: keys sorted, fields added after the first release only
when they hold a value, dates and times in ISO 8601 (the timestamp in UTC), strings
escaped as Python escapes them (ASCII only: every other character as \\uXXXX). Each row
is first written in a plain form, PostgreSQL's `to_json` for every string, which is
exact for text in ASCII (nearly every row); a row it does not match is written again in
the exact form, where a string beyond ASCII goes through `sesis_json_string` (created by
the services migration 0009).

A match is proof (the hash of what was signed); a test holds the SQL and the Python
check to the same answer on records with every kind of value
(sesis/services/tests/test_signature_sql.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from sesis.services.models import FIRST_SIGNED, HASHED_FIELDS, ServiceRecord

LATER_SIGNED = frozenset(HASHED_FIELDS) - FIRST_SIGNED

# Python's json string escaping (ensure_ascii): what PostgreSQL's to_json writes (" and
# \ escaped, the five short escapes, the other control characters as \u00XX), then
# each character beyond ASCII, and DEL, as \uXXXX in lower-case hex (a surrogate pair
# above U+FFFF), which to_json leaves as they are.
JSON_STRING_FUNCTION = r"""
CREATE OR REPLACE FUNCTION sesis_json_string(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
    result text := to_json(s)::text;
    c text;
    code int;
BEGIN
    FOR c IN SELECT DISTINCT m[1] FROM regexp_matches(s, '([^\x01-\x7e])', 'g') AS m LOOP
        code := ascii(c);
        result := replace(result, c, CASE
            WHEN code > 65535 THEN
                '\u' || lpad(to_hex(55296 + ((code - 65536) >> 10)), 4, '0')
                || '\u' || lpad(to_hex(56320 + ((code - 65536) & 1023)), 4, '0')
            ELSE '\u' || lpad(to_hex(code), 4, '0')
        END);
    END LOOP;
    RETURN result;
END
$fn$;
"""
DROP_JSON_STRING_FUNCTION = "DROP FUNCTION IF EXISTS sesis_json_string(text);"


def _field(attname: str) -> models.Field[Any, Any]:
    return next(f for f in ServiceRecord._meta.concrete_fields if f.attname == attname)


def _json_value(attname: str, sql: str, *, plain: bool) -> str:
    """The JSON of one field's value, as Python's encoder writes what signed_content
    holds. plain: the row's text is printable ASCII or control characters (no DEL),
    which PostgreSQL's to_json escapes as Python does. One to_char for a date or a time."""
    field = _field(attname)
    kind = field.get_internal_type()
    if kind in ("CharField", "TextField"):
        text = f"to_json({sql})::text"
        if not plain:
            ascii_only = f"octet_length({sql}) = char_length({sql}) AND strpos({sql}, chr(127)) = 0"
            text = f"CASE WHEN {ascii_only} THEN {text} ELSE sesis_json_string({sql}) END"
    elif kind == "BooleanField":
        text = f"CASE WHEN {sql} THEN 'true' ELSE 'false' END"
    elif kind == "DateField":
        text = f"""to_char({sql}, '\\"YYYY-MM-DD\\"')"""
    elif kind == "TimeField":  # Python leaves out a fraction of zero
        text = f"""replace(to_char(DATE '2000-01-01' + {sql}, '\\"HH24:MI:SS.US\\"'), '.000000"', '"')"""
    elif kind == "DateTimeField":  # read back in UTC, as Django reads it
        utc = f"{sql} AT TIME ZONE 'UTC'"
        text = f"""replace(to_char({utc}, '\\"YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\\"'), '.000000+', '+')"""
    else:  # the ids and counts
        text = f"({sql})::text"
    return f"COALESCE({text}, 'null')" if field.null else text


def _held(attname: str, sql: str) -> str:
    """SQL true when a later-signed field holds a value (Python: not in ("", None, False);
    0 == False there, so a zero is not a value either)."""
    kind = _field(attname).get_internal_type()
    if kind in ("CharField", "TextField"):
        return f"{sql} <> ''"
    if kind == "BooleanField":
        return f"{sql}"
    return f"{sql} IS NOT NULL AND {sql} <> 0"


def canonical_json_sql(column: Callable[[str], str], *, plain: bool = False) -> str:
    """SQL for the canonical JSON of a row's signed content; column(attname) gives the
    SQL expression of each signed field. One concat() of every key and value (a field
    signed only when it holds a value is NULL otherwise, which concat() leaves out),
    each after a comma; the first comma is dropped. plain: the faster form, exact when
    the row's text is printable ASCII or control characters (nearly every row)."""
    parts = []
    for name in sorted(HASHED_FIELDS):
        sql = column(name)
        key = f"""',"{name}":'"""
        value = _json_value(name, sql, plain=plain)
        if name in LATER_SIGNED:
            parts.append(f"CASE WHEN {_held(name, sql)} THEN {key} || {value} END")
        else:
            parts += [key, value]
    return "'{' || substr(concat(" + ", ".join(parts) + "), 2) || '}'"


def signature_matches_sql(column: Callable[[str], str]) -> str:
    """SQL true when a row's signed content hashes to its certification_hash (given by
    column("certification_hash")); meaningful for certified rows. The plain form is
    tried first; only a row it does not match (text beyond ASCII, or altered) is
    written again in the exact form. Either one matching is proof: it is the hash of
    what was signed."""
    signed = column("certification_hash")
    tries = [
        f"encode(sha256(convert_to({canonical_json_sql(column, plain=plain)}, 'UTF8')), 'hex') = {signed}"
        for plain in (True, False)
    ]
    return f"({tries[0]} OR {tries[1]})"
