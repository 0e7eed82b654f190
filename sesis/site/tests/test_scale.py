"""The scale generator at a tiny scale: the district it makes holds every rule the
product relies on (permission to serve, valid certification hashes, no provider in
two places), it is reproducible from its seed, and the pages work on it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from sesis.caseloads.models import CaseloadEntry
from sesis.mandates.models import Assignment, Mandate
from sesis.mandates.permissions import permission_to_serve
from sesis.people.models import Staff
from sesis.services.models import ServiceRecord
from sesis.site.scale import Plan, generate
from sesis.students.models import Student

pytestmark = pytest.mark.django_db
TINY = Plan(scale=0.0003, seed=7, today=dt.date(2026, 11, 18))


class Rollback(Exception):
    pass


def digest() -> str:
    rows = ServiceRecord.objects.order_by("id").values_list("student__last_name", "date", "start_time", "session_type")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_a_tiny_district_keeps_the_rules(today: dt.date) -> None:
    counts = generate(TINY, progress=lambda message: None)
    assert counts["schools"] == 3 and counts["students"] == Student.objects.count() == 330
    assert Mandate.objects.values("student").distinct().count() == round(330 * 0.257)
    assert counts["caseload entries"] == Mandate.objects.count()  # every mandate is served
    assert 0.8 * TINY.records <= counts["service records"] <= 1.2 * TINY.records
    records = ServiceRecord.objects.all()
    assert all(r.hash_is_valid() for r in records.filter(certified_at__isnull=False))
    assert {"provided", "student_absent", "provider_absent", "cancelled"} == set(
        records.values_list("session_type", flat=True)
    )
    assert records.filter(certified_at__isnull=True).exists()
    assert records.filter(makeup_of__isnull=False).exists()
    assert records.filter(group_session__isnull=False).exists()
    # A student-named assignment keeps its student's school (a supervisor's scope reads
    # it), as the triggers keep it for every other writer: the load bypasses them.
    named = Assignment.objects.filter(student__isnull=False).select_related("student")
    assert named.exists()
    assert all(a.student_school_id == a.student.school_id for a in named)
    mandates = Mandate.objects.select_related("student")
    assert all(m.student_school_id == m.student.school_id is not None for m in mandates)
    for entry in CaseloadEntry.objects.select_related("provider", "student")[:40]:
        assert permission_to_serve(provider=entry.provider, student=entry.student, day=today).allowed
    # No provider in two places at once (outside a group session).
    provided = list(
        records.filter(session_type="provided").values_list(
            "provider", "date", "start_time", "end_time", "group_session"
        )
    )
    by_slot: dict[tuple[int, dt.date], list[tuple[dt.time, dt.time, int | None]]] = {}
    for provider, day, start, end, group in provided:
        by_slot.setdefault((provider, day), []).append((start, end, group))
    for sessions in by_slot.values():
        sessions.sort()
        for (_, end, group), (start, _, other) in itertools.pairwise(sessions):
            assert start >= end or (group is not None and group == other)


def test_the_same_seed_gives_the_same_district() -> None:
    digests = []
    for _ in range(2):
        with pytest.raises(Rollback), transaction.atomic():
            generate(TINY, progress=lambda message: None)
            digests.append(digest())
            raise Rollback
    assert digests[0] == digests[1]
    with pytest.raises(Rollback), transaction.atomic():
        generate(Plan(scale=TINY.scale, seed=8, today=TINY.today), progress=lambda message: None)
        assert digest() != digests[0]
        raise Rollback


def test_the_command_reports_progress_and_refuses_a_filled_database() -> None:
    out = io.StringIO()
    call_command("generate_scale_data", "--scale", "0.0002", "--today", "2026-11-18", stdout=out)
    assert "service records" in out.getvalue() and "done on" in out.getvalue()
    with pytest.raises(CommandError, match="already has students"):
        call_command("generate_scale_data", "--scale", "0.0002", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--scale must be"):
        call_command("generate_scale_data", "--scale", "0", stdout=io.StringIO())


def test_the_pages_work_on_a_generated_district(client, today: dt.date) -> None:
    generate(TINY, progress=lambda message: None)
    provider = Staff.objects.filter(role="provider", caseload_entries__isnull=False).first()
    supervisor = Staff.objects.filter(role="supervisor").first()
    assert provider is not None and supervisor is not None
    client.force_login(provider)
    osis = provider.caseload_entries.first().student.osis
    for url in ("/", "/caseload/", "/services/", f"/services/{osis}/", "/reports/encounter-attendance/?run=1"):
        assert client.get(url).status_code == 200, url
    client.force_login(supervisor)
    assert client.get("/administration/staff/?search=1").status_code == 200


def test_the_generated_medicaid_facts_pass_their_checks_and_a_month_is_claimed() -> None:
    """The district's facts are as an import would take them (valid Medicaid IDs and
    NPIs), and a claim run of November finds claims and unclaimable sessions both."""
    from sesis.claims.actions import claim_run_create
    from sesis.medicaid.checks import medicaid_id_problem, npi_problem
    from sesis.medicaid.models import Consent, Credential, Eligibility, Order

    counts = generate(TINY, progress=lambda message: None)
    assert min(counts["consents"], counts["medicaid ids"], counts["orders"], counts["credentials"]) > 0
    assert Consent.objects.count() == counts["consents"]
    assert [i for i in Eligibility.objects.values_list("medicaid_id", flat=True) if medicaid_id_problem(i)] == []
    npis = list(Credential.objects.values_list("npi", flat=True)) + list(
        Order.objects.values_list("ordered_by_npi", flat=True).distinct()
    )
    assert [n for n in npis if npi_problem(n)] == []
    admin = Staff.objects.create(staff_id="ADMIN1", first_name="A", last_name="Admin", role="administrator")
    run = claim_run_create(actor=admin, month=dt.date(2026, 11, 1), today=TINY.today)
    assert run.lines > 0 and run.unclaimable > 0
