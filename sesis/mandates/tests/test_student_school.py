"""Assignment.student_school and Mandate.student_school, kept by the database's triggers
(migrations 0002 and 0003): set on every write of an assignment or a mandate, whoever
wrote it and whatever it sent, and following a student who changes school; and the
supervisor's scope that reads it."""

from __future__ import annotations

from sesis.access.scope import Scope
from sesis.mandates.models import Assignment, AssignmentKind, Mandate
from tests.factories import District


def kept(assignment: Assignment) -> int | None:
    return Assignment.objects.filter(pk=assignment.pk).values_list("student_school_id", flat=True).get()


def test_a_student_named_assignment_keeps_its_students_school(district: District) -> None:
    d = district
    rsa = Assignment.objects.get(staff=d.independent_speech, kind=AssignmentKind.RSA)
    assert kept(rsa) == d.school_b.pk
    school = Assignment.objects.get(staff=d.doe_speech, school=d.school_a)
    assert kept(school) is None  # no student named
    # The application saves the whole row with the value it holds (None): the
    # database puts the student's school back.
    rsa.refresh_from_db()
    rsa.student_school_id = None
    rsa.save()
    assert kept(rsa) == d.school_b.pk
    Assignment.objects.filter(pk=rsa.pk).update(student=d.speech_student)
    assert kept(rsa) == d.school_a.pk
    made = Assignment.objects.create(
        staff=d.agency_ot, kind=AssignmentKind.AGENCY, student=d.far_student, service="OT", start_date=rsa.start_date
    )
    assert kept(made) == d.school_c.pk
    Assignment.objects.filter(pk=made.pk).update(student=None, school=d.school_a)
    assert kept(made) is None


def test_a_student_who_changes_school_takes_their_assignments_along(district: District) -> None:
    d = district
    rsa = Assignment.objects.get(staff=d.independent_speech, kind=AssignmentKind.RSA)
    d.rsa_student.school = d.school_c
    d.rsa_student.save()
    assert kept(rsa) == d.school_c.pk
    type(d.rsa_student).objects.filter(pk=d.rsa_student.pk).update(school=d.school_a)
    assert kept(rsa) == d.school_a.pk


def test_the_supervisors_staff_scope_follows_the_named_students_school(district: District) -> None:
    d = district
    assert d.independent_speech in Scope.of(d.supervisor).staff()  # RSA student at school_b, district 2
    assert d.independent_speech not in Scope.of(d.supervisor_out).staff()  # 15K003 only
    d.rsa_student.school = d.school_c  # 15K003
    d.rsa_student.save()
    assert d.independent_speech not in Scope.of(d.supervisor).staff()
    assert d.independent_speech in Scope.of(d.supervisor_out).staff()


def mandate_school(mandate: Mandate) -> int | None:
    return Mandate.objects.filter(pk=mandate.pk).values_list("student_school_id", flat=True).get()


def test_a_mandate_keeps_its_students_school(district: District) -> None:
    d = district
    mandate = Mandate.objects.get(student=d.rsa_student)
    assert mandate_school(mandate) == d.school_b.pk
    # A save writes the value the object holds (None here): the database puts it back.
    mandate.student_school_id = None
    mandate.save()
    assert mandate_school(mandate) == d.school_b.pk
    # An update of other columns leaves it; one that names it is corrected.
    Mandate.objects.filter(pk=mandate.pk).update(sessions=3)
    assert mandate_school(mandate) == d.school_b.pk
    Mandate.objects.filter(pk=mandate.pk).update(student_school=d.school_c)
    assert mandate_school(mandate) == d.school_b.pk
    Mandate.objects.filter(pk=mandate.pk).update(student=d.speech_student)
    assert mandate_school(mandate) == d.school_a.pk
    made = Mandate.objects.create(
        mandate_id="M-NEW-1",
        student=d.far_student,
        service="OT",
        sessions=1,
        period="week",
        minutes=30,
        group_size=1,
        language="English",
        start_date=mandate.start_date,
        end_date=mandate.end_date,
    )
    assert mandate_school(made) == d.school_c.pk


def test_a_student_who_changes_school_takes_their_mandates_along(district: District) -> None:
    d = district
    mandate = Mandate.objects.get(student=d.rsa_student)
    other = Mandate.objects.get(student=d.far_student)
    d.rsa_student.school = d.school_c
    d.rsa_student.save()
    assert mandate_school(mandate) == d.school_c.pk
    type(d.rsa_student).objects.filter(pk=d.rsa_student.pk).update(school=d.school_a)
    assert mandate_school(mandate) == d.school_a.pk
    assert mandate_school(other) == d.school_c.pk  # another student's mandate is not touched
