"""The CSV import framework behind `manage.py import KIND FILE`.

A file is read and every row checked before anything is written. A file with any
bad row is refused whole, with every bad row listed (line, column, why). A good file
is applied in one transaction as upserts on each kind's natural key, so re-importing
the same file changes nothing. Each kind's importer lives in its own app's
`imports.py` and registers itself here.

An import is an audited change like any other: every row it creates or changes writes
an audit event with its values before and after (written in bulk, a chunk of rows at
a time), and the file as a whole writes one `import.<kind>` event with its counts."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, ClassVar, NamedTuple, TypeVar

from django.db import models, transaction
from django.utils.module_loading import autodiscover_modules

from sesis.audit.actions import EventRow, audit_record, audit_record_many, audit_row
from sesis.lib.db import bulk_insert, update_objects

Progress = Callable[[int, int], None]
M = TypeVar("M", bound=models.Model)

REGISTRY: dict[str, type[Importer]] = {}
CHUNK = 2000


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class RowInvalid(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


class _Preview(Exception):
    """Rolls back a preview's transaction."""


class ImportRefused(Exception):
    """The file was not applied. errors lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s); nothing was imported")
        self.errors = errors


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: UpsertCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged

    def __str__(self) -> str:
        summary = (
            f"{self.kind}: {self.rows} rows read, {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        return "; ".join([summary, *self.notes])


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    objects: dict[Any, Any] = field(default_factory=dict)


def plain(value: Any, *, shown: bool = False) -> Any:
    """A value as the audit log keeps it: JSON (dates as text, rows as their ids; with
    shown, as a person reads them: rows by their names)."""
    if value is None or type(value) in (str, int, bool):
        return value  # most values of most rows, first
    if isinstance(value, models.Model):
        return str(value) if shown else value.pk
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)  # exact, as an amount is written
    if isinstance(value, dict):
        return {key: plain(item, shown=shown) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(item, shown=shown) for item in value]
    return value


class RowRef(NamedTuple):
    """A row written without a model object (insert_rows): its model, its id, and how
    a person reads it (as str() of the object would)."""

    model: type[models.Model]
    pk: int
    text: str


KEEP_CHANGES = 100  # the changes shown by a preview or a result, of every kind of change


@dataclass
class ImportRun:
    """One file being applied: who imports it, which kind, which file, and the audit
    events of its rows, written in bulk. The first changes of each kind (create, update,
    delete) are kept to show (`shown`); a preview (`dry`) writes no event."""

    actor: Any
    kind: str
    file: str
    dry: bool = False
    pending: list[EventRow] = field(default_factory=list)
    written: int = 0
    shown: list[dict[str, Any]] = field(default_factory=list)
    _shown_per_change: dict[str, int] = field(default_factory=dict)

    def changed(
        self,
        obj: models.Model | RowRef,
        *,
        change: str,
        values: dict[str, Any],
        student_id: int | None = None,
    ) -> None:
        """A row created ("create", values: its fields), changed ("update", values:
        {field: [before, after]}) or removed ("delete", values: its fields); student_id
        names the student it concerns, for the record of access. obj is the row, or a
        RowRef to a row written without a model object."""
        if self._shown_per_change.get(change, 0) < KEEP_CHANGES:
            self._shown_per_change[change] = self._shown_per_change.get(change, 0) + 1
            text = obj.text if isinstance(obj, RowRef) else str(obj)
            self.shown.append({"change": change, "object": text, "values": plain(values, shown=True)})
        if self.dry:
            return  # a preview writes no event: none is built
        details = {"import": self.kind, "file": self.file, "change": change, "values": plain(values)}
        actor_id, action = self.actor.pk if self.actor else None, f"import.{self.kind}.{change}"
        if isinstance(obj, RowRef):
            event = audit_row(
                actor_id=actor_id, action=action, model=obj.model, pk=obj.pk, student_id=student_id, details=details
            )
        else:
            event = audit_row(actor_id=actor_id, action=action, obj=obj, student_id=student_id, details=details)
        self.add(event)

    def add(self, event: EventRow) -> None:
        if self.dry:
            return
        self.pending.append(event)
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.pending and not self.dry:
            audit_record_many(self.pending)
            self.written += len(self.pending)
            self.pending = []


MESSAGE_LENGTH = 400
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Row:
    """One CSV row with typed readers. A value that cannot be kept is a problem named on
    its column (`problems`), and the reader returns a neutral value ("", 0, None, [])
    so that the row's other columns are still read and checked: a row with several
    problems names them all at once. A column has at most one problem (the first)."""

    def __init__(self, data: dict[str, str], line: int) -> None:
        self.data = data
        self.line = line
        self.problems: dict[str, str] = {}

    def problem(self, column: str, message: str) -> None:
        """Name a problem of `column` (unless it has one already: the first is the cause).
        A message quoting a long value keeps its start and its end (which says why)."""
        if len(message) > MESSAGE_LENGTH:
            half = MESSAGE_LENGTH // 2
            message = f"{message[:half]}…{message[-half:]}"
        self.problems.setdefault(column, message)

    def ok(self, *columns: str) -> bool:
        """Whether these columns were read without a problem: a check across columns
        runs only on values that are what they say (else it would name a consequence)."""
        return not any(column in self.problems for column in columns)

    def _text(self, column: str, *, required: bool, max_length: int) -> str | None:
        value = (self.data.get(column) or "").strip()
        problem = ""
        if required and not value:
            problem = "is required"
        elif len(value) > max_length:
            problem = f"is longer than {max_length} characters"
        elif _CONTROL.search(value):
            problem = "contains control characters (such as NUL, a tab or a line break); remove them"
        if problem:
            self.problem(column, problem)
            return None
        return value

    def text(self, column: str, *, required: bool = True, max_length: int = 200) -> str:
        return self._text(column, required=required, max_length=max_length) or ""

    def digits(self, column: str, *, length: int | None = None, max_length: int = 20) -> str:
        value = self._text(column, required=True, max_length=max_length)
        if value is None:
            return ""
        if not value.isascii() or not value.isdigit():
            self.problem(column, f"must be digits only, not {value!r}")
            return ""
        if length is not None and len(value) != length:
            self.problem(column, f"must be exactly {length} digits, not {value!r}")
            return ""
        return value

    def integer(self, column: str, *, minimum: int = 0, maximum: int = 32767) -> int:
        value = self._text(column, required=True, max_length=200)
        if value is None:
            return 0
        try:
            number = int(value)
        except ValueError:
            self.problem(column, f"must be a whole number, not {value!r}")
            return 0
        if not minimum <= number <= maximum:
            self.problem(column, f"must be between {minimum} and {maximum}, not {number}")
            return 0
        return number

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        value = self._text(column, required=required, max_length=200)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value) if len(value) == 10 else _bad_date(value)
        except ValueError:
            self.problem(column, f"must be a date as YYYY-MM-DD, not {value!r}")
            return None

    def choice(self, column: str, choices: Closed, *, required: bool = True, store_label: bool = False) -> str:
        """One value of a closed set. choices are codes, or (code, label) pairs: the
        code or the label is accepted in any case, and the code is returned (the
        label, with store_label). Anything else is a named problem, never kept."""
        value = self.text(column, required=required)
        if not value:
            return value
        accepted, listed = _closed(choices, store_label)
        found = accepted.get(value.casefold())
        if found is None:
            self.problem(column, f"must be one of {', '.join(listed)}, not {value!r}")
            return ""
        return found

    def codes(self, column: str, choices: Closed, *, store_label: bool = False) -> list[str]:
        """A ;-separated list of values of a closed set (as choice reads each one),
        without repeats, in the order given."""
        accepted, listed = _closed(choices, store_label)
        items = [item.strip() for item in self.text(column, required=False, max_length=1000).split(";")]
        found = []
        for item in (item for item in items if item):
            value = accepted.get(item.casefold())
            if value is None:
                self.problem(column, f"{item!r} is not one of {', '.join(listed)}")
                return []
            found.append(value)
        return list(dict.fromkeys(found))


# A closed set of values: codes, or (code, label) pairs such as a TextChoices' .choices.
Closed = Iterable[str] | Iterable[tuple[str, str]]


def _closed(choices: Closed, store_label: bool) -> tuple[dict[str, str], list[str]]:
    """{accepted spelling, casefolded: value kept} and the values to list in a message:
    made once per closed set, not once per row."""
    return _closed_once(tuple(choices), store_label)


@functools.lru_cache(maxsize=64)
def _closed_once(choices: tuple[str | tuple[str, str], ...], store_label: bool) -> tuple[dict[str, str], list[str]]:
    pairs = [(item, item) if isinstance(item, str) else (str(item[0]), str(item[1])) for item in choices]
    accepted: dict[str, str] = {}
    for code, label in pairs:
        kept = label if store_label else code
        accepted.setdefault(label.casefold(), kept)
        accepted[code.casefold()] = kept
    return accepted, [label if store_label else code for code, label in pairs]


def _bad_date(value: str) -> dt.date:
    raise ValueError(value)


def importers() -> dict[str, type[Importer]]:
    """Every kind, from each app's imports.py."""
    autodiscover_modules("imports")
    return REGISTRY


