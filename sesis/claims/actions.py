"""Producing a month's Medicaid claim file: one action for the command and the
administrators' page.

A run takes the month's lock (one row per month, locked FOR UPDATE, so two runs of a
month queue), reads the month's service records of the services the claim rules
cover in their current versions, judges each (sesis.medicaid.claimability) and writes
a claim line for each version not claimed before:
- a claimable version of a record never claimed (or whose last claim was voided): an
  original claim (frequency 1);
- a claimable version of a record claimed in an earlier version (it was amended after
  its claim): a replacement of that claim (7);
- a record claimed in an earlier version that is no longer claimable (amended into a
  cancellation, its notes emptied, …): a void of that claim (8).
The database holds each (record, version) to one line: a session is never claimed
twice, however the runs interleave. The run keeps its file, the CSV of its lines and
the CSV of the month's unclaimable sessions with their reasons."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sesis.audit.actions import audit_record, disclosure_record
from sesis.audit.models import DisclosureKind
from sesis.claims.models import ClaimLine, ClaimMonth, ClaimRun, ClaimRunFile, FileKind, Frequency
from sesis.claims.x12 import Claim, ClaimFileWriter, Person
from sesis.lib.errors import ActionRefused
from sesis.lib.progress import Progress
from sesis.medicaid.checks import diagnosis_for_claim
from sesis.medicaid.claimability import JUDGED_FIELDS, Facts, Reason, Verdict, judge, rules
from sesis.medicaid.models import CredentialKind
from sesis.people.models import Role, Staff
from sesis.services.models import ServiceRecord
from sesis.students.models import Student

LINE_COLUMNS = [
    "claim_id",
    "frequency",
    "replaces",
    "record_id",
    "version",
    "osis",
    "student",
    "medicaid_id",
    "date",
    "service",
    "procedure_code",
    "units",
    "amount",
    "diagnosis",
    "rendering_staff_id",
    "rendering_npi",
    "supervising_npi",
    "referring_npi",
]
UNCLAIMABLE_COLUMNS = ["record_id", "version", "osis", "student", "date", "service", "staff_id", "provider", "reasons"]


def month_start(text: str) -> dt.date:
    """ "2026-11" as its first day; refused in plain words otherwise."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()  # noqa: DTZ007 (a calendar month, no time)
    except ValueError:
        raise ActionRefused(f"A month is written YYYY-MM, such as 2026-11, not {text!r}.", field="month") from None


