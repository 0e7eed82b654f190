"""Database triggers that make rows immutable, for SQLite and PostgreSQL alike.

The application never updates or deletes these rows; the triggers make that true
for every other path too (raw SQL, a shell, a future bug). `condition` limits the
lock to some rows (e.g. certified records); without it the whole table is append-only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation


@dataclass(frozen=True)
class ImmutableRows:
    table: str
    message: str
    condition: str = ""  # an SQL condition on OLD, e.g. "OLD.certified_at IS NOT NULL"

    @property
    def name(self) -> str:
        return f"{self.table}_immutable"

    def create_sql(self, vendor: str) -> list[str]:
        when = self.condition or "TRUE"
        if vendor == "sqlite":
            sqlite_when = f" WHEN {self.condition}" if self.condition else ""
            return [
                f"CREATE TRIGGER IF NOT EXISTS {self.name}_{op.lower()} BEFORE {op} ON {self.table} "
                f"FOR EACH ROW{sqlite_when} BEGIN SELECT RAISE(ABORT, '{self.message}'); END;"
                for op in ("UPDATE", "DELETE")
            ]
        if vendor == "postgresql":
            return [
                f"CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF {when} THEN RAISE EXCEPTION '{self.message}' "
                "USING ERRCODE = 'integrity_constraint_violation'; "
                f"END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$;",
                f"DROP TRIGGER IF EXISTS {self.name} ON {self.table};",
                f"CREATE TRIGGER {self.name} BEFORE UPDATE OR DELETE ON {self.table} "
                f"FOR EACH ROW EXECUTE FUNCTION {self.name}();",
            ]
        raise NotImplementedError(f"No immutability trigger for {vendor}")

    def drop_sql(self, vendor: str) -> list[str]:
        if vendor == "sqlite":
            return [f"DROP TRIGGER IF EXISTS {self.name}_{op} ;" for op in ("update", "delete")]
        return [f"DROP TRIGGER IF EXISTS {self.name} ON {self.table};", f"DROP FUNCTION IF EXISTS {self.name}();"]


@dataclass(frozen=True)
class VersionedRows:
    """A table whose certified rows change only into their next signed version, as in
    SQL:2011's system-versioned tables: an UPDATE of a certified row is refused unless
    the new row is the next version (version + 1), is certified, names the replaced
    version's hash in amends_hash and keeps the `fixed` columns; the trigger then copies
    the replaced row's `columns` into `history` (with record_id = OLD.id and
    superseded_at = NEW.certified_at) before the row changes. A certified row is never
    deleted. Uncertified rows (drafts) change freely."""

    table: str
    history: str
    columns: tuple[str, ...]
    message: str
    fixed: tuple[str, ...] = ("student_id", "provider_id", "recorded_by_id")

    @property
    def name(self) -> str:
        return f"{self.table}_versioned"

    def _allowed(self) -> str:
        same = " AND ".join(f"NEW.{column} = OLD.{column}" for column in self.fixed)
        return (
            "NEW.version = OLD.version + 1 AND NEW.certified_at IS NOT NULL "
            f"AND NEW.amends_hash = OLD.certification_hash AND {same}"
        )

    def _copy(self) -> str:
        return (
            f"INSERT INTO {self.history} (record_id, superseded_at, {', '.join(self.columns)}) "  # noqa: S608 (column names from the models)
            f"VALUES (OLD.id, NEW.certified_at, {', '.join(f'OLD.{column}' for column in self.columns)});"
        )

    def create_sql(self, vendor: str) -> list[str]:
        if vendor == "sqlite":
            return [
                f"CREATE TRIGGER IF NOT EXISTS {self.name}_update BEFORE UPDATE ON {self.table} FOR EACH ROW "
                f"WHEN OLD.certified_at IS NOT NULL BEGIN "
                f"SELECT RAISE(ABORT, '{self.message}') WHERE ({self._allowed()}) IS NOT 1; {self._copy()} END;",
                f"CREATE TRIGGER IF NOT EXISTS {self.name}_delete BEFORE DELETE ON {self.table} FOR EACH ROW "
                f"WHEN OLD.certified_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{self.message}'); END;",
            ]
        if vendor == "postgresql":
            return [
                f"CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF OLD.certified_at IS NULL THEN IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END IF; "
                f"IF TG_OP = 'DELETE' OR ({self._allowed()}) IS NOT TRUE THEN RAISE EXCEPTION '{self.message}' "
                f"USING ERRCODE = 'integrity_constraint_violation'; END IF; {self._copy()} RETURN NEW; END $$;",
                f"DROP TRIGGER IF EXISTS {self.name} ON {self.table};",
                f"CREATE TRIGGER {self.name} BEFORE UPDATE OR DELETE ON {self.table} "
                f"FOR EACH ROW EXECUTE FUNCTION {self.name}();",
            ]
        raise NotImplementedError(f"No versioning trigger for {vendor}")

    def drop_sql(self, vendor: str) -> list[str]:
        if vendor == "sqlite":
            return [f"DROP TRIGGER IF EXISTS {self.name}_{op} ;" for op in ("update", "delete")]
        return [f"DROP TRIGGER IF EXISTS {self.name} ON {self.table};", f"DROP FUNCTION IF EXISTS {self.name}();"]


class Triggers(Protocol):
    @property
    def table(self) -> str: ...

    def create_sql(self, vendor: str) -> list[str]: ...

    def drop_sql(self, vendor: str) -> list[str]: ...


# Every immutability trigger in the project, so tests can lift them around a flush.
ALL: list[Triggers] = []


class CreateImmutableRows(Operation):
    """A migration operation that installs an ImmutableRows (or VersionedRows) trigger."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, rows: Triggers) -> None:
        self.rows = rows

    def state_forwards(self, app_label: str, state: object) -> None:
        pass

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: object, to_state: object
    ) -> None:
        for sql in self.rows.create_sql(schema_editor.connection.vendor):
            schema_editor.execute(sql)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: object, to_state: object
    ) -> None:
        for sql in self.rows.drop_sql(schema_editor.connection.vendor):
            schema_editor.execute(sql)

    def describe(self) -> str:
        return f"Make rows of {self.rows.table} immutable"

    def deconstruct(self) -> tuple[str, list[object], dict[str, object]]:
        return (self.__class__.__qualname__, [self.rows], {})


class DropImmutableRows(CreateImmutableRows):
    """The reverse: removes a trigger that an earlier migration installed."""

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: object, to_state: object
    ) -> None:
        super().database_backwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: object, to_state: object
    ) -> None:
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"Remove the immutability trigger of {self.rows.table}"