class Importer:
    """Subclasses set kind and columns, look up what rows refer to in prepare(),
    turn one row into a plain dict in parse(), and write them all in apply()."""

    kind: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    optional_columns: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""

    def __init__(self, *, process: bool = True) -> None:
        """process: do the kind's follow-up work once the file is stored (after_commit)."""
        self.process = process
        self._position: dict[str, int] = {}  # each column's place in the file being read
        self.current = ImportRun(actor=None, kind=getattr(self, "kind", ""), file="")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        REGISTRY[cls.kind] = cls

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        """Two rows of one file with the same key are an error, not a silent overwrite."""
        return None

    def prepare(self, rows: list[Row]) -> None:
        """Load, in bulk, whatever the rows refer to (schools, staff, students)."""

    def parse(self, row: Row) -> dict[str, Any]:
        raise NotImplementedError

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        raise NotImplementedError

    def after_commit(self, result: ImportResult, progress: Progress) -> None:
        """Work that must follow the stored file, outside its transaction."""

    def run(
        self,
        *,
        actor: Any,
        file: IO[bytes],
        name: str = "",
        progress: Progress | None = None,
        preview: bool = False,
        inside: Callable[[ImportResult], None] | None = None,
    ) -> ImportResult:
        """Check the whole file (ImportRefused names every problem of every row), then
        apply it in one transaction. preview: apply it and roll it back, writing
        nothing, to count (and show the first of) what it would create, change and
        leave unchanged. inside: called in the transaction once the file is applied."""
        progress = progress or (lambda done, total: None)
        parsed, rows = self._check(file)
        result = ImportResult(kind=self.kind, rows=rows)
        self.current = ImportRun(actor=actor, kind=self.kind, file=name, dry=preview)
        try:
            with transaction.atomic():
                self.apply(parsed, result, progress)
                if preview:
                    raise _Preview
                self.current.flush()
                audit_record(
                    actor=actor,
                    action=f"import.{self.kind}",
                    details={
                        "file": name,
                        "rows": result.rows,
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                        "row_events": self.current.written,
                    },
                )
                if inside:
                    inside(result)
        except _Preview:
            return result
        self.after_commit(result, progress)
        return result

    def _check(self, file: IO[bytes]) -> tuple[list[dict[str, Any]], int]:
        """Every row read and checked: their values, or ImportRefused naming every problem."""
        rows = self._read(file)
        errors: list[RowError] = []
        self.prepare(rows)
        parsed: list[dict[str, Any]] = []
        seen: dict[Any, int] = {}
        for row in rows:
            item = self._parse(row)
            if row.problems:
                # In the order of the file's columns, as the user reads the row.
                ordered = sorted(
                    row.problems.items(), key=lambda item: self._position.get(item[0], len(self._position))
                )
                errors += [RowError(row.line, column, message) for column, message in ordered]
                continue
            key = self.natural_key(item)
            if key is not None:
                if key in seen:
                    errors.append(RowError(row.line, "", f"repeats line {seen[key]}"))
                    continue
                seen[key] = row.line
            parsed.append(item)
        if errors:
            raise ImportRefused(errors)
        return parsed, len(rows)

    def _parse(self, row: Row) -> dict[str, Any]:
        """The row's values; its problems, every one, in row.problems."""
        try:
            return self.parse(row)
        except RowInvalid as problem:
            row.problem(problem.column, problem.message)
        except (TypeError, ValueError, AttributeError, KeyError, AssertionError):
            if not row.problems:
                raise  # a fault of SESIS, not of the file
            # else: a consequence of a value already named (a check needing it)
        return {}

    def _read(self, file: IO[bytes]) -> list[Row]:
        try:
            text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
            reader = csv.reader(text)
            header = next(reader, None)
            if header is None:
                raise ImportRefused([RowError(1, "", "the file is empty; it needs a header row")])
            header = [column.strip().lower() for column in header]
            self._position = {column: n for n, column in enumerate(header)}
            missing = [column for column in self.columns if column not in header]
            if missing:
                raise ImportRefused([RowError(1, column, "is missing from the header row") for column in missing])
            known = set(self.columns) | set(self.optional_columns)
            unknown = [column for column in header if column not in known]
            if unknown:
                raise ImportRefused([RowError(1, column, "is not a column of this kind") for column in unknown])
            rows = []
            nul_errors: list[RowError] = []
            for values in reader:
                line = reader.line_num
                if not any(value.strip() for value in values):
                    continue
                if len(values) != len(header):
                    rows.append(Row({"__width__": str(len(values))}, line))
                    continue
                if any("\x00" in value for value in values):  # no cell may hold one; PostgreSQL refuses it
                    nul_errors.append(RowError(line, "", "contains a NUL character; the file may not be a CSV file"))
                    continue
                rows.append(Row(dict(zip(header, values, strict=True)), line))
        except UnicodeDecodeError:
            raise ImportRefused([RowError(0, "", "the file is not UTF-8 text")]) from None
        except csv.Error as problem:
            raise ImportRefused([RowError(0, "", f"the file is not valid CSV ({problem})")]) from None
        width_errors = [
            RowError(row.line, "", f"has {row.data['__width__']} values; the header has {len(header)}")
            for row in rows
            if "__width__" in row.data
        ]
        if width_errors or nul_errors:
            raise ImportRefused(sorted(width_errors + nul_errors, key=lambda e: e.line))
        return rows


