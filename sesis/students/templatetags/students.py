"""Telling students apart wherever they are listed: two "Fernandez, Madison" are not
the same child. Every list shows each student's OSIS ID beside the name, and the
school too where two students of the list share a name.

    {% load students %}
    {% for entry in entries|mark_twins:"student" %}
      <a href="…">{{ entry.student.last_name }}, {{ entry.student.first_name }}</a> {{ entry.student|student_id }}
    {% endfor %}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def _student(item: Any, path: str) -> Any:
    for name in filter(None, path.split(".")):
        item = getattr(item, name)
    return item


def mark_students(students: Iterable[Any]) -> None:
    """Mark each student whose name another (different) student of the list shares as
    a twin (student.twin), so that student_id adds the school. For a view whose lists
    nest (a schedule's sessions, each with its students)."""
    listed = list(students)
    names = Counter({s.pk: (s.last_name.casefold(), s.first_name.casefold()) for s in listed}.values())
    for student in listed:
        student.twin = names[(student.last_name.casefold(), student.first_name.casefold())] > 1


@register.filter
def mark_twins(items: Iterable[Any], path: str = "") -> list[Any]:
    """The items as a list, each student (item.<path>) whose name another student of
    the list shares marked as a twin (see mark_students)."""
    listed = list(items)
    mark_students(_student(item, path) for item in listed)
    return listed


@register.filter
def student_id(student: Any) -> SafeString:
    """The student's OSIS ID, and the school's DBN for a marked twin, after a name."""
    if getattr(student, "twin", False):
        return format_html('<span class="sesis-student-id">{} · {}</span>', student.osis, student.school.dbn)
    return format_html('<span class="sesis-student-id">{}</span>', student.osis)
