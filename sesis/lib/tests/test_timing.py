"""The Server-Timing header: off by default; on, it names the queries a response ran
(the same count Django's own query capture sees) and the time, in the W3C Server
Timing syntax."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from sesis.lib.timing import QueryTimer, header
from tests.factories import District

# server-timing-metric = metric-name *( OWS ";" OWS server-timing-param ); params here
# are dur (a number) and desc (a quoted string).
METRIC = re.compile(r'^(?P<name>[a-z]+)(;dur=(?P<dur>\d+(\.\d+)?))?(;desc="(?P<desc>[^"]*)")?$')


def metrics(value: str) -> dict[str, dict[str, str]]:
    found = {}
    for part in value.split(", "):
        match = METRIC.match(part)
        assert match, f"not a Server-Timing metric: {part!r}"
        found[match["name"]] = {"dur": match["dur"] or "", "desc": match["desc"] or ""}
    return found


def test_off_by_default(client: Client, district: District) -> None:
    client.force_login(district.doe_speech)
    assert client.get("/").status_code == 200
    assert "Server-Timing" not in client.get("/")


@override_settings(SESIS_SERVER_TIMING=True)
def test_the_header_counts_the_queries_of_the_response(client: Client, district: District) -> None:
    client.force_login(district.doe_speech)
    client.get("/")  # the session's first request reads more (e.g. the idle clock)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    found = metrics(response["Server-Timing"])
    assert found["db"]["desc"] == f"{len(captured)} queries"
    assert len(captured) > 1
    assert float(found["app"]["dur"]) >= float(found["db"]["dur"]) > 0


def test_the_header_says_one_query_and_milliseconds() -> None:
    timer = QueryTimer()
    timer.queries, timer.seconds = 1, 0.0123
    assert header(timer, 0.05) == 'db;dur=12.3;desc="1 query", app;dur=50.0'
    assert metrics(header(timer, 0.05)) == {
        "db": {"dur": "12.3", "desc": "1 query"},
        "app": {"dur": "50.0", "desc": ""},
    }