def _next_month(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@dataclass
class Pending:
    record: ServiceRecord
    frequency: str
    replaces: ClaimLine | None
    verdict: Verdict | None


def claim_run_check(*, actor: Staff, month: dt.date, today: dt.date | None = None) -> None:
    """Whether `actor` may claim `month` (checked again when the run is made)."""
    if actor.role != Role.ADMINISTRATOR:
        raise ActionRefused("Only administrators produce Medicaid claim files.")
    today = today or timezone.localdate()
    if month > today.replace(day=1):
        raise ActionRefused(f"{month:%Y-%m} has not begun; claims are for sessions already delivered.", field="month")


def claim_run_create(
    *, actor: Staff, month: dt.date, today: dt.date | None = None, progress: Progress | None = None
) -> ClaimRun:
    """Claim `month` (its first day): write the run, its lines and its files.
    progress(done, total): the month's students judged and claimed."""
    claim_run_check(actor=actor, month=month, today=today)
    try:
        with transaction.atomic():
            return _run(actor, month, progress or (lambda done, total: None))
    except IntegrityError:
        # Only if the month's lock was bypassed: the (record, version) constraint held.
        raise ActionRefused(
            f"Another claim run for {month:%Y-%m} claimed some of these sessions at the same moment; "
            "nothing was written. Run it again for what is left."
        ) from None


# What a claim and the CSVs carry of the student and the provider.
CLAIMED_PEOPLE_FIELDS = (
    "student__osis",
    "student__last_name",
    "student__first_name",
    "student__date_of_birth",
    "provider__staff_id",
    "provider__last_name",
    "provider__first_name",
)
# Students per batch: their month's records, facts and lines are held at once, no more.
BATCH_STUDENTS = 2000
# About this many characters per stored part of a file.
PART_SIZE = 1_000_000


class Parts:
    """One of a run's files, stored part by part as it is written (whole lines only)."""

    def __init__(self, run: ClaimRun, which: str, header: str = "") -> None:
        self.run, self.which = run, which
        self.buffer: list[str] = [header] if header else []
        self.size = len(header)
        self.part = 0

    def write(self, text: str) -> None:
        self.buffer.append(text)
        self.size += len(text)
        if self.size >= PART_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            ClaimRunFile.objects.create(run=self.run, which=self.which, part=self.part, text="".join(self.buffer))
            self.part += 1
            self.buffer, self.size = [], 0


def month_records(month: dt.date) -> int:
    """How many records of claimable services the month holds (the page runs a large
    month as a job)."""
    services = sorted({service for service, _group in rules()})
    return ServiceRecord.objects.filter(date__gte=month, date__lt=_next_month(month), service__in=services).count()


def _run(actor: Staff, month: dt.date, progress: Progress) -> ClaimRun:
    ClaimMonth.objects.get_or_create(month=month)
    ClaimMonth.objects.select_for_update().get(month=month)  # runs of one month queue here
    services = sorted({service for service, _group in rules()})
    month_records = ServiceRecord.objects.filter(date__gte=month, date__lt=_next_month(month), service__in=services)
    students = list(month_records.order_by("student_id").values_list("student_id", flat=True).distinct())
    run = ClaimRun.objects.create(month=month, created_by=actor)
    x12 = Parts(run, FileKind.X12)
    writer = ClaimFileWriter(x12.write, control=run.pk, now=timezone.localtime())
    lines_csv = Parts(run, FileKind.LINES, _csv(LINE_COLUMNS, []))
    unclaimable_csv = Parts(run, FileKind.UNCLAIMABLE, _csv(UNCLAIMABLE_COLUMNS, []))
    for first in range(0, len(students), BATCH_STUDENTS):
        batch = students[first : first + BATCH_STUDENTS]
        lines, claims, unclaimable = _batch(run, month_records.filter(student_id__in=batch))
        ClaimLine.objects.bulk_create(lines, batch_size=1000)
        writer.add(claims)
        lines_csv.write(_lines_csv(lines, claims))
        unclaimable_csv.write(_unclaimable_csv(unclaimable))
        run.lines += sum(1 for line in lines if line.frequency == Frequency.ORIGINAL)
        run.replacements += sum(1 for line in lines if line.frequency == Frequency.REPLACEMENT)
        run.voids += sum(1 for line in lines if line.frequency == Frequency.VOID)
        run.unclaimable += len(unclaimable)
        run.amount += sum((line.amount for line in lines if line.frequency != Frequency.VOID), Decimal("0"))
        progress(first + len(batch), len(students))
    writer.close()
    for parts in (x12, lines_csv, unclaimable_csv):
        parts.flush()
    run.save()
    audit_record(
        actor=actor,
        action="claims.run",
        obj=run,
        details={
            "month": f"{month:%Y-%m}",
            "originals": run.lines,
            "replacements": run.replacements,
            "voids": run.voids,
            "unclaimable": run.unclaimable,
            "amount": str(run.amount),
        },
    )
    return run


def _batch(
    run: ClaimRun, records_of_batch: QuerySet[ServiceRecord]
) -> tuple[list[ClaimLine], list[Claim], list[tuple[ServiceRecord, Verdict]]]:
    """The lines to write for one batch of students' month: their claims, and their
    unclaimable sessions with the verdicts."""
    records = list(
        records_of_batch.select_related("student", "provider")
        .only(*JUDGED_FIELDS, "version", *CLAIMED_PEOPLE_FIELDS)
        .order_by("student_id", "date", "start_time", "id")
    )
    last_lines: dict[int, ClaimLine] = {}
    for line in ClaimLine.objects.filter(record__in=[r.pk for r in records]).order_by("id"):
        last_lines[line.record_id] = line  # the latest line of each record
    facts = Facts.load(students=[r.student_id for r in records], providers=[r.provider_id for r in records])
    pending: list[Pending] = []
    unclaimable: list[tuple[ServiceRecord, Verdict]] = []
    for record in records:
        verdict = judge(record, facts)
        last = last_lines.get(record.pk)
        live = last if last is not None and last.frequency != Frequency.VOID else None
        if last is not None and last.version == record.version:
            continue  # this version is claimed (or its void written) already
        if verdict is not None and verdict.claimable:
            frequency = Frequency.REPLACEMENT if live else Frequency.ORIGINAL
            pending.append(Pending(record, frequency, live, verdict))
        else:
            if live is not None:
                pending.append(Pending(record, Frequency.VOID, live, None))
            if verdict is not None:
                unclaimable.append((record, verdict))
    lines: list[ClaimLine] = []
    claims: list[Claim] = []
    for item in pending:
        line, claim = _line(run, item, facts)
        lines.append(line)
        claims.append(claim)
    return lines, claims, unclaimable


def _line(run: ClaimRun, item: Pending, facts: Facts) -> tuple[ClaimLine, Claim]:
    record = item.record
    if item.frequency == Frequency.VOID:
        assert item.replaces is not None
        procedure_code, units, amount = item.replaces.procedure_code, item.replaces.units, item.replaces.amount
    else:
        assert item.verdict is not None
        procedure_code, units, amount = item.verdict.rule.procedure_code, item.verdict.units, item.verdict.amount
    line = ClaimLine(
        run=run,
        record=record,
        version=record.version,
        claim_id=f"S{record.pk}V{record.version}",
        frequency=item.frequency,
        replaces=item.replaces,
        student=record.student,
        provider=record.provider,
        date=record.date,
        procedure_code=procedure_code,
        units=units,
        amount=amount,
    )
    return line, _claim(line, facts)


def _claim(line: ClaimLine, facts: Facts) -> Claim:
    """The file's claim for a line: a void carries what its original carried, as far
    as today's facts still tell it (its identifiers come from the line and the record)."""
    record, student = line.record, line.student
    eligibility = facts.eligibility_on(student.pk, line.date)
    order = facts.order_on(student.pk, record.service, line.date)
    credential = facts.credentials.get(record.provider_id)
    supervising = None
    if credential is not None and credential.kind == CredentialKind.UNDER_DIRECTION and credential.supervisor_id:
        director = facts.credentials.get(credential.supervisor_id)
        if director is not None:
            supervising = Person(director.staff.last_name, director.staff.first_name, director.npi)
    provider = record.provider
    return Claim(
        claim_id=line.claim_id,
        frequency=line.frequency,
        replaces=line.replaces.claim_id if line.replaces else "",
        medicaid_id=eligibility.medicaid_id if eligibility else "",
        patient_last=student.last_name,
        patient_first=student.first_name,
        date_of_birth=student.date_of_birth,
        diagnosis=diagnosis_for_claim(order.diagnosis) if order else "",
        referring=Person(*_split(order.ordered_by), order.ordered_by_npi) if order else Person("", "", ""),
        rendering=Person(provider.last_name, provider.first_name, credential.npi if credential else ""),
        supervising=supervising,
        procedure_code=line.procedure_code,
        units=line.units,
        amount=line.amount,
        date=line.date,
    )


def _split(name: str) -> tuple[str, str]:
    """ "Dr. Ana Ruiz" or "Ruiz, Ana" as (last, first)."""
    name = name.strip()
    if "," in name:
        last, first = name.split(",", 1)
        return last.strip(), first.strip()
    parts = [p for p in name.split() if p.rstrip(".").lower() not in {"dr", "mr", "ms", "mrs"}]
    if len(parts) < 2:
        return name, ""
    return parts[-1], " ".join(parts[:-1])


def _csv(header: list[str] | None, rows: list[list[object]]) -> str:
    """CSV lines (CRLF, as RFC 4180), with a header line when given one."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _lines_csv(lines: list[ClaimLine], claims: list[Claim]) -> str:
    rows: list[list[object]] = []
    for line, claim in zip(lines, claims, strict=True):
        rows.append(
            [
                line.claim_id,
                line.get_frequency_display(),
                claim.replaces,
                line.record_id,
                line.version,
                line.student.osis,
                f"{line.student.last_name}, {line.student.first_name}",
                claim.medicaid_id,
                line.date.isoformat(),
                line.record.get_service_display(),
                line.procedure_code,
                line.units,
                f"{line.amount:.2f}",
                claim.diagnosis,
                line.provider.staff_id,
                claim.rendering.npi,
                claim.supervising.npi if claim.supervising else "",
                claim.referring.npi,
            ]
        )
    return _csv(None, rows)


def _unclaimable_csv(items: list[tuple[ServiceRecord, Verdict]]) -> str:
    rows: list[list[object]] = []
    for record, verdict in items:
        rows.append(
            [
                record.pk,
                record.version,
                record.student.osis,
                f"{record.student.last_name}, {record.student.first_name}",
                record.date.isoformat(),
                record.get_service_display(),
                record.provider.staff_id,
                f"{record.provider.last_name}, {record.provider.first_name}",
                "; ".join(f"{Reason.HEADINGS[p.code]}: {p.message}" for p in verdict.problems),
            ]
        )
    return _csv(None, rows)


FILES = {
    FileKind.X12: ("x12", "text/plain", ""),
    FileKind.LINES: ("csv", "text/csv", "-lines"),
    FileKind.UNCLAIMABLE: ("csv", "text/csv", "-unclaimable"),
}


def claim_run_file(*, actor: Staff, run: ClaimRun, which: str) -> tuple[str, str, Iterator[str]]:
    """One of a run's files as (name, content type, its text part by part), logged as a
    disclosure of the students it names before it leaves."""
    if actor.role != Role.ADMINISTRATOR:
        raise ActionRefused("Only administrators download Medicaid claim files.")
    if which not in FILES:
        raise ActionRefused(f"A claim run has no file {which!r}.")
    extension, content_type, suffix = FILES[FileKind(which)]
    if which == FileKind.UNCLAIMABLE:
        osis: set[str] = set()
        count = 0
        for row in csv.DictReader(line for part in run.parts(which) for line in part.splitlines(keepends=True)):
            osis.add(row["osis"])
            count += 1
        student_ids: list[int] = []
        ordered = sorted(osis)
        for first in range(0, len(ordered), 5000):
            chunk = ordered[first : first + 5000]
            student_ids += Student.objects.filter(osis__in=chunk).values_list("pk", flat=True)
    else:
        student_ids = list(run.claim_lines.values_list("student_id", flat=True).distinct())
        count = run.claim_lines.count()
    disclosure_record(
        actor=actor,
        kind=DisclosureKind.EXPORT,
        what=f"Medicaid {FileKind(which).label}",
        student_ids=student_ids,
        record_count=count,
        file_format=extension,
        filters={"month": f"{run.month:%Y-%m}", "run": run.pk},
    )
    return f"{run.file_stem}{suffix}.{extension}", content_type, run.parts(which)
