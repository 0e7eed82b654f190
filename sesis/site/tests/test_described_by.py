"""Every hint and error a field points to with aria-describedby is on the page, so a
screen reader reads the field's help and its error with it."""

from __future__ import annotations

import re

import pytest

from sesis.caseloads.actions import caseload_add
from tests.factories import District

pytestmark = pytest.mark.django_db


def dangling(html: str) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    refs = [ref for group in re.findall(r'aria-describedby="([^"]+)"', html) for ref in group.split()]
    return [ref for ref in refs if ref not in ids]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/services/333333333/record/new/?date=2026-11-16"),
        ("post", "/services/333333333/record/new/?date=2026-11-16"),
        ("get", "/services/group/"),
        ("post", "/services/group/"),
        ("get", "/schedule/add/"),
        ("post", "/schedule/add/"),
        ("get", "/caseload/add/?osis=12"),
    ],
)
def test_no_field_points_to_a_missing_hint_or_error(client, district: District, today, method: str, url: str) -> None:
    caseload_add(actor=district.para, provider=district.para, students=[district.para_student])
    client.force_login(district.para)
    html = getattr(client, method)(url).content.decode()
    assert "aria-describedby" in html
    assert dangling(html) == []
