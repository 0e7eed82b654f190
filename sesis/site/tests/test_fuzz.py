"""Bad input, generated: every import kind fed malformed CSV, wrong encodings, control
characters, NUL bytes, formula-like cells and huge fields; every form posted arbitrary
text. The answer is always a clear refusal (or an import that applies what is valid),
never a server error, and a refused import changes nothing. (The API is fuzzed against
its own OpenAPI schema in sesis/api/tests/test_schema.py.)"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sesis.caseloads.actions import caseload_add
from sesis.imports.framework import ImportRefused, ImportResult, importers
from sesis.ivr.models import FirstAttend
from sesis.students.models import Student
from tests.factories import District

KINDS = sorted(importers())
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Cells a hostile or broken file may hold.
nasty = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            '=HYPERLINK("http://x","y")',
            "+1",
            "-1",
            "@SUM(A1)",
            "\t=1",
            "\x00",
            "a\x00b",
            "\r",
            "1\n2",
            '"',
            "'",
            "ÿ",
            "🙂",
            " ",
            "2026-02-30",
            "9" * 30,
            "-5",
            "02M001",
            "SPEECH",
        ]
    ),
    st.text(min_size=1, max_size=3).map(lambda s: s * 400),  # far past every column's limit
)


def run(kind: str, data: bytes) -> ImportResult | ImportRefused:
    try:
        with transaction.atomic():
            return importers()[kind]().run(actor=None, file=io.BytesIO(data), name="fuzz.csv")
    except ImportRefused as refused:
        return refused


def assert_clear(refused: ImportRefused) -> None:
    assert refused.errors, "a refusal names at least one problem"
    for error in refused.errors:
        assert error.message.strip()
        assert len(str(error)) < 1000, "a message quotes at most a short value"


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(rows=st.lists(st.lists(nasty, min_size=1, max_size=9), max_size=6))
def test_any_cells_under_a_right_header_are_applied_or_refused_clearly(
    district: District, kind: str, rows: list[list[str]]
) -> None:
    importer = importers()[kind]
    header = list(importer.columns)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow((row * len(header))[: len(header)])
    students_before = Student.objects.count()
    first_attends_before = FirstAttend.objects.count()
    result = run(kind, out.getvalue().encode("utf-8", "surrogatepass"))
    if isinstance(result, ImportRefused):
        assert_clear(result)
        assert Student.objects.count() == students_before and FirstAttend.objects.count() == first_attends_before
    else:
        assert result.rows == len([r for r in rows if any(c.strip() for c in (r * len(header))[: len(header)])])


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes_at_all_are_refused_clearly_or_read(district: District, kind: str, data: bytes) -> None:
    result = run(kind, data)
    if isinstance(result, ImportRefused):
        assert_clear(result)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("osis,first_name\n".encode("utf-16"), "the file is not UTF-8 text"),
        (b"\xff\xfe\x00\x00", "the file is not UTF-8 text"),
        ("osis,first_name,last_name\n111,Zoë,\n".encode("latin-1"), "the file is not UTF-8 text"),
        (b"", "the file is empty"),
        (b"osis\x00,first_name\n", "is missing from the header row"),
        (b'osis,"first_name\n', "is missing from the header row"),
    ],
)
def test_wrong_encodings_and_broken_headers_are_named(district: District, data: bytes, message: str) -> None:
    result = run("students", data)
    assert isinstance(result, ImportRefused)
    assert message in " ".join(str(e) for e in result.errors)


def test_a_huge_field_is_refused_not_read_into_a_message(district: District) -> None:
    header = ",".join(importers()["students"].columns)
    row = "1" * 9 + "," + "A" * 5_000_000 + ",Hugefield,2015-01-01,02M001,3,English"
    result = run("students", f"{header}\n{row}\n".encode())
    assert isinstance(result, ImportRefused)
    assert_clear(result)
    assert not Student.objects.filter(last_name="Hugefield").exists()


def test_a_nul_byte_in_a_cell_is_refused_on_every_database(district: District) -> None:
    header = ",".join(importers()["students"].columns)
    result = run("students", f"{header}\n123456789,An\x00a,Smith,2015-01-01,02M001,3,English\n".encode())
    assert isinstance(result, ImportRefused)
    assert "contains a NUL character" in str(result.errors[0])


def test_formula_like_names_are_stored_as_plain_text(district: District) -> None:
    """Exports neutralise them (sesis/reports/tests/test_exports.py)."""
    header = ",".join(importers()["students"].columns)
    result = run(
        "students", f'{header}\n123456780,"=HYPERLINK(""http://x"")",Smith,2015-01-01,02M001,3,English\n'.encode()
    )
    assert isinstance(result, ImportResult)
    assert Student.objects.get(osis="123456780").first_name == '=HYPERLINK("http://x")'


# -- forms -----------------------------------------------------------------------

FORMS = [
    (
        "doe_speech",
        "/services/111111111/record/new/?date=2026-11-16",
        [
            "mandate",
            "start_time",
            "end_time",
            "language",
            "session_type",
            "cancel_reason",
            "location",
            "grouping",
            "group_count",
            "notes",
            "certify",
            "makeup_of",
            "version",
        ],
    ),
    ("doe_speech", "/services/group/", ["date", "start_time", "end_time", "osis", "location", "language", "certify"]),
    ("doe_speech", "/schedule/add/", ["service", "weekdays", "start_time", "end_time", "location", "students"]),
    ("doe_speech", "/day/?date=2026-11-16", ["certify", "s1-chosen", "s1-session_type", "s1-notes"]),
    ("doe_speech", "/caseload/add/", ["osis", "last_name", "school"]),
    ("doe_speech", "/profile/", ["pin"]),
    ("doe_speech", "/profile/password/", ["current_password", "password", "password_again"]),
    ("doe_speech", "/profile/api-tokens/", ["name", "days", "scopes"]),
    ("supervisor", "/administration/staff/300/caseload/add/", ["osis"]),
    ("admin", "/administration/calendar/", ["date", "kind", "school", "district", "description"]),
    ("admin", "/administration/staff/300/password/", ["password", "password_again"]),
    (None, "/accounts/login/", ["username", "password"]),
]


@pytest.mark.parametrize(("who", "url", "fields"), FORMS, ids=[url for _, url, _ in FORMS])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(nasty, min_size=13, max_size=13))
def test_any_text_in_any_form_field_is_refused_or_saved_never_a_server_error(
    district: District, today: Any, who: str | None, url: str, fields: list[str], values: list[str]
) -> None:
    caseload_add(actor=district.doe_speech, provider=district.doe_speech, students=[district.speech_student])
    client = Client()
    if who:
        client.force_login(getattr(district, who))
    data = dict(zip(fields, values, strict=False))
    for method in ("get", "post"):
        response = getattr(client, method)(url, data)
        assert response.status_code < 500, (url, method, data)


def test_a_malformed_osis_marked_for_adding_is_named_and_nothing_is_added(client: Client, district: District) -> None:
    client.force_login(district.supervisor)
    response = client.post(
        "/administration/staff/300/caseload/add/", {"osis": ["11111\x001111", "x" * 5000, "111111111"]}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not an OSIS ID (9 digits)." in page and "x" * 21 not in page
    assert "Added to the caseload: Ana O&#x27;Connor (111111111)." in page
