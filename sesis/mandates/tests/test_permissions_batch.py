"""decide_permissions (the rule in SQL, for a batch) gives exactly what
decide_permission (the rule in Python, through permission_to_serve) gives, for any
mandates, assignments and requests: the same reason in the same order of checks, and
the same mandates served. Dates are drawn within a week so the edges are hit often."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sesis.mandates.models import Assignment, AssignmentKind, Mandate
from sesis.mandates.permissions import (
    NO_ASSIGNMENT,
    NO_MANDATE,
    NOT_A_PROVIDER,
    PermissionRequest,
    decide_permissions,
    permission_to_serve,
)
from sesis.people.models import Agency, ProviderType, Role, Staff
from sesis.students.models import Student
from tests.factories import SchoolFactory, StaffFactory, StudentFactory

DAY = dt.date(2026, 11, 16)
SERVICES = ["SPEECH", "OT", "PT"]
KINDS = [AssignmentKind.SCHOOL, AssignmentKind.AGENCY, AssignmentKind.RSA]


@pytest.fixture
def world(db: None) -> tuple[list[Staff], list[Student], list[int]]:
    """Four providers of every type and discipline mix, a supervisor, three students in two schools."""
    school_a, school_b = SchoolFactory.create(), SchoolFactory.create()
    agency = Agency.objects.create(name="Acme")
    staff = [
        StaffFactory.create(disciplines=["SPEECH"]),
        StaffFactory.create(provider_type=ProviderType.AGENCY, agency=agency, disciplines=["OT", "SPEECH"]),
        StaffFactory.create(provider_type=ProviderType.INDEPENDENT, disciplines=["SPEECH", "PT"]),
        StaffFactory.create(disciplines=[]),
        StaffFactory.create(role=Role.SUPERVISOR, provider_type=""),
    ]
    students = [
        StudentFactory.create(school=school_a),
        StudentFactory.create(school=school_a),
        StudentFactory.create(school=school_b),
    ]
    return staff, students, [school_a.pk, school_b.pk]


dates = st.integers(min_value=-3, max_value=3).map(lambda n: DAY + dt.timedelta(days=n))
mandates = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from(SERVICES), dates, st.integers(0, 3)), min_size=1, max_size=5
)  # student, service, start, length in days
RIGHT_KIND = [AssignmentKind.SCHOOL, AssignmentKind.AGENCY, AssignmentKind.RSA, AssignmentKind.SCHOOL]
assignments = st.lists(
    st.tuples(
        st.integers(0, 3),  # staff
        st.one_of(st.none(), st.sampled_from(KINDS)),  # None: the kind that staff member's type needs
        st.integers(0, 2),  # the student named, or the school of that student
        st.booleans(),  # names the student (an RSA always does; a school assignment never)
        st.booleans(),  # an agency's student-named assignment also names a school, not the student's
        st.sampled_from(["", *SERVICES]),
        dates,
        st.one_of(st.none(), st.integers(0, 3)),  # open, or ending that many days after it starts
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mandates=mandates, assignments=assignments, data=st.data())
def test_the_batch_decides_as_the_rule_does(world, mandates, assignments, data) -> None:
    staff, students, schools = world
    Mandate.objects.all().delete()
    Assignment.objects.all().delete()
    for n, (student, service, start, days) in enumerate(mandates):
        Mandate.objects.create(
            mandate_id=f"P{n}",
            student=students[student],
            service=service,
            sessions=1,
            period="week",
            minutes=30,
            group_size=1,
            start_date=start,
            end_date=start + dt.timedelta(days=days),
        )
    for who, kind, student, named, with_school, service, start, days in assignments:
        kind = kind or RIGHT_KIND[who]
        named = kind == AssignmentKind.RSA or (named and kind == AssignmentKind.AGENCY)
        other_school = schools[1] if students[student].school_id == schools[0] else schools[0]
        if named and not service:
            service = "SPEECH"  # a student-named assignment is for one service
        Assignment.objects.create(
            staff=staff[who],
            kind=kind,
            student=students[student] if named else None,
            school_id=students[student].school_id if not named else other_school if with_school else None,
            service=service,
            start_date=start,
            end_date=None if days is None else start + dt.timedelta(days=days),
        )
    # Most requests ask about a mandate's student and service, on or near its dates.
    about_a_mandate = st.sampled_from(mandates).flatmap(
        lambda m: st.tuples(
            st.integers(0, 4),
            st.just(m[0]),
            st.integers(-1, m[3] + 1).map(lambda n: m[2] + dt.timedelta(days=n)),
            st.just(m[1]),
        )
    )
    anything = st.tuples(st.integers(0, 4), st.integers(0, 2), dates, st.sampled_from(SERVICES))
    requests = data.draw(st.lists(st.one_of(about_a_mandate, about_a_mandate, anything), min_size=1, max_size=8))
    batch = [PermissionRequest(staff[p].pk, students[s].pk, day, service) for p, s, day, service in requests]
    decided = decide_permissions(batch)
    for (p, s, day, service), got in zip(requests, decided, strict=True):
        expected = permission_to_serve(provider=staff[p], student=students[s], day=day, service=service)
        assert (got.refusal, sorted(got.mandates)) == (
            expected.refusal,
            sorted((m.pk, m.mandate_id) for m in expected.mandates),
        )


def test_each_reason_is_reached(world) -> None:
    """The property above is only as good as the cases it meets: here each reason, and
    an allowed request, by construction."""
    staff, students, schools = world
    doe, _agency, independent, no_discipline, supervisor = staff
    ana, ben, cal = students
    speech = Mandate.objects.create(
        mandate_id="M1", student=ana, service="SPEECH", sessions=1, period="week", minutes=30, group_size=1,
        start_date=DAY, end_date=DAY + dt.timedelta(days=30),
    )  # fmt: skip
    Mandate.objects.create(
        mandate_id="M2", student=ben, service="SPEECH", sessions=1, period="week", minutes=30, group_size=1,
        start_date=DAY, end_date=DAY + dt.timedelta(days=30),
    )  # fmt: skip
    Assignment.objects.create(staff=doe, kind=AssignmentKind.SCHOOL, school_id=schools[0], start_date=DAY)
    asked = [
        PermissionRequest(doe.pk, ana.pk, DAY, "SPEECH"),
        PermissionRequest(supervisor.pk, ana.pk, DAY, "SPEECH"),
        PermissionRequest(doe.pk, cal.pk, DAY, "SPEECH"),
        PermissionRequest(no_discipline.pk, ana.pk, DAY, "SPEECH"),
        PermissionRequest(independent.pk, ben.pk, DAY, "SPEECH"),
        PermissionRequest(doe.pk, ana.pk, DAY - dt.timedelta(days=1), "SPEECH"),
        PermissionRequest(doe.pk, ana.pk, DAY, "OT"),
    ]
    decided = decide_permissions(asked)
    assert [d.refusal for d in decided] == [
        "",
        NOT_A_PROVIDER,
        NO_MANDATE,
        "The provider's discipline does not cover the mandated service (Speech-Language Therapy)",
        NO_ASSIGNMENT,
        NO_MANDATE,
        NO_MANDATE,
    ]
    assert [(m.pk, m.mandate_id) for m in decided[0].mandates] == [(speech.pk, "M1")]


def test_a_batch_of_more_than_a_thousand_is_decided_whole(world) -> None:
    staff, students, schools = world
    Assignment.objects.create(staff=staff[0], kind=AssignmentKind.SCHOOL, school_id=schools[0], start_date=DAY)
    Mandate.objects.create(
        mandate_id="M1", student=students[0], service="SPEECH", sessions=1, period="week", minutes=30, group_size=1,
        start_date=DAY, end_date=DAY,
    )  # fmt: skip
    asked = [PermissionRequest(staff[0].pk, students[n % 3].pk, DAY, "SPEECH") for n in range(2500)]
    decided = decide_permissions(asked)
    assert [d.allowed for d in decided] == [n % 3 == 0 for n in range(2500)]


def test_an_unknown_provider_or_student_is_an_error_not_a_refusal(world) -> None:
    staff = world[0]
    with pytest.raises(ValueError, match="No provider or student"):
        decide_permissions([PermissionRequest(staff[0].pk, 10**9, DAY, "SPEECH")])


@pytest.mark.parametrize(
    ("who", "kind", "names", "school", "service", "ends", "allowed"),
    [
        (0, AssignmentKind.SCHOOL, None, 0, "", None, True),  # a blank service covers every discipline
        (0, AssignmentKind.SCHOOL, None, 0, "OT", None, False),  # another service does not
        (0, AssignmentKind.SCHOOL, None, 1, "", None, False),  # another school does not
        (0, AssignmentKind.SCHOOL, None, 0, "", 0, True),  # ending on the day still covers it
        (0, AssignmentKind.SCHOOL, None, 0, "", -1, False),  # ended the day before does not
        (0, AssignmentKind.AGENCY, None, 0, "", None, False),  # a kind the provider's type does not use
        (1, AssignmentKind.AGENCY, 2, 1, "SPEECH", None, False),  # names another student, at the student's school
        (1, AssignmentKind.AGENCY, 2, 0, "SPEECH", None, False),  # names another student, another school
        (1, AssignmentKind.AGENCY, 0, 1, "SPEECH", None, True),  # names the student (and a school not theirs)
        (2, AssignmentKind.RSA, 0, None, "SPEECH", None, True),
        (2, AssignmentKind.RSA, 1, None, "SPEECH", None, False),
    ],
)
def test_each_clause_of_an_assignment(world, who, kind, names, school, service, ends, allowed) -> None:
    """Each condition under which an assignment covers a mandate, and the case just past
    it, decided alike by the batch and by the rule (ana is at school 0, cal at school 1)."""
    staff, students, schools = world
    ana = students[0]
    Mandate.objects.create(
        mandate_id="M1", student=ana, service="SPEECH", sessions=1, period="week", minutes=30, group_size=1,
        start_date=DAY - dt.timedelta(days=5), end_date=DAY + dt.timedelta(days=5),
    )  # fmt: skip
    Assignment.objects.create(
        staff=staff[who],
        kind=kind,
        student=students[names] if names is not None else None,
        school_id=schools[school] if school is not None else None,
        service=service,
        start_date=DAY - dt.timedelta(days=5),
        end_date=None if ends is None else DAY + dt.timedelta(days=ends),
    )
    [decided] = decide_permissions([PermissionRequest(staff[who].pk, ana.pk, DAY, "SPEECH")])
    expected = permission_to_serve(provider=staff[who], student=ana, day=DAY, service="SPEECH")
    assert (decided.allowed, decided.refusal) == (expected.allowed, expected.refusal)
    assert decided.allowed is allowed
