"""Reads on a read replica: a real PostgreSQL streaming replica of the test server
(tests/replica.py). The reports, their files (streamed or made by the worker), the
supervisor's dashboard and the API's reports read from it; writes, reads inside a write,
a user's reads just after their own change, and every read while the replica lags or is
down go to the primary.

A replica whose replay is paused shows the data as it was: that is how these tests tell
which database answered."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sesis.api.tests.conftest import Api, token_for
from sesis.audit.models import Disclosure
from sesis.caseloads.actions import caseload_add
from sesis.jobs.models import Job
from sesis.lib.replica import REPLICA, forget_health, replica_health, replica_reads
from sesis.services.actions import service_record_create
from sesis.services.models import ServiceRecord
from sesis.services.tests import conftest as services
from sesis.services.tests.conftest import Sessions
from tests.factories import PASSWORD
from tests.replica import StreamingReplica, start_replica
from tests.worker import run_queue

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a streaming replica is PostgreSQL's"),
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA]),
]
sessions = services.sessions  # the personas with their caseloads, on a frozen today (a fixture)
REPORT = "/reports/encounter-attendance/?date_from=2026-11-01&date_to=2026-11-30"
EXPORT = "/reports/encounter-attendance/export/csv/?date_from=2026-11-01&date_to=2026-11-30"


@pytest.fixture(scope="session")
def streaming_replica(django_db_setup: None, django_db_blocker: object) -> Iterator[StreamingReplica]:
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    replica = start_replica(
        {"host": primary["HOST"] or "127.0.0.1", "port": str(primary["PORT"] or 5432), "user": primary["USER"]}
    )
    yield replica
    replica.remove()


@dataclass
class Replica:
    server: StreamingReplica
    dbname: str

    def sync(self) -> None:
        self.server.wait_replayed(self.dbname)

    def pause(self) -> None:
        self.sync()
        self.server.pause(self.dbname)

    def resume(self) -> None:
        self.server.resume(self.dbname)
        self.sync()


@pytest.fixture(scope="module", autouse=True)
def replica_database(streaming_replica: StreamingReplica) -> Iterator[None]:
    """The replica as SESIS's "replica" database while this module runs: present before
    each test case's database guard is set up, and a test mirror of the primary, so
    that nothing tries to empty it (the primary's flush reaches it by replication)."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    connections.settings[REPLICA] = copy.deepcopy(primary) | {
        "HOST": "127.0.0.1",
        "PORT": str(streaming_replica.port),
        "OPTIONS": {"connect_timeout": 3},
        "TEST": copy.deepcopy(primary["TEST"]) | {"MIRROR": DEFAULT_DB_ALIAS},
    }
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def replica(streaming_replica: StreamingReplica, settings: object) -> Iterator[Replica]:
    settings.SESIS_REPLICA_CHECK_SECONDS = 0  # type: ignore[attr-defined]
    settings.SESIS_REPLICA_MAX_LAG_SECONDS = 3600  # type: ignore[attr-defined]
    forget_health()
    handle = Replica(streaming_replica, connections[DEFAULT_DB_ALIAS].settings_dict["NAME"])
    try:
        yield handle
    finally:
        streaming_replica.resume(handle.dbname)
        connections[REPLICA].close()
        forget_health()


def _client(user: object) -> Client:
    client = Client()
    assert client.login(username=user.staff_id, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _record(s: Sessions, day: int) -> ServiceRecord:
    d = s.d
    return service_record_create(
        actor=d.doe_speech, provider=d.doe_speech, certify=True, data=s.speech_input(date=dt.date(2026, 11, day))
    )


def _replica_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "services_servicerecord" in q["sql"]]


def test_a_report_reads_from_the_replica_and_logs_its_disclosure_on_the_primary(
    replica: Replica, sessions: Sessions
) -> None:
    s, d = sessions, sessions.d
    _record(s, 2)
    replica.sync()
    supervisor = _client(d.supervisor)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        page = supervisor.get(REPORT).content.decode()
    assert "1 service record." in page
    assert _replica_queries(on_replica), "the report's records were not read from the replica"
    assert Disclosure.objects.filter(actor=d.supervisor, what="Encounter Attendance").count() == 1

    replica.pause()  # the replica stays as it was; the primary moves on
    _record(s, 3)
    assert "1 service record." in supervisor.get(REPORT).content.decode()  # the replica's copy
    replica.resume()
    assert "2 service records." in supervisor.get(REPORT).content.decode()


def test_who_just_changed_something_reads_their_change_from_the_primary(
    replica: Replica, sessions: Sessions, settings: object
) -> None:
    s, d = sessions, sessions.d
    _record(s, 2)
    replica.pause()
    _record(s, 3)  # Maria Santos records a session and opens the report at once
    provider = _client(d.doe_speech)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        page = provider.get(REPORT).content.decode()
    assert "2 service records." in page
    assert not _replica_queries(on_replica)
    supervisor = _client(d.supervisor)  # who changed nothing reads the replica, a moment behind
    assert "1 service record." in supervisor.get(REPORT).content.decode()

    settings.SESIS_REPLICA_OWN_WRITES_SECONDS = 0  # type: ignore[attr-defined]
    assert "1 service record." in provider.get(REPORT).content.decode()  # without the rule: stale


