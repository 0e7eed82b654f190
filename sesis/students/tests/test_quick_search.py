from __future__ import annotations

import pytest

from sesis.students.forms import StudentQuickSearchForm
from sesis.students.models import Student
from tests.factories import District, StudentFactory


def search(**data: str) -> list[str]:
    form = StudentQuickSearchForm(data)
    assert form.is_valid(), form.errors
    return [s.osis for s in form.filter(Student.objects.all())]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"osis": "111111111"}, ["111111111"]),
        ({"last_name": "o'c"}, ["111111111"]),
        ({"last_name": "OCONNOR"}, ["111111111"]),
        ({"last_name": "munoz"}, ["555555555"]),
        ({"first_name": "fin"}, ["666666666"]),
        ({"school": "02m002"}, ["555555555"]),
        ({"last_name": "s", "school": "02M001"}, ["444444444"]),
        ({"date_of_birth": "2015-05-17", "last_name": "g"}, ["222222222"]),
    ],
)
def test_student_quick_search_finds_by_each_field(
    district: District, data: dict[str, str], expected: list[str]
) -> None:
    assert search(**data) == expected


def test_results_are_ordered_by_name(district: District) -> None:
    StudentFactory.create(osis="777777777", first_name="Zed", last_name="Garcia", school=district.school_a)
    StudentFactory.create(osis="888888888", first_name="Abe", last_name="Garcia", school=district.school_a)
    assert search(last_name="garcia") == ["888888888", "222222222", "777777777"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter at least one of OSIS ID, last name, first name, date of birth or school."),
        ({"osis": "12345"}, "An OSIS ID is 9 digits."),
        ({"osis": "12345678x"}, "An OSIS ID is 9 digits."),
        ({"last_name": "'-"}, "Enter at least one letter."),
        ({"date_of_birth": "17/05/2015"}, "Enter a valid date."),
    ],
)
def test_bad_searches_are_refused_with_a_message(data: dict[str, str], message: str) -> None:
    form = StudentQuickSearchForm(data)
    assert not form.is_valid()
    assert message in [m for messages in form.errors.values() for m in messages]


def test_the_search_pages(client, district: District, settings) -> None:
    settings.SESIS_PAGE_SIZE = 2
    client.force_login(district.admin)
    page1 = client.get("/administration/staff/300/caseload/add/", {"school": "02M001"})
    assert page1.context["page"].paginator.num_pages == 2
    assert b"Next page" in page1.content
    page2 = client.get("/administration/staff/300/caseload/add/", {"school": "02M001", "page": "2"})
    # Garcia, Nguyen | O'Connor, Smith
    assert [s.osis for s, _ in page2.context["rows"]] == ["111111111", "444444444"]
