"""Test factories and personas, in one place for every app's tests.

The personas are a small district in which every caseload rule can be seen: a
supervisor in scope and one out of scope, an administrator, a DOE provider, an agency
provider, an independent provider and a paraprofessional, with students who have
mandates, students who do not, and students outside the supervisor's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory
from django.utils import timezone

from sesis.lib.codes import ServiceType
from sesis.mandates.models import Assignment, AssignmentKind, Mandate
from sesis.people.models import AccessScope, Agency, ProviderType, Role, ScopeKind, Staff, StaffDiscipline
from sesis.schools.models import School
from sesis.students.models import Student

PASSWORD = "correct-horse-battery"


class SchoolFactory(factory.django.DjangoModelFactory[School]):
    class Meta:
        model = School
        django_get_or_create = ("dbn",)

    district = 2
    borough = "M"
    dbn = factory.Sequence(lambda n: f"02M{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"P.S. {n}")


class StaffFactory(factory.django.DjangoModelFactory[Staff]):
    class Meta:
        model = Staff
        skip_postgeneration_save = True

    staff_id = factory.Sequence(lambda n: f"{700000 + n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.PROVIDER
    provider_type = ProviderType.DOE
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def disciplines(obj: Staff, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        for code in extracted or []:
            StaffDiscipline.objects.create(staff=obj, service=code)


class StudentFactory(factory.django.DjangoModelFactory[Student]):
    class Meta:
        model = Student

    osis = factory.Sequence(lambda n: f"{100000000 + n:09d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = dt.date(2015, 5, 17)
    school = factory.SubFactory(SchoolFactory)
    grade = "4"
    home_language = "English"


class MandateFactory(factory.django.DjangoModelFactory[Mandate]):
    class Meta:
        model = Mandate

    mandate_id = factory.Sequence(lambda n: f"TM{n:06d}")
    student = factory.SubFactory(StudentFactory)
    service = ServiceType.SPEECH
    sessions = 2
    period = "week"
    minutes = 30
    group_size = 3
    language = "English"
    location = "Separate location in school"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=200))


class AssignmentFactory(factory.django.DjangoModelFactory[Assignment]):
    class Meta:
        model = Assignment

    kind = AssignmentKind.SCHOOL
    service = ""
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    end_date = None


@dataclass
class District:
    school_a: School  # district 2, in the supervisor's scope
    school_b: School  # district 2, in scope
    school_c: School  # district 15, out of scope
    admin: Staff
    supervisor: Staff  # access: district 2
    supervisor_out: Staff  # access: school 15K003 only
    doe_speech: Staff  # DOE, SPEECH, school assignment to school_a
    agency_ot: Staff  # Agency (Acme Therapy), OT, agency assignment to school_a
    independent_speech: Staff  # Independent, SPEECH, RSA for student_rsa
    para: Staff  # DOE, PARA, school assignment to school_a
    speech_student: Student  # school_a, SPEECH mandate
    ot_student: Student  # school_a, OT mandate
    para_student: Student  # school_a, PARA mandate
    no_mandate_student: Student  # school_a, no mandate
    rsa_student: Student  # school_b, SPEECH mandate, named on the RSA
    far_student: Student  # school_c, SPEECH mandate, outside the supervisor's scope


def build_district() -> District:
    school_a = SchoolFactory.create(dbn="02M001", name="P.S. 1 Alpha", district=2)
    school_b = SchoolFactory.create(dbn="02M002", name="P.S. 2 Beta", district=2)
    school_c = SchoolFactory.create(dbn="15K003", name="P.S. 3 Gamma", district=15, borough="K")
    acme = Agency.objects.create(name="Acme Therapy")

    admin = StaffFactory.create(
        staff_id="100", first_name="Ada", last_name="Admin", role=Role.ADMINISTRATOR, provider_type=""
    )
    supervisor = StaffFactory.create(
        staff_id="200", first_name="Sue", last_name="Visor", role=Role.SUPERVISOR, provider_type=""
    )
    supervisor_out = StaffFactory.create(
        staff_id="201", first_name="Otto", last_name="Side", role=Role.SUPERVISOR, provider_type=""
    )
    AccessScope.objects.create(staff=supervisor, scope=ScopeKind.DISTRICT, value="2")
    AccessScope.objects.create(staff=supervisor_out, scope=ScopeKind.SCHOOL, value="15K003")

    doe_speech = StaffFactory.create(staff_id="300", first_name="Maria", last_name="Santos", disciplines=["SPEECH"])
    agency_ot = StaffFactory.create(
        staff_id="400",
        first_name="Lucia",
        last_name="Ferrari",
        provider_type=ProviderType.AGENCY,
        agency=acme,
        disciplines=["OT"],
    )
    independent_speech = StaffFactory.create(
        staff_id="500",
        first_name="Rachel",
        last_name="Levin",
        provider_type=ProviderType.INDEPENDENT,
        disciplines=["SPEECH"],
    )
    para = StaffFactory.create(staff_id="600", first_name="Carmen", last_name="Diaz", disciplines=["PARA"])

    speech_student = StudentFactory.create(osis="111111111", first_name="Ana", last_name="O'Connor", school=school_a)
    ot_student = StudentFactory.create(osis="222222222", first_name="Ben", last_name="Garcia", school=school_a)
    para_student = StudentFactory.create(osis="333333333", first_name="Chloe", last_name="Nguyen", school=school_a)
    no_mandate_student = StudentFactory.create(osis="444444444", first_name="Dan", last_name="Smith", school=school_a)
    rsa_student = StudentFactory.create(osis="555555555", first_name="Eve", last_name="Muñoz", school=school_b)
    far_student = StudentFactory.create(osis="666666666", first_name="Finn", last_name="Olsen", school=school_c)
    MandateFactory.create(student=speech_student, service="SPEECH")
    MandateFactory.create(student=ot_student, service="OT", group_size=1)
    MandateFactory.create(student=para_student, service="PARA", sessions=5, minutes=360, group_size=1)
    MandateFactory.create(student=rsa_student, service="SPEECH")
    MandateFactory.create(student=far_student, service="SPEECH")

    AssignmentFactory.create(staff=doe_speech, kind=AssignmentKind.SCHOOL, school=school_a)
    AssignmentFactory.create(staff=doe_speech, kind=AssignmentKind.SCHOOL, school=school_c)
    AssignmentFactory.create(staff=agency_ot, kind=AssignmentKind.AGENCY, school=school_a)
    AssignmentFactory.create(staff=independent_speech, kind=AssignmentKind.RSA, student=rsa_student, service="SPEECH")
    AssignmentFactory.create(staff=para, kind=AssignmentKind.SCHOOL, school=school_a)
    return District(
        school_a,
        school_b,
        school_c,
        admin,
        supervisor,
        supervisor_out,
        doe_speech,
        agency_ot,
        independent_speech,
        para,
        speech_student,
        ot_student,
        para_student,
        no_mandate_student,
        rsa_student,
        far_student,
    )
