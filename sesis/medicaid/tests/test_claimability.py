"""Whether a session is claimable to Medicaid, and the plain words saying why not:
each reason alone and together, and every dated fact on the day before, on and after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from sesis.medicaid.claimability import Facts, Reason, judge, judge_all
from sesis.medicaid.models import ClaimRule, Consent, Credential, CredentialKind, Eligibility, Order
from sesis.services.actions import service_record_create
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions

DAY = dt.date(2026, 11, 16)


def speech(s: Sessions, *, certify: bool = True, **overrides: object) -> ServiceRecord:
    data = s.speech_input(grouping="individual", group_count=None, **overrides)
    return service_record_create(actor=s.d.doe_speech, provider=s.d.doe_speech, data=data, certify=certify)


def ot(s: Sessions, **overrides: object) -> ServiceRecord:
    from sesis.mandates.models import Mandate
    from sesis.services.actions import draft

    values: dict[str, object] = {
        "student": s.d.ot_student,
        "mandate": Mandate.objects.get(student=s.d.ot_student, service="OT"),
        "date": DAY,
        "start_time": dt.time(13, 0),
        "end_time": dt.time(13, 30),
        "language": "English",
        "location": "separate",
        "notes": "Fine motor: buttons and zips.",
    }
    values.update(overrides)
    return service_record_create(actor=s.d.agency_ot, provider=s.d.agency_ot, data=draft(**values), certify=True)


def unsaved(s: Sessions, **overrides: object) -> ServiceRecord:
    """A record as judged but not saved: Session Notes may be empty only where the
    service's own rules allow it (counseling, health) or on records kept from before."""
    record = s.speech_input(grouping="individual", group_count=None, **overrides)
    record.provider = s.d.doe_speech
    record.certified_at = timezone.now()
    return record


def verdict_of(record: ServiceRecord, *, you: bool = False):  # type: ignore[no-untyped-def]
    verdict = judge(record, Facts.for_sessions([record]), you=you)
    assert verdict is not None
    return verdict


def codes(record: ServiceRecord) -> list[str]:
    return [p.code for p in verdict_of(record).problems]


def test_a_session_with_every_fact_is_claimable_with_its_code_units_and_amount(facts: Sessions) -> None:
    verdict = verdict_of(speech(facts))
    assert verdict.claimable and verdict.message == ""
    assert (verdict.rule.procedure_code, verdict.units, verdict.minutes) == ("92507", 1, 30)
    assert verdict.amount == verdict.rule.rate
    ot_verdict = verdict_of(ot(facts))  # OT: per 15 minutes, under Maria Santos's direction
    assert ot_verdict.claimable and (ot_verdict.rule.procedure_code, ot_verdict.units) == ("97530", 2)


def test_a_session_with_no_facts_names_every_missing_one_in_plain_words(sessions: Sessions) -> None:
    verdict = verdict_of(unsaved(sessions, notes=""))
    assert [p.code for p in verdict.problems] == [
        Reason.CONSENT,
        Reason.ELIGIBILITY,
        Reason.ORDER,
        Reason.CREDENTIAL,
        Reason.NOTES,
    ]
    assert verdict.message == (
        "Not claimable to Medicaid: no parental consent to bill Medicaid is on file for this student; "
        "the student has no Medicaid ID for 2026-11-16; no written referral for Speech-Language Therapy is on "
        "file for this student; the provider's NPI and license are not on file; Session Notes are empty."
    )
    mine = verdict_of(speech(sessions, date=dt.date(2026, 11, 17)), you=True)
    assert "your NPI and license are not on file" in mine.message


@pytest.mark.parametrize(
    ("remove", "reason", "words"),
    [
        (lambda d: Consent.objects.all().delete(), Reason.CONSENT, "no parental consent to bill Medicaid"),
        (lambda d: Eligibility.objects.all().delete(), Reason.ELIGIBILITY, "no Medicaid ID for 2026-11-16"),
        (lambda d: Order.objects.all().delete(), Reason.ORDER, "no written referral for Speech-Language Therapy"),
        (lambda d: Credential.objects.all().delete(), Reason.CREDENTIAL, "the provider's NPI and license"),
    ],
)
def test_each_missing_fact_alone_is_the_one_reason(facts: Sessions, remove, reason: str, words: str) -> None:  # type: ignore[no-untyped-def]
    remove(facts.d)
    verdict = verdict_of(speech(facts))
    assert [p.code for p in verdict.problems] == [reason]
    assert words in verdict.message


def test_empty_notes_and_an_unsigned_record_are_reasons_alone(facts: Sessions) -> None:
    assert codes(unsaved(facts, notes="  ")) == [Reason.NOTES]
    assert codes(speech(facts, date=dt.date(2026, 11, 17), certify=False)) == [Reason.UNSIGNED]


