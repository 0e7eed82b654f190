"""Closed sets in imports are a contract: each column with a fixed list of values
accepts a value's code or its label, in any case, keeps the one form SESIS reads, and
names anything else as a problem (nothing applied). docs/imports.md lists them all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sesis.imports.tests.test_imports import MANDATES, SCHOOLS, STAFF, STUDENTS, refusal, run
from sesis.lib.codes import LANGUAGES, ServiceLocation, ServiceType
from sesis.mandates.models import AssignmentKind, Mandate, Period
from sesis.people.models import ProviderType, Role, ScopeKind, Staff
from sesis.schoolcalendar.models import DayKind
from sesis.schools.models import Borough
from sesis.services.forms import location_for
from sesis.students.models import Student

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[3] / "docs" / "imports.md"
HEADER = MANDATES.splitlines()[0]


def _load_people() -> None:
    run("schools", SCHOOLS)
    run("staff", STAFF)
    run("students", STUDENTS)


@pytest.mark.parametrize(
    "spelling", ["Separate Location in School", "separate location in school", "SEPARATE", "separate"]
)
def test_a_mandate_location_in_any_spelling_is_kept_as_the_form_pre_fills_it(spelling: str) -> None:
    _load_people()
    run("mandates", f"{HEADER}\nM1,111111111,SPEECH,2,week,30,3,spanish,{spelling},2026-09-08,2027-06-25\n")
    mandate = Mandate.objects.get()
    assert (mandate.location, mandate.language) == ("Separate location in school", "Spanish")
    assert location_for(mandate) == "separate"  # the Service Record form's choice


def test_an_unknown_location_or_language_is_a_named_problem_and_nothing_is_applied() -> None:
    _load_people()
    text = "\n".join(
        [
            HEADER,
            "M1,111111111,SPEECH,2,week,30,3,English,Separate Location,2026-09-08,2027-06-25",
            "M2,111111111,OT,2,week,30,3,Klingon,Classroom,2026-09-08,2027-06-25",
            "M3,111111111,PT,2,week,30,3,English,,2026-09-08,2027-06-25",
        ]
    )
    locations = ", ".join(ServiceLocation.labels)
    assert refusal("mandates", text) == [
        f"line 2, column location: must be one of {locations}, not 'Separate Location'",
        f"line 3, column language: must be one of {', '.join(LANGUAGES)}, not 'Klingon'",
    ]
    assert not Mandate.objects.exists()


def test_labels_and_any_case_are_read_as_codes_elsewhere_too() -> None:
    run("schools", "dbn,name,district,borough\n02M001,P.S. 1,2,manhattan\n")
    staff = (
        "staff_id,first_name,last_name,email,role,provider_type,agency,disciplines,languages\n"
        "300,Maria,Santos,,Service provider,doe,,speech-language therapy;ot,english;SPANISH;English\n"
    )
    run("staff", staff)
    maria = Staff.objects.get(staff_id="300")
    assert (maria.role, maria.provider_type, maria.languages) == ("provider", "DOE", "English;Spanish")
    assert sorted(maria.discipline_codes()) == ["OT", "SPEECH"]
    run(
        "students",
        "osis,first_name,last_name,date_of_birth,school_dbn,grade,home_language\n111111111,Ana,O,2015-05-17,02M001,4,haitian creole\n",
    )
    assert Student.objects.get().home_language == "Haitian Creole"


def test_unknown_staff_and_student_languages_are_refused() -> None:
    run("schools", SCHOOLS)
    staff = (
        "staff_id,first_name,last_name,email,role,provider_type,agency,disciplines,languages\n"
        "300,Maria,Santos,,provider,DOE,,SPEECH,English;Elvish\n"
    )
    assert refusal("staff", staff) == [f"line 2, column languages: 'Elvish' is not one of {', '.join(LANGUAGES)}"]
    students = "osis,first_name,last_name,date_of_birth,school_dbn,grade,home_language\n111111111,Ana,O,2015-05-17,02M001,4,Elvish\n"
    assert refusal("students", students) == [
        f"line 2, column home_language: must be one of {', '.join(LANGUAGES)}, not 'Elvish'"
    ]


CLOSED_SETS = {
    "service": ServiceType.values,
    "period": Period.values,
    "location": ServiceLocation.labels,
    "language": LANGUAGES,
    "role": Role.values,
    "provider_type": ProviderType.values,
    "scope": ScopeKind.values,
    "kind (assignments)": AssignmentKind.values,
    "kind (calendar)": DayKind.values,
    "borough": Borough.values,
}


@pytest.mark.parametrize("column", CLOSED_SETS)
def test_docs_list_every_accepted_value(column: str) -> None:
    docs = DOCS.read_text()
    listed = set(re.findall(r"`([^`\n]+)`", docs))
    missing = [value for value in CLOSED_SETS[column] if value not in listed]
    assert missing == [], f"docs/imports.md does not list {missing} for {column}"
