"""The access matrix. Every URL pattern and every API operation that takes an object id
is discovered from the URL configuration and the OpenAPI schema, then tried with the id
of an object outside everyone's scope (a school, provider and student of another
district) as every role but administrator, with every method: each answer must be 404
(or 405 for a method the page never takes) and nothing may change. The same URLs with
ids in scope must answer (so the probes reach real objects), and every page without an
id must not show the outsider. A new URL without a probe here fails the test.

Mass assignment: fields a form or the API does not offer (provider, certified_at,
recorded_by, status…) are ignored or refused, never applied."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from sesis.api.actions import api_token_create
from sesis.api.main import api
from sesis.api.models import TokenKind
from sesis.caseloads.actions import caseload_add
from sesis.caseloads.models import CaseloadEntry
from sesis.imports.models import ImportFile
from sesis.ivr.actions import first_attend_receive
from sesis.ivr.models import FirstAttend, Source
from sesis.jobs.models import Job, JobFilePart
from sesis.mandates.models import AssignmentKind, Mandate
from sesis.people.models import Staff
from sesis.schedules.models import ScheduleSlot, SlotStudent
from sesis.schoolcalendar.models import CalendarDay
from sesis.services import actions
from sesis.services.actions import draft
from sesis.services.models import ServiceRecord
from sesis.students.models import Student
from tests.factories import (
    AssignmentFactory,
    District,
    MandateFactory,
    SchoolFactory,
    StaffFactory,
    StudentFactory,
)

METHODS = ("get", "post", "put", "patch", "delete")
OUTSIDER_OSIS = "999999999"
OUTSIDER_NAME = "Zephyrine"


@dataclass
class Outside:
    """A provider, student, caseload entry, record, slot, first attend, token and
    calendar day of district 9, which no supervisor's scope includes."""

    provider: Staff
    student: Student
    entry: CaseloadEntry
    record: ServiceRecord
    slot: ScheduleSlot
    first_attend: FirstAttend
    token_id: int
    calendar_day: CalendarDay
    import_file: ImportFile
    job: Job

    def snapshot(self) -> dict[str, Any]:
        record = ServiceRecord.objects.get(pk=self.record.pk)
        return {
            "record": (record.certification_hash, record.version, record.versions.count()),
            "entry_active": CaseloadEntry.objects.filter(pk=self.entry.pk, ended_at__isnull=True).exists(),
            "slot": ScheduleSlot.objects.filter(pk=self.slot.pk).values().first(),
            "records": ServiceRecord.objects.filter(student=self.student).count(),
            "entries": CaseloadEntry.objects.filter(student=self.student).count(),
            "password": Staff.objects.get(pk=self.provider.pk).password,
            "token": self.provider.api_tokens.filter(pk=self.token_id, revoked_at__isnull=True).exists(),
            "calendar_day": CalendarDay.objects.filter(pk=self.calendar_day.pk).exists(),
            "import_file": ImportFile.objects.filter(pk=self.import_file.pk).values("status", "applied_at").get(),
            "job": Job.objects.filter(pk=self.job.pk).values("status", "size").get(),
        }


