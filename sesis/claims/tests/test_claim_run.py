"""The month's claim file: an 837P that pyx12 accepts with zero errors, read back
segment by segment; its CSVs read back; reruns that claim only what is new or
replaced; amendments after a claim as replacements and voids; the refusals."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from sesis.audit.models import AuditEvent, Disclosure
from sesis.claims.actions import claim_run_create, claim_run_file, month_start
from sesis.claims.models import ClaimLine, ClaimRun, Frequency
from sesis.claims.tests.pyx12_check import pyx12_errors
from sesis.claims.x12 import by_claim, segments
from sesis.lib.errors import ActionRefused
from sesis.mandates.models import Mandate
from sesis.medicaid.models import ClaimRule, Consent
from sesis.services.actions import draft, service_record_amend, service_record_create
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions

NOVEMBER = dt.date(2026, 11, 1)


def speech(s: Sessions, day: int = 16, **overrides: object) -> ServiceRecord:
    data = s.speech_input(date=dt.date(2026, 11, day), grouping="individual", group_count=None, **overrides)
    return service_record_create(actor=s.d.doe_speech, provider=s.d.doe_speech, data=data, certify=True)


def ot(s: Sessions, day: int = 16, **overrides: object) -> ServiceRecord:
    values: dict[str, object] = {
        "student": s.d.ot_student,
        "mandate": Mandate.objects.get(student=s.d.ot_student, service="OT"),
        "date": dt.date(2026, 11, day),
        "start_time": dt.time(13, 0),
        "end_time": dt.time(13, 40),
        "language": "English",
        "location": "separate",
        "notes": "Fine motor: buttons and zips.",
    }
    values.update(overrides)
    return service_record_create(actor=s.d.agency_ot, provider=s.d.agency_ot, data=draft(**values), certify=True)


def run(s: Sessions) -> ClaimRun:
    return claim_run_create(actor=s.d.admin, month=NOVEMBER)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_claim_file_passes_pyx12_and_reads_back_segment_by_segment(facts: Sessions, tmp_path: Path) -> None:
    s = facts
    first = speech(s)
    second = ot(s)
    third = ot(s, day=18)
    Consent.objects.filter(student=s.d.ot_student).update(withdrawn_on=dt.date(2026, 11, 18))  # third: unclaimable
    ClaimRule.objects.filter(service="OT", group=False).update(rate=Decimal("20.25"))

    result = run(s)
    path = tmp_path / "nov.x12"
    path.write_text(result.x12)
    ok, errors = pyx12_errors(path)
    assert (ok, errors) == (True, [])

    assert (result.lines, result.replacements, result.voids, result.unclaimable) == (2, 0, 0, 1)
    speech_rate = ClaimRule.objects.get(service="SPEECH", group=False).rate
    assert result.amount == speech_rate + 3 * Decimal("20.25")  # 40 minutes: 3 units of 15 (8+ rounds up)

    all_segments = segments(result.x12)
    assert [seg[0] for seg in all_segments[:4]] == ["ISA", "GS", "ST", "BHT"]
    assert all_segments[2] == ["ST", "837", f"{result.pk % 10000:04d}", "005010X222A1"]
    billing = next(seg for seg in all_segments if seg[:2] == ["NM1", "85"])
    assert billing[-2:] == ["XX", "1234567893"]
    patients = [seg for seg in all_segments if seg[:2] == ["NM1", "IL"]]
    assert [p[3:5] + p[-2:] for p in patients] == [
        ["O'CONNOR", "ANA", "MI", "AB12345C"],
        ["GARCIA", "BEN", "MI", "CD23456E"],
    ]
    speech_claim, ot_claim = by_claim(result.x12)
    assert speech_claim == [
        ["CLM", f"S{first.pk}V1", format(speech_rate.normalize(), "f"), "", "", "03:B:1", "Y", "A", "Y", "Y"],
        ["HI", "ABK:F809"],
        ["NM1", "DN", "1", "RUIZ", "ANA", "", "", "", "XX", "9000000015"],
        ["NM1", "82", "1", "SANTOS", "MARIA", "", "", "", "XX", "3000000018"],
        ["LX", "1"],
        ["SV1", "HC:92507", format(speech_rate.normalize(), "f"), "UN", "1", "", "", "1"],
        ["DTP", "472", "D8", "20261116"],
    ]
    assert ot_claim == [
        ["CLM", f"S{second.pk}V1", "60.75", "", "", "03:B:1", "Y", "A", "Y", "Y"],
        ["HI", "ABK:R278"],
        ["NM1", "DN", "1", "RUIZ", "ANA", "", "", "", "XX", "9000000015"],
        ["NM1", "82", "1", "FERRARI", "LUCIA", "", "", "", "XX", "4000000016"],
        ["NM1", "DQ", "1", "SANTOS", "MARIA", "", "", "", "XX", "3000000018"],  # she directs Lucia Ferrari
        ["LX", "1"],
        ["SV1", "HC:97530", "60.75", "UN", "3", "", "", "1"],
        ["DTP", "472", "D8", "20261116"],
    ]

    lines = rows(result.lines_csv)
    assert [(r["claim_id"], r["frequency"], r["procedure_code"], r["units"], r["amount"]) for r in lines] == [
        (f"S{first.pk}V1", "Original", "92507", "1", f"{speech_rate:.2f}"),
        (f"S{second.pk}V1", "Original", "97530", "3", "60.75"),
    ]
    assert lines[1]["supervising_npi"] == "3000000018" and lines[1]["medicaid_id"] == "CD23456E"
    unclaimable = rows(result.unclaimable_csv)
    assert [(r["record_id"], r["osis"], r["staff_id"]) for r in unclaimable] == [(str(third.pk), "222222222", "400")]
    assert unclaimable[0]["reasons"] == (
        "No parental consent to bill Medicaid: the parent withdrew consent to bill Medicaid on 2026-11-18"
    )


def test_pyx12_reports_a_broken_file(facts: Sessions, tmp_path: Path) -> None:
    """The validator is a real check: the same file with a wrong segment count and a
    date that does not exist is refused, naming both."""
    speech(facts)
    text = run(facts).x12
    broken = text.replace("SE*", "SE*9", 1).replace("DTP*472*D8*20261116", "DTP*472*D8*20261316")
    path = tmp_path / "broken.x12"
    path.write_text(broken)
    ok, errors = pyx12_errors(path)
    assert not ok
    messages = " ".join(e["err_str"] for e in errors)
    assert "SE count" in messages and "20261316" in messages


def test_a_rerun_claims_nothing_twice_and_an_amendment_is_replaced_or_voided(facts: Sessions) -> None:
    s = facts
    record = speech(s)
    other = speech(s, day=17)
    first = run(s)
    assert (first.lines, first.replacements, first.voids) == (2, 0, 0)

    again = run(s)
    assert (again.lines, again.replacements, again.voids, again.x12) == (0, 0, 0, "")

    service_record_amend(
        actor=s.d.doe_speech, record=record, reason="Started late", changes={"start_time": dt.time(10, 5)}, certify=True
    )
    service_record_amend(
        actor=s.d.doe_speech,
        record=other,
        reason="The student was absent",
        changes={"session_type": "student_absent", "notes": "", "location": ""},
        certify=True,
    )
    third = run(s)
    assert (third.lines, third.replacements, third.voids) == (0, 1, 1)
    claims = {claim[0][1]: claim for claim in by_claim(third.x12)}
    replacement, void = claims[f"S{record.pk}V2"], claims[f"S{other.pk}V2"]
    assert replacement[0][5] == "03:B:7" and replacement[1] == ["REF", "F8", f"S{record.pk}V1"]
    assert void[0][5] == "03:B:8" and void[1] == ["REF", "F8", f"S{other.pk}V1"]
    assert third.amount == ClaimLine.objects.get(claim_id=f"S{record.pk}V2").amount  # a void adds nothing

    fourth = run(s)
    assert (fourth.lines, fourth.replacements, fourth.voids) == (0, 0, 0)
    per_version = list(ClaimLine.objects.values_list("record_id", "version", "frequency").order_by("id"))
    assert per_version == [
        (record.pk, 1, Frequency.ORIGINAL),
        (other.pk, 1, Frequency.ORIGINAL),
        (record.pk, 2, Frequency.REPLACEMENT),
        (other.pk, 2, Frequency.VOID),
    ]


def test_facts_arriving_later_make_a_later_run_claim_the_session(facts: Sessions) -> None:
    s = facts
    Consent.objects.all().delete()
    speech(s)
    first = run(s)
    assert (first.lines, first.unclaimable, first.x12) == (0, 1, "")
    Consent.objects.create(student=s.d.speech_student, given_on=dt.date(2026, 9, 1))
    second = run(s)
    assert (second.lines, second.unclaimable) == (1, 0)


def test_a_run_is_audited_and_every_file_is_in_the_disclosure_log(facts: Sessions) -> None:
    speech(facts)
    result = run(facts)
    event = AuditEvent.objects.get(action="claims.run")
    assert event.actor == facts.d.admin and event.details["originals"] == 1
    for which in ("x12", "lines", "unclaimable"):
        name, _type, _body = claim_run_file(actor=facts.d.admin, run=result, which=which)
        assert name.startswith(f"sesis-claims-2026-11-run{result.pk}")
    logged = Disclosure.objects.filter(actor=facts.d.admin).order_by("id")
    assert [(d.what, d.file_format, d.record_count) for d in logged] == [
        ("Medicaid 837P claim file", "x12", 1),
        ("Medicaid claim lines", "csv", 1),
        ("Medicaid unclaimable sessions", "csv", 0),
    ]
    assert list(logged[0].students.values_list("student_id", flat=True)) == [facts.d.speech_student.pk]


def test_refusals_name_the_problem_and_write_nothing(facts: Sessions) -> None:
    speech(facts)
    with pytest.raises(ActionRefused, match="Only administrators produce Medicaid claim files"):
        claim_run_create(actor=facts.d.supervisor, month=NOVEMBER)
    with pytest.raises(ActionRefused, match="2026-12 has not begun"):
        claim_run_create(actor=facts.d.admin, month=dt.date(2026, 12, 1))
    with pytest.raises(ActionRefused, match="A month is written YYYY-MM, such as 2026-11, not 'November'"):
        month_start("November")
    result = run(facts)
    with pytest.raises(ActionRefused, match="Only administrators download"):
        claim_run_file(actor=facts.d.doe_speech, run=result, which="x12")
    assert ClaimRun.objects.count() == 1 and Disclosure.objects.count() == 0


def test_the_command_writes_the_file_and_both_csvs(facts: Sessions, tmp_path: Path) -> None:
    speech(facts)
    out = io.StringIO()
    call_command("medicaid_claims", "--month", "2026-11", "--output", str(tmp_path / "nov.x12"), stdout=out)
    assert "1 new claims, 0 replacements, 0 voids" in out.getvalue()
    assert (tmp_path / "nov.x12").read_text().startswith("ISA*00*")
    assert rows((tmp_path / "nov-lines.csv").read_text())[0]["procedure_code"] == "92507"
    assert rows((tmp_path / "nov-unclaimable.csv").read_text()) == []
    with pytest.raises(CommandError, match="A month is written YYYY-MM"):
        call_command("medicaid_claims", "--month", "11/2026", "--output", str(tmp_path / "x.x12"))
    with pytest.raises(CommandError, match="No active administrator has the staff ID 300"):
        call_command("medicaid_claims", "--month", "2026-11", "--output", str(tmp_path / "x.x12"), "--as", "300")


def test_a_month_is_produced_in_batches_and_stored_in_parts_as_one_valid_file(
    facts: Sessions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client: Client
) -> None:
    """A month of any size is never held whole: students in batches, files in parts.
    With one student per batch and parts of a few hundred characters, the file is still
    one interchange that pyx12 accepts, each student a subscriber loop of their own,
    and the download streams exactly the stored parts."""
    from sesis.claims import actions

    monkeypatch.setattr(actions, "BATCH_STUDENTS", 1)
    monkeypatch.setattr(actions, "PART_SIZE", 300)
    s = facts
    speech(s)
    ot(s)
    ot(s, day=17)
    Consent.objects.filter(student=s.d.ot_student).update(withdrawn_on=dt.date(2026, 11, 17))  # the 17th: not
    result = run(s)
    assert (result.lines, result.unclaimable) == (2, 1)
    assert result.files.filter(which="x12").count() > 3  # many parts, in order
    path = tmp_path / "nov.x12"
    path.write_text(result.x12)
    assert pyx12_errors(path) == (True, [])
    all_segments = segments(result.x12)
    assert [seg[0] for seg in all_segments].count("ISA") == 1
    assert [seg[1:4] for seg in all_segments if seg[0] == "HL"] == [["1", "", "20"], ["2", "1", "22"], ["3", "1", "22"]]
    se = next(seg for seg in all_segments if seg[0] == "SE")
    st_index = next(i for i, seg in enumerate(all_segments) if seg[0] == "ST")
    assert int(se[1]) == all_segments.index(se) - st_index + 1
    assert rows(result.lines_csv)[0].keys() == set(actions.LINE_COLUMNS)
    assert len(rows(result.lines_csv)) == 2 and len(rows(result.unclaimable_csv)) == 1
    assert result.lines_csv.count("claim_id,frequency") == 1  # one header, not one per batch

    client.force_login(s.d.admin)
    response = client.get(reverse("medicaid_claims_download"), {"run": result.pk, "file": "x12"})
    assert response.streaming
    assert b"".join(response.streaming_content).decode() == result.x12  # type: ignore[arg-type]
    assert response["Content-Disposition"] == f'attachment; filename="sesis-claims-2026-11-run{result.pk}.x12"'


def test_a_run_with_nothing_to_claim_has_no_claim_file(facts: Sessions) -> None:
    Consent.objects.all().delete()
    speech(facts)
    result = run(facts)
    assert (result.lines, result.unclaimable, result.claimed_anything) == (0, 1, False)
    assert result.x12 == ""
    assert len(rows(result.unclaimable_csv)) == 1


def test_the_record_page_says_what_became_of_its_claim(facts: Sessions, client: Client) -> None:
    """Claimed, amended since (flagged for the next run's replacement), replaced, voided."""
    s = facts
    record, other = speech(s), speech(s, day=17)
    client.force_login(s.d.doe_speech)

    def medicaid_row(r: ServiceRecord) -> str:
        page = client.get(reverse("record_detail", args=[r.pk])).content.decode()
        return " ".join(page.split("<dt>Medicaid</dt><dd>", 1)[1].split("</dd>", 1)[0].split())

    assert medicaid_row(record) == "Claimable: 92507, 1 unit"
    first = run(s)
    assert medicaid_row(record).endswith(f"Claimed as S{record.pk}V1 in claim run {first.pk} (2026-11).")
    service_record_amend(
        actor=s.d.doe_speech, record=record, reason="Started late", changes={"start_time": dt.time(10, 5)}, certify=True
    )
    assert medicaid_row(record).endswith(
        "Amended since (version 2): the next claim run for 2026-11 sends a replacement, or a void if it is no "
        "longer claimable."
    )
    service_record_amend(
        actor=s.d.doe_speech,
        record=other,
        reason="The student was absent",
        changes={"session_type": "student_absent", "notes": "", "location": ""},
        certify=True,
    )
    second = run(s)
    assert medicaid_row(record).endswith(f"Replaced as S{record.pk}V2 in claim run {second.pk} (2026-11).")
    # An absence is no claim: the row says only what became of the old one.
    assert medicaid_row(other) == f"Claim S{other.pk}V1 voided in claim run {second.pk} (2026-11)."