def chunked(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def upsert(
    model: type[M],
    key_fields: tuple[str, ...],
    items: list[dict[str, Any]],
    progress: Progress,
    *,
    run: ImportRun,
    prepare: Callable[[M], None] | None = None,
    student_of: Callable[[M], int | None] | None = None,
) -> UpsertCounts:
    """Create the items whose key is new, update those whose values changed, leave the
    rest alone; each created or changed row is audited in the run (its values, or each
    changed field before and after; student_of names the student it concerns, for the
    record of access). Returns the counts and every object by key."""
    counts = UpsertCounts()
    total = len(items)
    for done, chunk in enumerate(chunked(items)):
        existing: dict[Any, M] = {}
        for obj in _existing(model, key_fields, chunk):
            existing[tuple(getattr(obj, _attname(model, name)) for name in key_fields)] = obj
        to_create: list[M] = []
        to_update: list[tuple[M, dict[str, list[Any]]]] = []
        changed_fields: set[str] = set()
        for item in chunk:
            key = tuple(_key_value(item[name]) for name in key_fields)
            found = existing.get(key)
            if found is None:
                obj = model(**item)
                if prepare:
                    prepare(obj)
                to_create.append(obj)
            else:
                obj = found
                changes = [
                    name for name, value in item.items() if getattr(obj, _attname(model, name)) != _key_value(value)
                ]
                if changes:
                    diff = {name: [getattr(obj, name), item[name]] for name in changes}
                    for name in changes:
                        setattr(obj, name, item[name])
                    if prepare:
                        prepare(obj)
                    to_update.append((obj, diff))
                    changed_fields.update(changes)
                else:
                    counts.unchanged += 1
            counts.objects[key] = obj
        bulk_insert(model, to_create)
        if to_update:
            extra = {"first_name_key", "last_name_key"} & {f.name for f in model._meta.fields}
            update_objects([obj for obj, _ in to_update], sorted(changed_fields | extra))
        _refetch_ids(model, key_fields, to_create)
        names = list(chunk[0])  # every item of a file has the same fields
        for obj in to_create:
            values = {name: getattr(obj, name) for name in names}
            run.changed(obj, change="create", values=values, student_id=student_of(obj) if student_of else None)
        for obj, diff in to_update:
            run.changed(obj, change="update", values=diff, student_id=student_of(obj) if student_of else None)
        counts.created += len(to_create)
        counts.updated += len(to_update)
        progress(min((done + 1) * CHUNK, total), total)
    return counts


def _refetch_ids(model: type[M], key_fields: tuple[str, ...], created: list[M]) -> None:
    """bulk_create on SQLite before 3.35 does not return ids; fetch them to be safe."""
    for obj in created:
        if obj.pk is None:
            key = {name: getattr(obj, _attname(model, name)) for name in key_fields}
            obj.pk = model._default_manager.filter(**key).values_list("pk", flat=True).get()


def _existing(model: type[M], key_fields: tuple[str, ...], chunk: Sequence[dict[str, Any]]) -> Iterator[M]:
    manager = model._default_manager
    if len(key_fields) == 1:
        (name,) = key_fields
        yield from manager.filter(**{f"{name}__in": [_key_value(item[name]) for item in chunk]})
        return
    # SQLite parses a long OR chain as a deep tree (limit 1000), so ask in small groups.
    for group in chunked(chunk, 200):
        lookup = models.Q()
        for item in group:
            lookup |= models.Q(**{name: item[name] for name in key_fields})
        yield from manager.filter(lookup)


def _attname(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).attname  # type: ignore[union-attr]


def _key_value(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value
