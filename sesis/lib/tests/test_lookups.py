"""any_id: the same rows as Django's __in, on both databases, for ids, foreign keys,
joins, an empty list and None; on PostgreSQL as one array parameter."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sesis.lib.lookups import any_id
from sesis.people.models import Staff
from sesis.students.models import Student
from tests.factories import District


def test_any_id_selects_what_in_selects(district: District) -> None:
    students = list(Student.objects.order_by("pk"))
    some = [s.pk for s in students[::2]]
    assert list(Student.objects.filter(any_id("pk", some)).order_by("pk")) == list(
        Student.objects.filter(pk__in=some).order_by("pk")
    )
    schools = sorted({s.school_id for s in students})[:1]
    by_fk = Student.objects.filter(any_id("school", schools)).order_by("pk")
    assert list(by_fk) == list(Student.objects.filter(school__in=schools).order_by("pk"))
    assert by_fk.exists()
    districts = sorted({s.school.district for s in students})[:1]
    joined = Student.objects.filter(any_id("school__district", districts)).order_by("pk")
    assert list(joined) == list(Student.objects.filter(school__district__in=districts).order_by("pk"))
    assert list(Student.objects.filter(any_id("pk", []))) == []
    assert list(Student.objects.filter(any_id("pk", [some[0], None]))) == [students[0]]
    assert Staff.objects.filter(any_id("pk", {district.doe_speech.pk})).get() == district.doe_speech


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array form is PostgreSQL's")
def test_on_postgresql_the_ids_are_one_array_parameter(district: District) -> None:
    ids = list(Student.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        found = list(Student.objects.filter(any_id("pk", ids)))
    assert len(found) == len(ids) > 1
    [query] = captured.captured_queries
    assert "= ANY(" in query["sql"] and " IN (" not in query["sql"]
    # The array is sent as its text: a long list, and ids beyond 32 bits, read back whole.
    many = [*ids, *range(10**9, 10**9 + 5000), 3_000_000_000]
    assert sorted(s.pk for s in Student.objects.filter(any_id("pk", many))) == sorted(ids)
    assert Student.objects.filter(any_id("pk", [3_000_000_000])).count() == 0