@pytest.fixture
def outside(district: District, today: dt.date) -> Outside:
    school = SchoolFactory.create(dbn="09X009", name="P.S. 9 Zeta", district=9, borough="X")
    provider = StaffFactory.create(staff_id="900", first_name="Zora", last_name="Faraway", disciplines=["SPEECH"])
    provider.ivr_pin = make_password("4827")
    provider.save()
    student = StudentFactory.create(osis=OUTSIDER_OSIS, first_name=OUTSIDER_NAME, last_name="Quill", school=school)
    MandateFactory.create(student=student, service="SPEECH")
    AssignmentFactory.create(staff=provider, kind=AssignmentKind.SCHOOL, school=school)
    (added,) = caseload_add(actor=provider, provider=provider, students=[student])
    assert added.entry is not None
    mandate = Mandate.objects.get(student=student)
    record = actions.service_record_create(
        actor=provider,
        provider=provider,
        certify=True,
        data=draft(
            student=student,
            mandate=mandate,
            date=dt.date(2026, 11, 16),
            start_time=dt.time(9),
            end_time=dt.time(9, 30),
            language="English",
            location="separate",
            grouping="individual",
            group_count=None,
            notes="Outside everyone's scope.",
        ),
    )
    slot = ScheduleSlot.objects.create(
        provider=provider,
        service="SPEECH",
        weekdays="135",
        start_time=dt.time(9),
        end_time=dt.time(9, 30),
        location="separate",
    )
    SlotStudent.objects.create(slot=slot, student=student)
    first_attend_receive(
        staff_id="900",
        osis=OUTSIDER_OSIS,
        service="SPEECH",
        first_attend_date=today,
        call_id="OUTSIDE1",
        source=Source.CALL,
    )
    token = api_token_create(actor=provider, name="outside", kind=TokenKind.PERSONAL, days=30)
    day = CalendarDay.objects.create(date=dt.date(2026, 12, 1), kind="closure", school=school, description="Zeta")
    # A file of the outsider's student, checked and ready to apply (administrators only).
    text = (
        b"osis,first_name,last_name,date_of_birth,school_dbn,grade,home_language\n999999999,Z,Q,2015-01-01,09X009,4,\n"
    )
    import_file = ImportFile.objects.create(
        kind="students", name="z.csv", content=text, size=len(text), status="checked"
    )
    # An export the outsider asked for, ready: theirs alone (administrators included get a 404).
    job = Job.objects.create(
        kind="report-export", title="Zeta export", requested_by=provider, status="done", file_name="z.csv", size=3
    )
    JobFilePart.objects.create(job=job, part=0, data=b"a,b")
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() + dt.timedelta(hours=1))
    return Outside(
        provider,
        student,
        added.entry,
        record,
        slot,
        FirstAttend.objects.get(call_id="OUTSIDE1"),
        token.token.pk,
        day,
        import_file,
        job,
    )


# -- the web -----------------------------------------------------------------------


# Each URL parameter filled with the outsider's object; URLs with several parameters are
# also tried with an in-scope provider and the outsider's student or entry.
def outside_values(o: Outside) -> dict[str, str]:
    return {
        "staff_id": "900",
        "osis": OUTSIDER_OSIS,
        "pk": str(o.record.pk),
        "entry_id": str(o.entry.pk),
        "dbn": "09X009",
    }


# Whose pk the <pk> of each URL name is.
PK_OF = {
    "slot_edit": "slot",
    "slot_remove": "slot",
    "calendar_day_remove": "calendar_day",
    "calendar_range_edit": "calendar_day",
    "revoke_token": "token",
    "import_detail": "import_file",
    "import_apply": "import_file",
    "import_progress": "import_file",
    "import_download": "import_file",
    "job_detail": "job",
    "job_progress": "job",
    "job_download": "job",
}
# Parameters that name a report or a file format, not an object.
NOT_OBJECT_IDS: dict[str, list[dict[str, str]]] = {
    "report_download": [
        {"report": report, "file_format": "csv"}
        for report in ("encounter-attendance", "compliance", "provider-totals", "awaiting-provider", "never-served")
    ],
    "first_attends_export": [{"file_format": "csv"}],
}
# Every role but administrator, whose scope is the whole district.
ROLES = ("supervisor", "supervisor_out", "doe_speech", "agency_ot", "independent_speech", "para")


def web_patterns() -> list[tuple[str, str, list[str]]]:
    """(name, route template, parameter names) of every URL pattern outside the API."""
    found: list[tuple[str, str, list[str]]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith("api/v1/"):
                    continue  # the API: from its schema, below
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                found.append((p.name or route, route, list(p.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, "")
    return found


def fill(route: str, values: dict[str, str]) -> str:
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], route)  # re_path groups
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], path)
    return "/" + path.lstrip("^").rstrip("$")


def outsider_urls(o: Outside) -> list[tuple[str, str]]:
    """Every parameterised page with the outsider's ids, and the mixed cases."""
    urls = []
    for name, route, params in web_patterns():
        if not params or name in NOT_OBJECT_IDS:
            continue  # no object id: checked with the pages without one
        values = outside_values(o)
        if name in PK_OF:
            values["pk"] = str(
                {
                    "slot": o.slot.pk,
                    "calendar_day": o.calendar_day.pk,
                    "token": o.token_id,
                    "import_file": o.import_file.pk,
                    "job": o.job.pk,
                }[PK_OF[name]]
            )
        urls.append((name, fill(route, values)))
        if "staff_id" in params and len(set(params) - {"staff_id"}) > 0:
            urls.append((f"{name} (in-scope provider)", fill(route, values | {"staff_id": "300"})))
    return urls


def test_every_parameterised_page_is_probed(outside: Outside) -> None:
    params = {p for _, _, ps in web_patterns() for p in ps}
    known = set(outside_values(outside)) | {"report", "file_format"}
    assert params <= known, f"URL parameters with no probe value: {params - known}"
    names = {name for name, _, ps in web_patterns() if ps}
    assert len(names) >= 25  # the discovery found the site, not an empty list


