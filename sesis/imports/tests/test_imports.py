"""The import framework and each KIND, through `manage.py import` and the importers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sesis.audit.models import AuditEvent
from sesis.imports.framework import ImportRefused, importers
from sesis.mandates.models import Assignment, Mandate
from sesis.people.models import AccessScope, Staff
from sesis.schoolcalendar.models import CalendarDay
from sesis.schools.models import School
from sesis.students.models import Enrolment, Student

pytestmark = pytest.mark.django_db

SCHOOLS = "dbn,name,district,borough\n02M001,P.S. 1,2,M\n15K003,P.S. 3,15,K\n"
STAFF = (
    "staff_id,first_name,last_name,email,role,provider_type,agency,disciplines,languages\n"
    "300,Maria,Santos,maria@example.org,provider,DOE,,SPEECH;OT,English;Spanish\n"
    "400,Lucia,Ferrari,,provider,Agency,Acme Therapy,OT,English\n"
    "500,Rachel,Levin,,provider,Independent,,SPEECH,\n"
    "200,Sue,Visor,,supervisor,,,,English\n"
)
STUDENTS = (
    "osis,first_name,last_name,date_of_birth,school_dbn,grade,home_language\n"
    "111111111,Ana,O'Connor,2015-05-17,02M001,4,Spanish\n"
    "222222222,Ben,Garcia,2014-01-02,15K003,5,English\n"
)
MANDATES = (
    "mandate_id,osis,service,sessions,period,minutes,group_size,language,location,start_date,end_date\n"
    "M1,111111111,SPEECH,2,week,30,3,Spanish,Separate location in school,2026-09-08,2027-06-25\n"
)
ASSIGNMENTS = (
    "staff_id,kind,school_dbn,osis,service,start_date,end_date\n"
    "300,school,02M001,,,2026-09-08,\n"
    "400,agency,15K003,,,2026-09-08,2027-06-25\n"
    "500,rsa,,111111111,SPEECH,2026-09-08,\n"
)
ACCESS = "staff_id,scope,value\n200,district,2\n200,school,15K003\n200,agency,Acme Therapy\n"
CALENDAR = (
    "date,kind,school_dbn,description\n"
    "2026-11-26,holiday,,Thanksgiving\n"
    "2026-10-20,closure,15K003,Boiler repair\n"
    "2026-12-05,school_day,,Saturday make-up day\n"
)


def run(kind: str, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return importers()[kind]().run(actor=None, file=io.BytesIO(data), name=f"{kind}.csv")


def load_all() -> None:
    for kind, text in [
        ("schools", SCHOOLS),
        ("staff", STAFF),
        ("students", STUDENTS),
        ("mandates", MANDATES),
        ("assignments", ASSIGNMENTS),
        ("access", ACCESS),
        ("calendar", CALENDAR),
    ]:
        run(kind, text)


def refusal(kind: str, text: str) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        run(kind, text)
    return [str(error) for error in caught.value.errors]


def test_every_kind_of_design_md_is_importable() -> None:
    assert set(importers()) == {
        "schools",
        "staff",
        "students",
        "mandates",
        "assignments",
        "access",
        "calendar",
        "first_attends",
        "consents",
        "medicaid_eligibility",
        "orders",
        "credentials",
    }


def test_a_whole_district_loads() -> None:
    load_all()
    assert School.objects.count() == 2
    maria = Staff.objects.get(staff_id="300")
    assert maria.discipline_codes() == {"SPEECH", "OT"}
    assert not maria.has_usable_password()
    assert Staff.objects.get(staff_id="400").agency.name == "Acme Therapy"
    ana = Student.objects.get(osis="111111111")
    assert (ana.last_name_key, ana.school.dbn) == ("OCONNOR", "02M001")
    assert Mandate.objects.get().frequency == "2 x 30 min per week, group of up to 3"
    assert Assignment.objects.count() == 3
    assert AccessScope.objects.filter(staff__staff_id="200").count() == 3
    assert CalendarDay.objects.get(school__dbn="15K003").kind == "closure"


def test_reimporting_every_file_changes_nothing() -> None:
    load_all()
    events = AuditEvent.objects.count()
    for kind, text in [
        ("schools", SCHOOLS),
        ("staff", STAFF),
        ("students", STUDENTS),
        ("mandates", MANDATES),
        ("assignments", ASSIGNMENTS),
        ("access", ACCESS),
        ("calendar", CALENDAR),
    ]:
        result = run(kind, text)
        assert (result.created, result.updated) == (0, 0), kind
        assert result.unchanged == result.rows, kind
    assert Enrolment.objects.count() == 2
    assert AuditEvent.objects.count() == events + 7  # each import is logged, even one that changed nothing


def test_a_changed_row_is_updated_in_place() -> None:
    load_all()
    result = run("schools", SCHOOLS.replace("P.S. 1,", "P.S. 1 Renamed,"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert School.objects.get(dbn="02M001").name == "P.S. 1 Renamed"


def test_changing_only_disciplines_counts_as_an_update_and_replaces_them() -> None:
    load_all()
    result = run("staff", STAFF.replace("SPEECH;OT", "OT"))
    assert result.updated == 1
    assert Staff.objects.get(staff_id="300").discipline_codes() == {"OT"}


def test_a_student_who_moves_school_keeps_the_enrolment_history() -> None:
    load_all()
    run("students", STUDENTS.replace("2015-05-17,02M001", "2015-05-17,15K003"))
    enrolments = Enrolment.objects.filter(student__osis="111111111").order_by("start_date", "id")
    assert [(e.school.dbn, e.end_date is None) for e in enrolments] == [("02M001", False), ("15K003", True)]
    assert Student.objects.get(osis="111111111").school.dbn == "15K003"


def test_a_file_with_bad_rows_lists_every_one_and_applies_none() -> None:
    text = (
        "dbn,name,district,borough\n"
        "02M001,Good School,2,M\n"
        "2M1,Bad DBN,2,M\n"
        "02M002,,2,M\n"
        "02M003,Wrong district,3,M\n"
        "02M004,Wrong borough,2,Z\n"
        "02M001,Repeated,2,M\n"
    )
    assert refusal("schools", text) == [
        "line 3, column dbn: must look like 02M123 (district, borough letter, number), not '2M1'",
        "line 4, column name: is required",
        "line 5, column district: is 3, but the DBN 02M003 says district 2",
        "line 6, column borough: must be one of M, X, K, Q, R, not 'Z'",
        "line 7: repeats line 2",
    ]
    assert not School.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_missing_column_is_named() -> None:
    assert refusal("schools", "dbn,name,district\n02M001,P.S. 1,2\n") == [
        "line 1, column borough: is missing from the header row"
    ]


def test_an_unknown_column_is_named() -> None:
    assert refusal("schools", "dbn,name,district,borough,colour\n02M001,P.S. 1,2,M,red\n") == [
        "line 1, column colour: is not a column of this kind"
    ]


def test_a_row_with_the_wrong_number_of_values_is_named() -> None:
    assert refusal("schools", "dbn,name,district,borough\n02M001,P.S. 1,2\n") == [
        "line 2: has 3 values; the header has 4"
    ]


def test_a_file_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(ImportRefused) as caught:
        run("schools", "dbn,name,district,borough\n02M001,Escuela Peña,2,M\n".encode("latin-1"))
    assert [e.message for e in caught.value.errors] == ["the file is not UTF-8 text"]


def test_an_empty_file_is_refused() -> None:
    assert refusal("schools", "") == ["line 1: the file is empty; it needs a header row"]


def test_a_utf8_bom_and_blank_lines_are_accepted() -> None:
    result = run("schools", ("\ufeff" + SCHOOLS + "\n,,,\n").encode())
    assert result.created == 2


def test_staff_rows_are_checked() -> None:
    run("schools", SCHOOLS)
    header = STAFF.splitlines()[0]
    text = "\n".join(
        [
            header,
            "30a,Bad,Id,,provider,DOE,,SPEECH,",
            "301,No,Type,,provider,,,SPEECH,",
            "302,Super,Typed,,supervisor,DOE,,,",
            "303,No,Agency,,provider,Agency,,OT,",
            "304,Not,Agency,,provider,DOE,Acme,OT,",
            "305,No,Discipline,,provider,DOE,,,",
            "306,Bad,Code,,provider,DOE,,SPEECH;ART,",
            "307,Bad,Role,,janitor,,,,",
            "308,Bad,Email,not-an-email,supervisor,,,,",
        ]
    )
    assert refusal("staff", text) == [
        "line 2, column staff_id: must be digits only, not '30a'",
        "line 3, column provider_type: is required for a provider (DOE, Agency or Independent)",
        "line 4, column provider_type: must be blank for a supervisor",
        "line 5, column agency: is required for an Agency provider",
        "line 6, column agency: is only for Agency providers",
        "line 7, column disciplines: a provider needs at least one discipline",
        "line 8, column disciplines: 'ART' is not one of SPEECH, OT, PT, COUNSELING, HEARING, VISION, HEALTH, OM, PARA",
        "line 9, column role: must be one of provider, supervisor, administrator, not 'janitor'",
        "line 10, column email: is not an email address: 'not-an-email'",
    ]


def test_student_rows_are_checked() -> None:
    run("schools", SCHOOLS)
    header = STUDENTS.splitlines()[0]
    text = "\n".join(
        [
            header,
            "12345678,Short,Osis,2015-01-01,02M001,4,",
            "123456789,No,School,2015-01-01,09X999,4,",
            "123456780,Bad,Date,01/02/2015,02M001,4,",
            "123456781,Future,Born,2999-01-01,02M001,4,",
            "123456782,Bad,Grade,2015-01-01,02M001,14,",
        ]
    )
    assert refusal("students", text) == [
        "line 2, column osis: must be exactly 9 digits, not '12345678'",
        "line 3, column school_dbn: no school has DBN 09X999",
        "line 4, column date_of_birth: must be a date as YYYY-MM-DD, not '01/02/2015'",
        "line 5, column date_of_birth: 2999-01-01 is not a plausible date of birth",
        "line 6, column grade: must be one of PK, 3K, K, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, SE, not '14'",
    ]


def test_mandate_rows_are_checked() -> None:
    load_all()
    header = MANDATES.splitlines()[0]
    text = "\n".join(
        [
            header,
            "M2,999999999,SPEECH,2,week,30,3,English,,2026-09-08,2027-06-25",
            "M3,111111111,ART,2,week,30,3,English,,2026-09-08,2027-06-25",
            "M4,111111111,OT,0,week,30,1,English,,2026-09-08,2027-06-25",
            "M5,111111111,OT,1,year,30,1,English,,2026-09-08,2027-06-25",
            "M6,111111111,OT,1,week,30,1,English,,2027-09-08,2027-06-25",
            "M7,111111111,OT,1,week,thirty,1,English,,2026-09-08,2027-06-25",
        ]
    )
    assert refusal("mandates", text) == [
        "line 2, column osis: no student has OSIS id 999999999",
        "line 3, column service: must be one of SPEECH, OT, PT, COUNSELING, HEARING, VISION, HEALTH, OM, PARA, not 'ART'",
        "line 4, column sessions: must be between 1 and 31, not 0",
        "line 5, column period: must be one of week, month, not 'year'",
        "line 6, column end_date: 2027-06-25 is before the start date 2027-09-08",
        "line 7, column minutes: must be a whole number, not 'thirty'",
    ]


def test_assignment_rows_are_checked() -> None:
    load_all()
    header = ASSIGNMENTS.splitlines()[0]
    text = "\n".join(
        [
            header,
            "999,school,02M001,,,2026-09-08,",
            "400,school,02M001,,,2026-09-08,",
            "300,school,,,,2026-09-08,",
            "500,rsa,,111111111,,2026-09-08,",
            "400,agency,,,,2026-09-08,",
            "300,school,02M001,,PT,2026-09-08,",
            "300,school,09X999,,,2026-09-08,",
        ]
    )
    assert refusal("assignments", text) == [
        "line 2, column staff_id: no staff member has staff id 999",
        "line 3, column kind: a school assignment is for DOE providers; 400 is not one",
        "line 4, column school_dbn: a school assignment needs a school",
        "line 5, column service: an RSA names one student and one service",
        "line 6, column school_dbn: an agency assignment needs a school, or a student and a service",
        "line 7, column service: PT is not a discipline of staff id 300",
        "line 8, column school_dbn: no school has DBN 09X999",
    ]


def test_access_rows_are_checked() -> None:
    load_all()
    text = "staff_id,scope,value\n300,school,02M001\n200,school,09X999\n200,district,7\n200,agency,Nobody Inc\n200,region,x\n"
    assert refusal("access", text) == [
        "line 2, column staff_id: staff id 300 is a provider, not a supervisor",
        "line 3, column value: no school has DBN 09X999",
        "line 4, column value: no school is in district 7",
        "line 5, column value: no agency is named 'Nobody Inc'",
        "line 6, column scope: must be one of school, district, agency, not 'region'",
    ]


def test_calendar_rows_are_checked() -> None:
    load_all()
    text = "date,kind,school_dbn,description,district\n2026-13-01,holiday,,x,\n2026-11-02,party,,x,\n2026-11-03,closure,02M001,x,2\n2026-11-04,closure,,x,9\n"
    assert refusal("calendar", text) == [
        "line 2, column date: must be a date as YYYY-MM-DD, not '2026-13-01'",
        "line 3, column kind: must be one of holiday, recess, closure, school_day, not 'party'",
        "line 4, column district: give a school or a district, not both",
        "line 5, column district: no school is in district 9",
    ]


def test_the_optional_district_column_records_a_district_closure() -> None:
    load_all()
    run("calendar", "date,kind,school_dbn,description,district\n2027-01-05,closure,,Snow,15\n")
    assert CalendarDay.objects.get(district=15).description == "Snow"


def test_the_command_loads_a_file_and_says_what_it_did(tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_text(SCHOOLS)
    out = io.StringIO()
    call_command("import", "schools", str(path), stdout=out)
    assert out.getvalue().strip() == "schools: 2 rows read, 2 created, 0 updated, 0 unchanged"
    call_command("import", "schools", str(path), stdout=out)
    assert out.getvalue().strip().endswith("schools: 2 rows read, 0 created, 0 updated, 2 unchanged")


def test_the_command_lists_bad_rows_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_text("dbn,name,district,borough\n02M001,,2,M\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import", "schools", str(path), stderr=err)
    assert "line 2, column name: is required" in err.getvalue()
    assert not School.objects.exists()


def test_the_command_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("import", "schools", str(tmp_path / "nope.csv"))


def test_imports_are_logged_with_the_importer(tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_text(SCHOOLS)
    Staff.objects.create_user("100", "long-enough-password", first_name="A", last_name="B", role="administrator")
    call_command("import", "schools", str(path), "--as", "100", stdout=io.StringIO())
    event = AuditEvent.objects.get(action="import.schools")
    assert event.actor is not None and event.actor.staff_id == "100"
    assert event.details == {
        "file": "schools.csv",
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "row_events": 2,
    }


def test_every_row_created_or_changed_is_audited_with_its_values_before_and_after() -> None:
    load_all()
    created = AuditEvent.objects.get(action="import.mandates.create")
    assert created.object_type == "mandates.Mandate" and created.student.osis == "111111111"
    assert created.details["values"]["sessions"] == 2 and created.details["values"]["start_date"] == "2026-09-08"
    assert created.details["file"] == "mandates.csv"
    changed = MANDATES.replace("SPEECH,2,week", "SPEECH,3,week")
    run("mandates", changed)
    (update,) = AuditEvent.objects.filter(action="import.mandates.update")
    assert update.details["values"] == {"sessions": [2, 3]} and update.student.osis == "111111111"
    run("mandates", changed)  # the same file again: nothing changes, nothing more is logged
    assert AuditEvent.objects.filter(action="import.mandates.update").count() == 1
    moved = STUDENTS.replace("111111111,Ana,O'Connor,2015-05-17,02M001,4", "111111111,Ana,O'Connor,2015-05-17,15K003,4")
    run("students", moved)
    student_change = AuditEvent.objects.get(action="import.students.update", object_type="students.Student")
    school = student_change.details["values"]["school"]
    assert school[0] != school[1] and student_change.student.osis == "111111111"
    enrolments = AuditEvent.objects.filter(action__startswith="import.students.", object_type="students.Enrolment")
    assert {e.details["change"] for e in enrolments.filter(student__osis="111111111")} == {"create", "update"}
    staff = STAFF.replace("SPEECH;OT,English;Spanish", "SPEECH,English;Spanish")
    run("staff", staff)
    maria = Staff.objects.get(staff_id="300")
    disciplines = AuditEvent.objects.filter(action="import.staff.update", object_id=str(maria.pk)).latest("id")
    assert disciplines.details["values"] == {"disciplines": [["OT", "SPEECH"], ["SPEECH"]]}


def test_row_events_are_written_in_bulk(django_assert_max_num_queries) -> None:
    run("schools", SCHOOLS)
    header = STUDENTS.splitlines()[0]
    rows = [f"{300000000 + n},First{n},Last{n},2015-01-01,02M001,4," for n in range(1000)]
    with django_assert_max_num_queries(40):  # not a query per row: 1,000 students, 2,000 events
        result = run("students", "\n".join([header, *rows]) + "\n")
    assert result.created == 1000
    assert AuditEvent.objects.filter(action="import.students.create", object_type="students.Student").count() == 1000
    assert AuditEvent.objects.filter(action="import.students.create", object_type="students.Enrolment").count() == 1000
    # Each enrolment's event names it and its student (they are written without objects).
    events = AuditEvent.objects.filter(object_type="students.Enrolment").values_list("object_id", "student_id")
    assert {(int(pk), student) for pk, student in events} == set(Enrolment.objects.values_list("pk", "student_id"))


def test_a_large_file_is_applied_in_chunks_with_progress() -> None:
    run("schools", SCHOOLS)
    header = STUDENTS.splitlines()[0]
    rows = [f"{300000000 + n},First{n},Last{n},2015-01-01,02M001,4," for n in range(4500)]
    seen: list[tuple[int, int]] = []
    result = importers()["students"]().run(
        actor=None,
        file=io.BytesIO(("\n".join([header, *rows]) + "\n").encode()),
        progress=lambda d, t: seen.append((d, t)),
    )
    assert result.created == 4500
    assert seen == [(2000, 4500), (4000, 4500), (4500, 4500)]
    assert Enrolment.objects.count() == 4500


def test_a_row_with_several_problems_names_every_one_and_no_consequence() -> None:
    """Fixing a file takes one pass: each bad value of a row is named, once, and a check
    across columns is not run on a value already named (no problem that is only a
    consequence of another)."""
    run("schools", SCHOOLS)
    header = STUDENTS.splitlines()[0]
    text = "\n".join([header, "12345,,Many,01/02/2015,09X999,14,Klingon"])
    assert refusal("students", text) == [  # in the order of the file's columns
        "line 2, column osis: must be exactly 9 digits, not '12345'",
        "line 2, column first_name: is required",
        "line 2, column date_of_birth: must be a date as YYYY-MM-DD, not '01/02/2015'",
        "line 2, column school_dbn: no school has DBN 09X999",
        "line 2, column grade: must be one of PK, 3K, K, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, SE, not '14'",
        "line 2, column home_language: must be one of "
        + refusal("students", f"{header}\n123456789,A,B,2015-01-01,02M001,4,Klingon")[0].split("must be one of ")[1],
    ]
    # A bad DBN is named once, not again as the district and borough it disagrees with.
    assert refusal("schools", "dbn,name,district,borough\n2M1,,100,Z\n") == [
        "line 2, column dbn: must look like 02M123 (district, borough letter, number), not '2M1'",
        "line 2, column name: is required",
        "line 2, column district: must be between 1 and 99, not 100",
        "line 2, column borough: must be one of M, X, K, Q, R, not 'Z'",
    ]
    assert not Student.objects.exists()


def test_the_command_lists_every_problem_of_a_row(tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_text("dbn,name,district,borough\n02M001,,3,Z\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 problem"):
        call_command("import", "schools", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        f"{path}: line 2, column name: is required",
        f"{path}: line 2, column district: is 3, but the DBN 02M001 says district 2",
        f"{path}: line 2, column borough: must be one of M, X, K, Q, R, not 'Z'",
    ]


def test_a_problem_quoting_a_long_value_keeps_its_start_and_its_reason() -> None:
    value = "\U00018cd6" * 900
    [problem] = refusal("staff", f"{STAFF.splitlines()[0]}\n100,A,B,,provider,doe,,{value},\n")
    assert len(problem) < 500
    assert problem.startswith("line 2, column disciplines: '\\U00018cd6")
    assert problem.endswith("is not one of SPEECH, OT, PT, COUNSELING, HEARING, VISION, HEALTH, OM, PARA")
