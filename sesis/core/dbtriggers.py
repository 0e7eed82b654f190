"""Database triggers that make rows immutable, for SQLite and PostgreSQL alike.

The application never updates or deletes these rows; the triggers make that true
for every other path too (raw SQL, a shell, a future bug). `condition` limits the
lock to some rows (e.g. certified records); without it the whole table is append-only."""

from __future__ import annotations

from dataclasses import dataclass

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


# Every immutability trigger in the project, so tests can lift them around a flush.
ALL: list[ImmutableRows] = []


class CreateImmutableRows(Operation):
    """A migration operation that installs an ImmutableRows trigger."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, rows: ImmutableRows) -> None:
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