def test_a_lagging_replica_is_bypassed(replica: Replica, sessions: Sessions, settings: object) -> None:
    s, d = sessions, sessions.d
    _record(s, 2)
    replica.pause()
    _record(s, 3)
    settings.SESIS_REPLICA_MAX_LAG_SECONDS = 1  # type: ignore[attr-defined]
    time.sleep(1.5)
    supervisor = _client(d.supervisor)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        page = supervisor.get(REPORT).content.decode()
    assert "2 service records." in page
    assert not _replica_queries(on_replica)
    health = replica_health()
    assert health.state == "lagging" and not health.usable and health.lag is not None and health.lag > 1
    assert supervisor.get("/healthz").json() == {"status": "ok", "database": "ok", "replica": "lagging"}

    replica.resume()
    assert replica_health(fresh=True).state == "ok"
    assert supervisor.get("/healthz").json()["replica"] == "ok"


def test_a_replica_that_is_down_is_bypassed(replica: Replica, sessions: Sessions) -> None:
    s, d = sessions, sessions.d
    _record(s, 2)
    replica.sync()
    supervisor = _client(d.supervisor)
    assert "1 service record." in supervisor.get(REPORT).content.decode()
    replica.server.stop()
    try:
        _record(s, 3)
        response = supervisor.get(REPORT)
        assert response.status_code == 200 and "2 service records." in response.content.decode()
        assert replica_health().state == "down"
        health = supervisor.get("/healthz")
        assert health.status_code == 200 and health.json()["replica"] == "down"  # the primary still serves
    finally:
        replica.server.start()
    replica.sync()
    assert replica_health(fresh=True).state == "ok"


def test_a_streamed_export_reads_its_rows_from_the_replica(replica: Replica, sessions: Sessions) -> None:
    s, d = sessions, sessions.d
    _record(s, 2)
    replica.pause()
    _record(s, 3)
    supervisor = _client(d.supervisor)
    response = supervisor.get(EXPORT)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        body = b"".join(response.streaming_content).decode("utf-8-sig")  # read after the view returned
    assert len(list(csv.reader(io.StringIO(body)))) == 1 + 1  # the header and the replica's one row
    assert _replica_queries(on_replica)
    assert Disclosure.objects.filter(actor=d.supervisor, kind="export").count() == 1


def test_the_api_reports_read_from_the_replica(replica: Replica, sessions: Sessions, settings: object) -> None:
    s, d = sessions, sessions.d
    api = Api(token_for(d.supervisor))  # making the token is the supervisor's own change...
    _record(s, 2)
    replica.pause()
    _record(s, 3)
    query = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
    assert api.get("/reports/encounter-attendance", **query).json()["count"] == 2  # ...so the primary answers

    settings.SESIS_REPLICA_OWN_WRITES_SECONDS = 0  # type: ignore[attr-defined]
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert api.get("/reports/encounter-attendance", **query).json()["count"] == 1  # the replica's copy
        lines = b"".join(api.get("/reports/encounter-attendance/csv", **query).streaming_content)
    assert len(lines.decode("utf-8-sig").splitlines()) == 1 + 1
    assert _replica_queries(on_replica)


def test_an_export_made_by_the_worker_reads_from_the_replica(
    replica: Replica, sessions: Sessions, settings: object
) -> None:
    s, d = sessions, sessions.d
    _record(s, 2)
    _record(s, 9)
    replica.pause()
    _record(s, 3)
    settings.SESIS_EXPORT_INLINE_ROWS = 1  # type: ignore[attr-defined]
    supervisor = _client(d.supervisor)
    assert supervisor.get(EXPORT).status_code == 302  # asked: a job (asking is not a change)
    run_queue()
    job = Job.objects.get()
    assert (job.status, job.message) == ("done", "Encounter Attendance: 2 rows.")


def test_the_supervisors_dashboard_reads_from_the_replica(replica: Replica, sessions: Sessions) -> None:
    d = sessions.d
    replica.sync()
    supervisor = _client(d.supervisor)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert supervisor.get("/").status_code == 200
    assert on_replica.captured_queries


def test_a_read_inside_a_write_and_every_write_go_to_the_primary(replica: Replica, sessions: Sessions) -> None:
    d = sessions.d
    replica.sync()
    with replica_reads():
        assert router.db_for_read(ServiceRecord) == REPLICA
        with transaction.atomic():
            assert router.db_for_read(ServiceRecord) == DEFAULT_DB_ALIAS
            caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.ot_student])
        assert router.db_for_write(ServiceRecord) == DEFAULT_DB_ALIAS
    assert router.db_for_read(ServiceRecord) == DEFAULT_DB_ALIAS  # outside: the primary