def test_missed_sessions_and_services_without_a_rule_are_no_claim_at_all(facts: Sessions) -> None:
    absent = speech(facts, session_type="student_absent", notes="", location="")
    assert judge(absent, Facts.for_sessions([absent])) is None
    ClaimRule.objects.filter(service="SPEECH").delete()
    record = speech(facts, date=dt.date(2026, 11, 17))
    assert judge(record, Facts.for_sessions([record])) is None
    assert judge_all([record]) == {}


def test_a_session_too_short_for_quarter_hour_units_is_named(facts: Sessions) -> None:
    record = ot(facts, end_time=dt.time(13, 7))
    verdict = verdict_of(record)
    assert [p.code for p in verdict.problems] == [Reason.MINUTES]
    assert "the session lasted 7 minutes; 97530 needs at least 8" in verdict.message
    assert verdict_of(ot(facts, date=dt.date(2026, 11, 17), end_time=dt.time(13, 8))).units == 1
    assert verdict_of(ot(facts, date=dt.date(2026, 11, 18), end_time=dt.time(13, 22))).units == 1
    assert verdict_of(ot(facts, date=dt.date(2026, 11, 13), end_time=dt.time(13, 23))).units == 2


def test_a_rule_with_a_minimum_refuses_shorter_sessions(facts: Sessions) -> None:
    ClaimRule.objects.filter(service="SPEECH", group=False).update(minimum_minutes=31)
    assert codes(speech(facts)) == [Reason.MINUTES]
    ClaimRule.objects.filter(service="SPEECH", group=False).update(minimum_minutes=30, rate=Decimal("42.10"))
    verdict = verdict_of(speech(facts, date=dt.date(2026, 11, 17)))
    assert verdict.claimable and verdict.amount == Decimal("42.10")


def test_group_sessions_claim_the_group_code(facts: Sessions) -> None:
    record = service_record_create(
        actor=facts.d.doe_speech, provider=facts.d.doe_speech, data=facts.speech_input(), certify=True
    )
    assert verdict_of(record).rule.procedure_code == "92508"


@pytest.mark.parametrize(("offset", "claimable"), [(-1, False), (0, True), (1, True)])
def test_consent_counts_from_the_day_it_was_given(facts: Sessions, offset: int, claimable: bool) -> None:
    Consent.objects.update(given_on=DAY - dt.timedelta(days=offset))
    verdict = verdict_of(speech(facts))
    assert verdict.claimable is claimable
    if not claimable:
        assert "parental consent to bill Medicaid was given only on 2026-11-17" in verdict.message


@pytest.mark.parametrize(("offset", "claimable"), [(-1, False), (0, False), (1, True)])
def test_consent_ends_on_the_day_it_is_withdrawn(facts: Sessions, offset: int, claimable: bool) -> None:
    withdrawn = DAY + dt.timedelta(days=offset)
    Consent.objects.update(withdrawn_on=withdrawn)
    verdict = verdict_of(speech(facts))
    assert verdict.claimable is claimable
    if not claimable:
        assert f"the parent withdrew consent to bill Medicaid on {withdrawn}" in verdict.message


@pytest.mark.parametrize(("offset", "claimable"), [(-1, False), (0, True), (1, True)])
def test_an_order_covers_its_last_day_and_not_the_next(facts: Sessions, offset: int, claimable: bool) -> None:
    end = DAY + dt.timedelta(days=offset)
    Order.objects.update(end_date=end)
    verdict = verdict_of(speech(facts))
    assert verdict.claimable is claimable
    if not claimable:
        assert verdict.message == f"Not claimable to Medicaid: the Speech-Language Therapy referral ended on {end}."


@pytest.mark.parametrize(("offset", "claimable"), [(-1, False), (0, True), (1, True)])
def test_an_order_covers_its_first_day(facts: Sessions, offset: int, claimable: bool) -> None:
    Order.objects.update(order_date=dt.date(2026, 9, 1), start_date=DAY - dt.timedelta(days=offset))
    verdict = verdict_of(speech(facts))
    assert verdict.claimable is claimable
    if not claimable:
        assert "the Speech-Language Therapy referral starts only on 2026-11-17" in verdict.message


@pytest.mark.parametrize(("offset", "claimable"), [(-1, False), (0, True), (1, True)])
def test_eligibility_by_its_dates(facts: Sessions, offset: int, claimable: bool) -> None:
    Eligibility.objects.update(end_date=DAY + dt.timedelta(days=offset))
    assert verdict_of(speech(facts)).claimable is claimable


@pytest.mark.parametrize(("offset", "claimable"), [(-1, False), (0, True), (1, True)])
def test_a_license_is_good_through_its_expiry_day(facts: Sessions, offset: int, claimable: bool) -> None:
    expires = DAY + dt.timedelta(days=offset)
    Credential.objects.filter(staff=facts.d.doe_speech).update(expires_on=expires)
    record = speech(facts)
    verdict = verdict_of(record, you=True)
    assert verdict.claimable is claimable
    if not claimable:
        assert f"your license expired on {expires}, before this date" in verdict.message


