"""Riding out a database restart or failover in long-running commands."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connection, connections, models
from django.db.models.expressions import DatabaseDefault
from django.db.models.fields import NOT_PROVIDED

logger = logging.getLogger(__name__)
T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

# How long to wait for the database to come back before giving up: 1 + 2 + 4 + ...
# seconds, about two minutes in all.
RECONNECT_WAITS: tuple[float, ...] = (1, 2, 4, 8, 15, 30, 60)


def reconnecting(work: Callable[[], T], waits: tuple[float, ...] = RECONNECT_WAITS) -> T:
    """work(), run again on a fresh connection while the database cannot be reached.
    work must be safe to repeat: one transaction, or idempotent steps (what a lost
    connection interrupted was rolled back with it)."""
    for wait in (*waits, None):
        try:
            return work()
        except (OperationalError, InterfaceError):
            if wait is None:
                raise
            logger.warning("The database connection was lost; reconnecting in %s s.", wait)
            connection.close()
            time.sleep(wait)
    raise AssertionError("unreachable")


def bulk_insert(model: type[M], objs: list[M]) -> None:
    """bulk_create, by COPY on PostgreSQL: each object's id is taken from the table's
    sequence first and set on it, then the rows are copied in one statement. Django's
    multi-row INSERT prepares every value of every row and the driver splits a
    statement of thousands of placeholders, which costs more than the rows (an import
    of 100,000 students writes 200,000 rows). Constraints and triggers hold for COPY as
    for INSERT. A field with a database default is left to the database when every
    object leaves it so; a batch that mixes the two is left to bulk_create, which does."""
    if connection.vendor != "postgresql" or not objs:
        model._default_manager.bulk_create(objs)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None  # every concrete model has one
    fields = []
    for field in meta.concrete_fields:
        defaulted = [isinstance(getattr(obj, field.attname), DatabaseDefault) for obj in objs]
        if all(defaulted) or field.primary_key:
            continue
        if any(defaulted):
            model._default_manager.bulk_create(objs)
            return
        fields.append(field)
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: the proxy costs per value
    quote = db.ops.quote_name
    columns = ", ".join(quote(field.column) for field in [pk, *fields])
    with db.cursor() as cursor, db.wrap_database_errors:  # a refused row raises Django's IntegrityError
        ids = _next_ids(cursor, model, len(objs))
        held = [_written_as_held(field) for field in fields]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj, obj_id in zip(objs, ids, strict=True):
                obj.pk = obj_id
                row: list[Any] = [obj_id]
                for field, as_held in zip(fields, held, strict=True):
                    value = getattr(obj, field.attname) if as_held else None
                    if not as_held or type(value) not in _PLAIN:
                        value = field.get_db_prep_save(field.pre_save(obj, True), db)
                    row.append(value)
                copy.write_row(row)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db.alias


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> list[int]:
    """bulk_insert for rows held as tuples, not model objects: each row gives the values
    of `fields` (attribute names: provider_id), plain values as the database stores
    them (str, int, bool, date, aware datetime, None). Every other field takes its
    default as a new object would (a database default left to the database). Returns
    the new rows' ids in order. Building the objects cost more than copying the rows
    (a feed adds 36,000 rows per 20,000 first attends)."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objs)
        return [obj.pk for obj in objs]
    meta = model._meta
    given = [cast(models.Field, meta.get_field(name)) for name in fields]
    db = connections[DEFAULT_DB_ALIAS]
    others = [
        field
        for field in meta.concrete_fields
        if field not in given and not field.primary_key and field.db_default is NOT_PROVIDED
    ]
    now = dt.datetime.now(tz=dt.UTC)
    defaults = [
        field.get_db_prep_save(
            now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else field.get_default(),
            db,
        )
        for field in others
    ]
    quote = db.ops.quote_name
    assert meta.pk is not None  # every concrete model has one
    columns = ", ".join(quote(field.column) for field in [meta.pk, *given, *others])
    with db.cursor() as cursor, db.wrap_database_errors:  # a refused row raises Django's IntegrityError
        ids = _next_ids(cursor, model, len(rows))
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row_id, row in zip(ids, rows, strict=True):
                copy.write_row((row_id, *row, *defaults))
    return ids