@pytest.mark.parametrize("role", ROLES)
def test_no_role_reaches_an_object_outside_its_scope_by_any_method(
    client: Client, district: District, outside: Outside, role: str
) -> None:
    before = outside.snapshot()
    client.force_login(getattr(district, role))
    answers: dict[str, list[int]] = {}
    for name, url in outsider_urls(outside):
        codes = [getattr(client, method)(url).status_code for method in METHODS]
        answers[f"{name} {url}"] = codes
    leaks = {url: codes for url, codes in answers.items() if any(c not in (404, 405) for c in codes)}
    assert leaks == {}
    assert all(404 in codes for codes in answers.values())  # each URL refused at least once by scope
    assert outside.snapshot() == before


def test_the_owner_or_the_administrator_reaches_every_probe_so_the_probes_are_real(
    district: District, outside: Outside
) -> None:
    owner, administrator = Client(), Client()
    owner.force_login(outside.provider)
    administrator.force_login(district.admin)
    missing = {}
    for name, url in outsider_urls(outside):
        if "(in-scope provider)" in name:
            continue  # the outsider is not on the in-scope provider's caseload: 404 for everyone
        if owner.get(url).status_code == 404 and administrator.get(url).status_code == 404:
            missing[name] = url
    assert missing == {}


@pytest.mark.parametrize("role", ROLES)
def test_no_page_without_an_id_shows_the_outsider(
    client: Client, district: District, outside: Outside, role: str
) -> None:
    client.force_login(getattr(district, role))
    queries = {
        "name": OUTSIDER_NAME.lower(),
        "last_name": "quill",
        "osis": OUTSIDER_OSIS,
        "staff_id": "900",
        "school": "09X009",
        "search": "1",
        "start": "2026-11-01",
        "end": "2026-11-30",
    }
    # The query's own values come back in form fields and export links; what must never
    # appear is what only the outsider's rows hold: names as written, the school's name,
    # the provider, the record's notes (and with no query at all, the OSIS ID).
    secrets = [b"Zephyrine", b"Quill", b"Faraway", b"P.S. 9 Zeta", b"Outside everyone"]
    shown = []
    for name, route, params in web_patterns():
        if (params and name not in NOT_OBJECT_IDS) or name in ("logout", "ivr_voice", "login"):
            continue
        for values in NOT_OBJECT_IDS.get(name, [{}]):
            for query in ({}, queries):
                response = client.get(fill(route, values), query)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                found = [s for s in secrets + ([] if query else [OUTSIDER_OSIS.encode()]) if s in body]
                if found:
                    shown.append((name, values, bool(query), found))
    assert shown == []


# -- the API -----------------------------------------------------------------------


# A valid body for each writing operation that takes an id, so the refusal is the
# scope's, not the body's.
def api_bodies(o: Outside) -> dict[tuple[str, str], dict[str, Any]]:
    record = {
        "start_time": "10:00",
        "end_time": "10:30",
        "language": "English",
        "session_type": "provided",
        "location": "separate",
        "grouping": "individual",
        "notes": "probe",
    }
    return {
        ("post", "/caseloads/{staff_id}/entries"): {"students": [OUTSIDER_OSIS]},
        ("post", "/caseloads/{staff_id}/entries/{entry_id}/remove"): {"reason": "probe"},
        ("put", "/service-records/{pk}"): {**record, "service": "SPEECH", "version": 1},
        ("post", "/service-records/{pk}/certify"): {"certify": True},
        ("post", "/service-records/{pk}/amendments"): {
            "reason": "probe",
            "changes": {"end_time": "09:45"},
            "certify": True,
        },
    }


def api_operations() -> list[tuple[str, str, list[str]]]:
    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        for method in methods:
            ops.append((method, path.removeprefix("/api/v1"), re.findall(r"{(\w+)}", path)))
    return ops


@pytest.mark.parametrize("role", ROLES)
def test_no_api_operation_reaches_an_object_outside_the_callers_scope(
    district: District, outside: Outside, role: str
) -> None:
    before = outside.snapshot()
    secret = api_token_create(actor=getattr(district, role), name="probe", kind=TokenKind.PERSONAL, days=30).secret
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    values = outside_values(outside)
    bodies = api_bodies(outside)
    answers = {}
    for method, path, params in api_operations():
        if not params or path.startswith("/school-calendar/"):
            continue  # a school's calendar is not a student record
        url = "/api/v1" + re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)
        body = bodies.get((method, path))
        assert body is not None or method == "get", f"no probe body for {method.upper()} {path}"
        response = getattr(client, method)(
            url,
            json.dumps(body) if body is not None else None,
            content_type="application/json",
            headers={"If-Match": '"1"'},
        )
        answers[f"{method.upper()} {path}"] = response.status_code
    assert len(answers) >= 8
    assert {op: code for op, code in answers.items() if code != 404} == {}
    assert outside.snapshot() == before