def test_a_provider_under_direction_needs_a_currently_licensed_director(facts: Sessions) -> None:
    assert verdict_of(ot(facts)).claimable
    Credential.objects.filter(staff=facts.d.doe_speech).update(expires_on=dt.date(2026, 11, 15))
    verdict = verdict_of(ot(facts, date=dt.date(2026, 11, 17)))
    assert [p.code for p in verdict.problems] == [Reason.DIRECTION]
    assert "Maria Santos, who directs the provider's sessions, has no current license on 2026-11-17" in verdict.message
    Credential.objects.filter(staff=facts.d.doe_speech).update(
        expires_on=dt.date(2027, 1, 1), kind=CredentialKind.UNDER_DIRECTION, supervisor=facts.d.independent_speech
    )
    assert codes(ot(facts, date=dt.date(2026, 11, 18))) == [Reason.DIRECTION]


def test_reasons_combine_with_their_dates(facts: Sessions) -> None:
    Consent.objects.update(withdrawn_on=dt.date(2026, 11, 1))
    Order.objects.update(end_date=dt.date(2026, 10, 31))
    Credential.objects.filter(staff=facts.d.doe_speech).update(expires_on=dt.date(2026, 11, 2))
    verdict = verdict_of(unsaved(facts, notes=""), you=True)
    assert verdict.message == (
        "Not claimable to Medicaid: the parent withdrew consent to bill Medicaid on 2026-11-01; "
        "the Speech-Language Therapy referral ended on 2026-10-31; your license expired on 2026-11-02, "
        "before this date; Session Notes are empty."
    )


def test_an_amendment_is_judged_in_its_current_version(facts: Sessions) -> None:
    from sesis.services.actions import service_record_amend

    record = ot(facts)
    assert verdict_of(record).claimable
    amended = service_record_amend(
        actor=facts.d.agency_ot,
        record=record,
        reason="The student was called out after 7 minutes",
        changes={"end_time": dt.time(13, 7)},
        certify=True,
    )
    assert codes(ServiceRecord.objects.get(pk=amended.pk)) == [Reason.MINUTES]


def test_facts_load_in_a_fixed_number_of_queries(facts: Sessions, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    records = [speech(facts), ot(facts)]
    with django_assert_num_queries(5):
        verdicts = judge_all(records)
    assert len(verdicts) == 2 and all(v.claimable for v in verdicts.values())


def test_the_supervisors_dashboard_lists_unclaimable_sessions_by_reason_in_scope(facts: Sessions) -> None:
    from sesis.site.dashboard import supervisor_dashboard

    speech(facts)  # claimable
    Consent.objects.filter(student=facts.d.speech_student).delete()
    no_consent = speech(facts, date=dt.date(2026, 11, 17))
    short = ot(facts, end_time=dt.time(13, 5))
    board = supervisor_dashboard(facts.d.supervisor, facts.today)
    # Consent is judged now for every session of the student: both speech sessions lack it.
    assert [(u.heading, u.count, [r.pk for r in u.sessions]) for u in board.unclaimable] == [
        ("No parental consent to bill Medicaid", 2, [no_consent.pk - 1, no_consent.pk]),
        ("Session too short for its procedure code", 1, [short.pk]),
    ]
    assert board.claimable == 0
    outside = supervisor_dashboard(facts.d.supervisor_out, facts.today)  # school 15K003 only
    assert (outside.unclaimable, outside.claimable) == ([], 0)


def test_judged_rows_batches_by_student_and_judges_as_judge_all(facts: Sessions) -> None:
    from sesis.medicaid.claimability import judged_rows

    speech(facts)
    speech(facts, date=dt.date(2026, 11, 17))
    Consent.objects.filter(student=facts.d.speech_student).delete()
    ot(facts)
    ot(facts, date=dt.date(2026, 11, 17), end_time=dt.time(13, 5))
    everything = ServiceRecord.objects.all()
    expected = {pk: [p.code for p in v.problems] for pk, v in judge_all(everything).items()}
    for batch in (1, 2, 100):
        found = {row.id: [p.code for p in v.problems] for row, v in judged_rows(everything, batch=batch) if v}
        assert found == expected, batch
    rows = [row for row, _ in judged_rows(everything, batch=1)]
    assert [r.student_id for r in rows] == sorted(r.student_id for r in rows)  # by student
    assert {tuple(c) for c in expected.values()} == {(Reason.CONSENT,), (), (Reason.MINUTES,)}


def test_the_dashboard_names_the_earliest_sessions_of_each_reason(
    facts: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sesis.site import dashboard

    monkeypatch.setattr(dashboard, "UNCLAIMABLE_SHOWN", 2)
    Consent.objects.filter(student=facts.d.speech_student).delete()
    made = {day: speech(facts, date=dt.date(2026, 11, day)) for day in (17, 13, 16, 12)}
    board = dashboard.supervisor_dashboard(facts.d.supervisor, facts.today)
    [no_consent] = board.unclaimable
    assert no_consent.count == 4
    assert [r.pk for r in no_consent.sessions] == [made[12].pk, made[13].pk]
    assert [r.student.osis for r in no_consent.sessions] == [facts.d.speech_student.osis] * 2