def _next_ids(cursor: Any, model: type[models.Model], count: int) -> list[int]:
    """`count` ids taken from the table's own sequence (PostgreSQL), as an INSERT would."""
    meta = model._meta
    assert meta.pk is not None  # every concrete model has one
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [connection.ops.quote_name(meta.db_table), meta.pk.column, count],
    )
    return [row[0] for row in cursor.fetchall()]


# Fields whose plain values Django prepares by returning them as they are (the driver
# adapts them): bulk_insert writes such a value as held, since preparing 1.4 million
# values cost more than copying them. Any other field, or value, is prepared.
_HELD_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.BooleanField,
    models.DateField,
    models.BigAutoField,
    models.AutoField,
)
_PLAIN = (str, int, bool, type(None), dt.date)


def _written_as_held(field: models.Field) -> bool:
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return False  # set by pre_save
    return type(field) in _HELD_FIELDS


def update_objects(objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """bulk_update(objs, fields) by update_rows: each field's value as the object holds
    it (no pre_save: auto_now is not touched, as bulk_update leaves it)."""
    if not objs:
        return
    meta = objs[0]._meta
    attnames = [cast(models.Field, meta.get_field(name)).attname for name in fields]
    rows = [(obj.pk, *(getattr(obj, attname) for attname in attnames)) for obj in objs]
    update_rows(cast(type[models.Model], meta.model), fields, rows)


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Set `fields` of many rows of `model`, each row given as (id, value, ...): one
    `UPDATE ... FROM` a batch of rows per statement, each value prepared as Django
    prepares it for a save. Django's bulk_update builds a CASE expression per row and
    field, which cost an import of 20,000 changed students 25 s of its 30."""
    if not rows:
        return
    meta = model._meta
    assert meta.pk is not None  # every concrete model has one
    pk = meta.pk
    chosen = [cast(models.Field, meta.get_field(name)) for name in fields]
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    table = quote(meta.db_table)
    columns = [(f"c{n}", field.db_type(db) or "text") for n, field in enumerate([pk, *chosen])]
    setting = ", ".join(f"{quote(field.column)} = v.c{n + 1}" for n, field in enumerate(chosen))
    size = max(1, min(2000, 30_000 // len(columns)))  # within SQLite's limit of 32,766 parameters
    for start in range(0, len(rows), size):
        prepared = [
            (row[0], *(field.get_db_prep_save(value, db) for field, value in zip(chosen, row[1:], strict=True)))
            for row in rows[start : start + size]
        ]
        cte, params = rows_cte("v", columns, prepared)
        with db.cursor() as cursor, db.wrap_database_errors:
            sql = f"WITH {cte} UPDATE {table} SET {setting} FROM v WHERE {table}.{quote(pk.column)} = v.c0"  # noqa: S608 (names from the model, values are parameters)
            cursor.execute(sql, params)


def rows_cte(name: str, columns: list[tuple[str, str]], rows: list[tuple[Any, ...]]) -> tuple[str, list[Any]]:
    """A common table expression holding `rows`, to join a batch's rows in one SQL
    statement: `name(col, ...) AS (...)`, with its parameters. On PostgreSQL the
    columns go as one array each (unnest), `columns` giving each one's SQL type: a
    VALUES list of thousands of placeholders costs more to build and split than the
    rows themselves. On SQLite it is a VALUES list (keep batches within its limit of
    32,766 parameters). `rows` must not be empty."""
    assert rows, "a VALUES list cannot be empty"
    names = ", ".join(column for column, _ in columns)
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{sql_type}[]" for _, sql_type in columns)
        columns_of = [list(values) for values in zip(*rows, strict=True)]
        return f"{name}({names}) AS (SELECT * FROM unnest({arrays}))", columns_of  # noqa: S608 (names and types are the caller's, values are parameters)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return f"{name}({names}) AS (VALUES {', '.join([one] * len(rows))})", [value for row in rows for value in row]