def test_api_lists_never_include_the_outsider(district: District, outside: Outside) -> None:
    for role in ROLES:
        secret = api_token_create(actor=getattr(district, role), name="probe", kind=TokenKind.PERSONAL, days=30).secret
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        for method, path, params in api_operations():
            if method != "get" or params:
                continue
            for query in (
                {},
                {
                    "osis": OUTSIDER_OSIS,
                    "student": OUTSIDER_OSIS,
                    "school": "09X009",
                    "provider": "900",
                    "date_from": "2026-11-01",
                    "date_to": "2026-11-30",
                },
            ):
                response = client.get("/api/v1" + path, query)
                assert response.status_code in (200, 400, 422), (role, path, response.status_code)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                # A refusal may repeat the query's OSIS ID back; nothing else of the outsider.
                for secret in [b"Zephyrine", b"Quill", b"Faraway", b"Outside everyone"] + (
                    [] if query else [OUTSIDER_OSIS.encode()]
                ):
                    assert secret not in body, (role, path, secret)


# -- mass assignment -----------------------------------------------------------------


def test_fields_the_form_does_not_offer_are_ignored(client: Client, district: District, today: dt.date) -> None:
    caseload_add(actor=district.doe_speech, provider=district.doe_speech, students=[district.speech_student])
    client.force_login(district.doe_speech)
    mandate = Mandate.objects.get(student=district.speech_student)
    response = client.post(
        "/services/111111111/record/new/?date=2026-11-16",
        {
            "mandate": mandate.pk,
            "start_time": "10:00",
            "end_time": "10:30",
            "language": "English",
            "session_type": "provided",
            "location": "separate",
            "grouping": "individual",
            "notes": "n",
            # not on the form:
            "provider": district.independent_speech.pk,
            "recorded_by": district.admin.pk,
            "certified_at": "2026-01-01T00:00",
            "certified_by": district.admin.pk,
            "certification_hash": "0" * 64,
            "version": "99",
            "student": district.far_student.pk,
            "date": "2026-10-01",
        },
    )
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert (record.provider, record.recorded_by, record.student) == (
        district.doe_speech,
        district.doe_speech,
        district.speech_student,
    )
    assert record.certified_at is None and record.certification_hash == "" and record.date == dt.date(2026, 11, 16)
    assert record.version == 1


def test_the_api_ignores_fields_it_does_not_offer_and_checks_those_it_does(district: District, today: dt.date) -> None:
    caseload_add(actor=district.doe_speech, provider=district.doe_speech, students=[district.speech_student])
    secret = api_token_create(actor=district.doe_speech, name="probe", kind=TokenKind.PERSONAL, days=30).secret
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def post(hour: int, **extra: Any) -> Any:
        body = {
            "student": "111111111",
            "service": "SPEECH",
            "date": "2026-11-16",
            "start_time": f"{hour:02}:00",
            "end_time": f"{hour:02}:30",
            "language": "English",
            "session_type": "provided",
            "location": "separate",
            "grouping": "individual",
            "notes": "n",
            **extra,
        }
        return client.post("/api/v1/service-records", json.dumps(body), content_type="application/json")

    # Offered, and checked: recording for another provider needs permission.
    refused = post(8, provider="500")
    assert refused.status_code == 404
    assert refused.json()["message"] == "No provider with this staff ID is in your scope."
    assert not ServiceRecord.objects.exists()
    # Not offered: ignored, never applied.
    extras = [
        {"certified_at": "2026-01-01T00:00:00Z"},
        {"certified_by": "100"},
        {"status": "certified"},
        {"recorded_by": "100"},
        {"certification_hash": "0" * 64},
        {"version": 7},
        {"id": 424242},
    ]
    for hour, extra in enumerate(extras, start=9):
        assert post(hour, **extra).status_code == 201, extra
    for record in ServiceRecord.objects.all():
        assert record.certified_at is None and record.certified_by is None and record.certification_hash == ""
        assert record.recorded_by == district.doe_speech and record.provider == district.doe_speech
        assert record.version == 1 and record.pk != 424242
