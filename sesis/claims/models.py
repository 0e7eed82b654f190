"""Medicaid claim runs and the lines they claimed. A line claims one version of one
service record; the database holds each (record, version) to one line, so a session
is never claimed twice, however often or however concurrently a month is run."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db import models


class Frequency(models.TextChoices):
    """CLM05-3, the claim frequency type code."""

    ORIGINAL = "1", "Original"
    REPLACEMENT = "7", "Replacement of a prior claim"
    VOID = "8", "Void of a prior claim"


class ClaimMonth(models.Model):
    """One row per month ever run: runs of the same month take its lock in turn."""

    month = models.DateField(unique=True, help_text="The first day of the month")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ClaimRun(models.Model):
    """One claim file: who produced it, when, for which month, with what totals; the
    file and its two CSVs as produced."""

    month = models.DateField(help_text="The first day of the month claimed")
    created_by = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    lines = models.PositiveIntegerField(default=0)
    replacements = models.PositiveIntegerField(default=0)
    voids = models.PositiveIntegerField(default=0)
    unclaimable = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Claim run {self.pk} for {self.month:%Y-%m}"

    @property
    def file_stem(self) -> str:
        return f"sesis-claims-{self.month:%Y-%m}-run{self.pk}"

    @property
    def claimed_anything(self) -> bool:
        """Whether the run has a claim file (new claims, replacements or voids)."""
        return bool(self.lines or self.replacements or self.voids)

    def parts(self, which: str) -> Iterator[str]:
        """One of the run's files, part by part, in order (a month's file at district
        scale is hundreds of megabytes: read it as a stream)."""
        rows = self.files.filter(which=which).order_by("part").values_list("text", flat=True)
        yield from rows.iterator(chunk_size=8)

    def text(self, which: str) -> str:
        """One of the run's files whole (small months and tests; downloads stream)."""
        return "".join(self.parts(which))

    @property
    def x12(self) -> str:
        return self.text(FileKind.X12)

    @property
    def lines_csv(self) -> str:
        return self.text(FileKind.LINES)

    @property
    def unclaimable_csv(self) -> str:
        return self.text(FileKind.UNCLAIMABLE)


class FileKind(models.TextChoices):
    X12 = "x12", "837P claim file"
    LINES = "lines", "claim lines"
    UNCLAIMABLE = "unclaimable", "unclaimable sessions"


class ClaimRunFile(models.Model):
    """A part (about a megabyte, whole lines) of one of a run's three files, kept in
    the database with the run: written as the run goes, so a month of any size is never
    held in memory whole, and committed (or not) with its claim lines."""

    run = models.ForeignKey(ClaimRun, on_delete=models.PROTECT, related_name="files")
    which = models.CharField(max_length=12, choices=FileKind.choices)
    part = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["run", "which", "part"]
        constraints = [
            models.UniqueConstraint(fields=["run", "which", "part"], name="claim_run_file_part_once"),
            models.CheckConstraint(condition=models.Q(which__in=FileKind.values), name="claim_run_file_which"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.which} part {self.part}"


class ClaimLine(models.Model):
    """One claim (CLM) with its one service line: a session's version as claimed."""

    run = models.ForeignKey(ClaimRun, on_delete=models.PROTECT, related_name="claim_lines")
    record = models.ForeignKey("services.ServiceRecord", on_delete=models.PROTECT, related_name="claim_lines")
    version = models.PositiveIntegerField()
    claim_id = models.CharField(max_length=38, unique=True, help_text="CLM01, the patient control number")
    frequency = models.CharField(max_length=1, choices=Frequency.choices, default=Frequency.ORIGINAL)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    procedure_code = models.CharField(max_length=5)
    units = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "version"], name="claim_line_once_per_version"),
            models.CheckConstraint(condition=models.Q(frequency__in=Frequency.values), name="claim_line_frequency"),
            models.CheckConstraint(
                condition=models.Q(frequency=Frequency.ORIGINAL, replaces__isnull=True)
                | (~models.Q(frequency=Frequency.ORIGINAL) & models.Q(replaces__isnull=False)),
                name="claim_line_replaces_iff_not_original",
            ),
        ]
        indexes = [models.Index(fields=["record", "version"], name="claim_line_record_idx")]

    def __str__(self) -> str:
        return f"{self.claim_id} ({self.get_frequency_display()})"
