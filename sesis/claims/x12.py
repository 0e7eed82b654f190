"""The claim file: an ASC X12 837 Professional claim, version 005010X222A1, the
format New York Medicaid (eMedNY) takes for School Supportive Health Services.

One interchange (ISA) holding one functional group (GS) and one transaction set (ST):
the district as submitter and billing provider (settings.SESIS_MEDICAID), then per
student a subscriber loop (the student is the patient; Medicaid is the primary payer)
holding one claim (CLM) per session, each with its diagnosis, the referring provider
(the order's), the rendering provider, the supervising provider when the rendering
provider works under direction, and one service line. Checked in the tests by pyx12.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.conf import settings

SEGMENT = "~"
ELEMENT = "*"
COMPONENT = ":"
REPETITION = "^"
PLACE_OF_SERVICE_SCHOOL = "03"


@dataclass(frozen=True)
class Person:
    last: str
    first: str
    npi: str


@dataclass(frozen=True)
class Claim:
    """One claim with its one service line, as the file carries it."""

    claim_id: str
    frequency: str  # CLM05-3: 1 original, 7 replacement, 8 void
    replaces: str  # the claim id a replacement or void corrects ("" for an original)
    medicaid_id: str
    patient_last: str
    patient_first: str
    date_of_birth: dt.date
    diagnosis: str  # ICD-10 without the dot
    referring: Person
    rendering: Person
    supervising: Person | None
    procedure_code: str
    units: int
    amount: Decimal
    date: dt.date


_UNSAFE = re.compile(r"[^A-Z0-9 .,'&/-]")


def text(value: str, length: int = 60) -> str:
    """A name or address as an element: upper case, no separator characters."""
    return re.sub(r"\s+", " ", _UNSAFE.sub(" ", value.upper())).strip()[:length]


def money(amount: Decimal) -> str:
    """An X12 decimal: no trailing zeros, no exponent ("50", "12.5")."""
    quantised = amount.quantize(Decimal("0.01"))
    return format(quantised.normalize(), "f") if quantised != 0 else "0"


def segment(*elements: Any) -> str:
    return ELEMENT.join("" if e is None else str(e) for e in elements).rstrip(ELEMENT) + SEGMENT


def _fixed(value: str, width: int) -> str:
    return value[:width].ljust(width)


def billing() -> dict[str, str]:
    return dict(settings.SESIS_MEDICAID)


class ClaimFileWriter:
    """Writes an 837P file through `write` batch by batch, so a month of any size is
    never held whole: the interchange's header with the first claim, a subscriber loop
    per Medicaid ID within each batch (a student's claims come in one batch), the
    trailers, with the transaction set's segment count, on `close`. Nothing at all is
    written for no claims. `control` numbers the interchange, the group and the
    transaction set (the claim run's id: unique per district)."""

    def __init__(self, write: Callable[[str], object], *, control: int, now: dt.datetime) -> None:
        self.write, self.control, self.now = write, control, now
        self.conf = billing()
        self.segments = 0  # from ST on, for SE
        self.hl = 1

    def _put(self, lines: list[str]) -> None:
        self.segments += len(lines)
        self.write("\n".join(lines) + "\n")

    def _header(self) -> None:
        conf, now, control = self.conf, self.now, self.control
        sender, receiver = conf["submitter_id"], conf["receiver_id"]
        self.write(
            "\n".join(
                [
                    segment(
                        "ISA",
                        "00",
                        _fixed("", 10),
                        "00",
                        _fixed("", 10),
                        "ZZ",
                        _fixed(sender, 15),
                        "ZZ",
                        _fixed(receiver, 15),
                        f"{now:%y%m%d}",
                        f"{now:%H%M}",
                        REPETITION,
                        "00501",
                        f"{control:09d}",
                        "0",
                        conf["usage"],
                        COMPONENT,
                    ),
                    segment("GS", "HC", sender, receiver, f"{now:%Y%m%d}", f"{now:%H%M}", control, "X", "005010X222A1"),
                ]
            )
            + "\n"
        )
        self._put(
            [
                segment("ST", "837", self._st_control, "005010X222A1"),
                segment("BHT", "0019", "00", f"SESIS{control}", f"{now:%Y%m%d}", f"{now:%H%M}", "CH"),
                # 1000A submitter, 1000B receiver
                segment("NM1", "41", "2", text(conf["billing_name"]), "", "", "", "", "46", conf["submitter_id"]),
                segment("PER", "IC", text(conf["contact_name"]), "TE", conf["contact_phone"]),
                segment("NM1", "40", "2", text(conf["receiver_name"]), "", "", "", "", "46", conf["receiver_id"]),
                # 2000A billing provider
                segment("HL", "1", "", "20", "1"),
                segment("NM1", "85", "2", text(conf["billing_name"]), "", "", "", "", "XX", conf["billing_npi"]),
                segment("N3", text(conf["billing_address"], 55)),
                segment("N4", text(conf["billing_city"], 30), conf["billing_state"], conf["billing_zip"]),
                segment("REF", "EI", conf["billing_tax_id"]),
            ]
        )

    @property
    def _st_control(self) -> str:
        return f"{self.control % 10000:04d}"

    def add(self, claims: Iterable[Claim]) -> None:
        """One batch of claims: each Medicaid ID's claims together, by date."""
        batch = sorted(claims, key=lambda c: (c.medicaid_id, c.date, c.claim_id))
        if not batch:
            return
        if self.segments == 0:
            self._header()
        body: list[str] = []
        for medicaid_id, group in groupby(batch, key=lambda c: c.medicaid_id):
            patient_claims = list(group)
            first = patient_claims[0]
            self.hl += 1
            body += [
                # 2000B subscriber: the student, who is the patient (SBR02 18: self), Medicaid (MC)
                segment("HL", self.hl, "1", "22", "0"),
                segment("SBR", "P", "18", "", "", "", "", "", "", "MC"),
                segment(
                    "NM1", "IL", "1", text(first.patient_last), text(first.patient_first), "", "", "", "MI", medicaid_id
                ),
                segment("DMG", "D8", f"{first.date_of_birth:%Y%m%d}", "U"),
                segment("NM1", "PR", "2", text(self.conf["payer_name"]), "", "", "", "", "PI", self.conf["payer_id"]),
            ]
            for claim in patient_claims:
                body += _claim(claim)
        self._put(body)

    def close(self) -> None:
        if self.segments == 0:
            return
        isa_control = f"{self.control:09d}"
        self.write(
            "\n".join(
                [
                    segment("SE", self.segments + 1, self._st_control),
                    segment("GE", "1", self.control),
                    segment("IEA", "1", isa_control),
                ]
            )
            + "\n"
        )


def claim_file(claims: Iterable[Claim], *, control: int, now: dt.datetime) -> str:
    """The 837P file for `claims` (at least one), whole."""
    out: list[str] = []
    writer = ClaimFileWriter(out.append, control=control, now=now)
    writer.add(claims)
    if writer.segments == 0:
        raise ValueError("A claim file holds at least one claim.")
    writer.close()
    return "".join(out)


def _claim(claim: Claim) -> list[str]:
    amount = money(claim.amount)
    segments = [
        segment(
            "CLM",
            claim.claim_id,
            amount,
            "",
            "",
            COMPONENT.join([PLACE_OF_SERVICE_SCHOOL, "B", claim.frequency]),
            "Y",
            "A",
            "Y",
            "Y",
        ),
    ]
    if claim.replaces:
        # The original claim's reference. eMedNY wants its own claim number (the ICN
        # from the remittance) here: the billing office's system substitutes it.
        segments.append(segment("REF", "F8", claim.replaces))
    segments.append(segment("HI", COMPONENT.join(["ABK", claim.diagnosis])))
    segments.append(_person("DN", claim.referring))  # 2310A referring provider (the order's)
    segments.append(_person("82", claim.rendering))  # 2310B rendering provider
    if claim.supervising is not None:
        segments.append(_person("DQ", claim.supervising))  # 2310D supervising provider
    segments += [
        segment("LX", "1"),
        segment("SV1", COMPONENT.join(["HC", claim.procedure_code]), amount, "UN", claim.units, "", "", "1"),
        segment("DTP", "472", "D8", f"{claim.date:%Y%m%d}"),
    ]
    return segments


def _person(code: str, person: Person) -> str:
    return segment("NM1", code, "1", text(person.last), text(person.first), "", "", "", "XX", person.npi)


def segments(document: str) -> list[list[str]]:
    """A file's segments as lists of elements (reading one back)."""
    return [part.strip().split(ELEMENT) for part in document.split(SEGMENT) if part.strip()]


def by_claim(document: str) -> list[list[list[str]]]:
    """The segments of each claim, from its CLM to the next CLM, HL or SE."""
    claims: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for seg in segments(document):
        if seg[0] == "CLM":
            current = [seg]
            claims.append(current)
        elif seg[0] in {"HL", "SE"}:
            current = None
        elif current is not None:
            current.append(seg)
    return claims
