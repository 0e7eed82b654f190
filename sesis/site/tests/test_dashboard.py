"""The supervisor's dashboard: each figure equals the count of the list its link
opens (followed as the user would), per role and scope; the lists filter, refuse
what they must, export, and log in the disclosure log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.utils import timezone

from sesis.audit.models import Disclosure
from sesis.caseloads.models import CaseloadEntry
from sesis.ivr.models import FirstAttend, Source, Status
from sesis.reports import lists
from sesis.schoolcalendar.models import CalendarDay
from sesis.services.actions import service_record_create
from sesis.services.tests.conftest import Sessions
from sesis.site.dashboard import supervisor_dashboard

pytestmark = pytest.mark.django_db


def _setup(s: Sessions) -> None:
    """Speech: a session on the 9th left uncertified (9 days old), one on the 16th
    certified; OT added on November 1st and never served; a refused first attend of
    Maria Santos for Eve Muñoz (an RSA student not hers); Eve's speech mandate has no
    provider."""
    d = s.d
    service_record_create(
        actor=d.doe_speech, provider=d.doe_speech, data=s.speech_input(date=dt.date(2026, 11, 9)), certify=False
    )
    service_record_create(actor=d.doe_speech, provider=d.doe_speech, data=s.speech_input(), certify=True)
    service_record_create(actor=d.para, provider=d.para, data=s.para_input(), certify=True)
    long_ago = dt.datetime(2026, 11, 1, 14, 0, tzinfo=dt.UTC)
    CaseloadEntry.objects.update(added_at=long_ago)
    FirstAttend.objects.create(
        call_id="CA-refused",
        source=Source.CALL,
        staff_id=d.doe_speech.staff_id,
        osis=d.rsa_student.osis,
        service="SPEECH",
        first_attend_date=dt.date(2026, 11, 17),
        provider=d.doe_speech,
        student=d.rsa_student,
        status=Status.REFUSED,
        reason="No permission to serve",
        processed_at=timezone.now(),
    )


def _count_on(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_each_figure_is_the_count_of_the_list_it_opens(sessions: Sessions) -> None:
    _setup(sessions)
    # A closure added for the 9th after its session was recorded (kept, flagged).
    CalendarDay.objects.create(
        date=dt.date(2026, 11, 9), kind="closure", school=sessions.d.school_a, description="Flood"
    )
    client = Client()
    client.force_login(sessions.d.supervisor)
    home = client.get("/")
    dashboard = home.context["dashboard"]
    html = home.content.decode()
    for period in dashboard.behind:
        assert period.url in html.replace("&amp;", "&")
        assert _count_on(client, period.url) == period.count
    for figure in dashboard.figures:
        assert figure.url in html.replace("&amp;", "&")
        assert _count_on(client, figure.url) == figure.count, figure.label
    counts = {figure.label: figure.count for figure in dashboard.figures}
    assert counts == {
        "Uncertified records over 3 days old": 1,  # the 9th; the 16th is certified
        "Uncertified records before the entry window": 0,
        "Sessions on days now marked non-school": 1,  # the 9th
        "First attends not added, awaiting action": 1,
        lists.AWAITING_TITLE: 1,  # Eve Muñoz's speech (Finn Olsen's is out of scope)
        lists.NEVER_SERVED_TITLE: 1,  # Ben Garcia on Lucia Ferrari's caseload
    }
    this_week, last_month = dashboard.behind
    # This week to Wednesday: 3/5 of each week's sessions, rounded. Speech has its 1
    # session of 30 minutes of 36; OT none; para 1 of 3 sessions (1 of 18 hours).
    assert [line.provider.staff_id for line in this_week.providers] == ["600", "400", "300"]
    assert (this_week.sessions, this_week.minutes) == (3, 6 + 36 + 1020)
    assert last_month.start == dt.date(2026, 10, 1) and last_month.count == 3  # nobody served October


def test_acting_on_a_figure_takes_it_off(sessions: Sessions) -> None:
    _setup(sessions)
    d = sessions.d
    from sesis.caseloads.actions import caseload_add

    caseload_add(actor=d.supervisor, provider=d.independent_speech, students=[d.rsa_student])
    figures = {f.label: f.count for f in supervisor_dashboard(d.supervisor, sessions.today).figures}
    assert figures[lists.AWAITING_TITLE] == 0
    caseload_add(actor=d.supervisor, provider=d.doe_speech, students=[d.ot_student])
    figures = {f.label: f.count for f in supervisor_dashboard(d.supervisor, sessions.today).figures}
    # Maria Santos cannot serve Eve: the refused first attend still waits; Ben Garcia,
    # just added to Maria's caseload, is not yet a week on it.
    assert figures["First attends not added, awaiting action"] == 1
    assert figures[lists.NEVER_SERVED_TITLE] == 1


def test_out_of_scope_supervisor_sees_nothing_of_district_2(sessions: Sessions) -> None:
    _setup(sessions)
    dashboard = supervisor_dashboard(sessions.d.supervisor_out, sessions.today)
    assert [period.count for period in dashboard.behind] == [0, 0]
    counts = {figure.label: figure.count for figure in dashboard.figures}
    # Finn Olsen (15K003) has a speech mandate nobody holds: Otto's only figure. The
    # refused first attend is Maria's, who is assigned to 15K003, so Otto sees it too.
    assert counts[lists.AWAITING_TITLE] == 1
    assert counts[lists.NEVER_SERVED_TITLE] == 0
    assert counts["Uncertified records over 3 days old"] == 0


def test_providers_and_administrators_have_no_dashboard_and_no_lists(sessions: Sessions) -> None:
    for user in (sessions.d.doe_speech, sessions.d.admin):
        client = Client()
        client.force_login(user)
        assert "dashboard" not in client.get("/").context
    provider = Client()
    provider.force_login(sessions.d.doe_speech)
    for url in ("/reports/awaiting-provider/", "/reports/never-served/", "/reports/never-served/export/csv/"):
        assert provider.get(url).status_code == 404


def test_the_lists_filter_export_and_log(sessions: Sessions) -> None:
    _setup(sessions)
    client = Client()
    client.force_login(sessions.d.supervisor)
    page = client.get("/reports/awaiting-provider/")
    assert "Muñoz, Eve" in page.content.decode() and "Olsen" not in page.content.decode()
    assert re.search(r"02M002.*?Speech.*?>1 mandate</a>", page.content.decode(), re.S)
    assert _count_on(client, "/reports/awaiting-provider/?school=02M001") == 0
    assert _count_on(client, "/reports/awaiting-provider/?service=OT") == 0
    refused = client.get("/reports/awaiting-provider/?school=99X999")
    assert "No school has the DBN 99X999." in refused.content.decode()
    never = client.get("/reports/never-served/?provider=400")
    assert "Garcia, Ben" in never.content.decode()
    assert _count_on(client, "/reports/never-served/?provider=300") == 0
    response = client.get("/reports/never-served/export/csv/")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == lists.NEVER_SERVED_COLUMNS
    assert rows[1][:2] == ["Garcia, Ben", "222222222"] and rows[1][5:7] == ["2026-11-01", "17"]
    response = client.get("/reports/awaiting-provider/export/xlsx/")
    assert response.status_code == 200
    logged = Disclosure.objects.filter(what__in=[lists.AWAITING_TITLE, lists.NEVER_SERVED_TITLE])
    assert set(logged.values_list("kind", "what")) >= {
        ("view", lists.AWAITING_TITLE),
        ("view", lists.NEVER_SERVED_TITLE),
        ("export", lists.AWAITING_TITLE),
        ("export", lists.NEVER_SERVED_TITLE),
    }
    assert (
        logged.filter(kind="export", what=lists.NEVER_SERVED_TITLE).get().students.get().student
        == sessions.d.ot_student
    )


def test_the_first_attends_awaiting_action_export_and_log(sessions: Sessions) -> None:
    _setup(sessions)
    client = Client()
    client.force_login(sessions.d.supervisor)
    response = client.get("/administration/first-attends/export/csv/?status=awaiting")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:5] == ["Received", "Provider", "Staff ID", "Student", "OSIS ID"]
    assert [row[4] for row in rows[1:]] == ["555555555"]
    assert rows[1][8] == "Not added" and rows[1][9] == "No permission to serve"
    logged = Disclosure.objects.get(what="First Attends", kind="export")
    assert logged.filters == {"status": "awaiting"} and logged.students.get().student == sessions.d.rsa_student
    # Accepted first attends are not awaiting action; providers have no such export.
    assert client.get("/administration/first-attends/export/xlsx/?status=added").status_code == 200
    provider = Client()
    provider.force_login(sessions.d.doe_speech)
    assert provider.get("/administration/first-attends/export/csv/").status_code == 404
    refused = client.get("/administration/first-attends/export/csv/?status=nonsense")
    assert refused.status_code == 302
