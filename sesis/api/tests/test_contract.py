"""The OpenAPI document as third-party tools read it: openapi-spec-validator accepts
it, and openapi-python-client generates a client from it that creates, reads and
certifies a record against the running server."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from sesis.api.main import api
from sesis.api.tests.conftest import token_for
from sesis.api.tests.test_records import PARA
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions

GENERATOR = Path(sys.executable).parent / "openapi-python-client"

# The operationIds, as clients name them. They are a contract: a generated client's
# function names come from them, so a change here breaks every client.
OPERATION_IDS = {
    "GET /api/v1/students": "listStudents",
    "GET /api/v1/students/{osis}": "getStudent",
    "GET /api/v1/mandates": "listMandates",
    "GET /api/v1/staff": "listStaff",
    "GET /api/v1/staff/me": "getCurrentStaff",
    "GET /api/v1/staff/{staff_id}": "getStaff",
    "GET /api/v1/caseloads/{staff_id}/entries": "listCaseloadEntries",
    "POST /api/v1/caseloads/{staff_id}/entries": "addCaseloadEntries",
    "POST /api/v1/caseloads/{staff_id}/entries/{entry_id}/remove": "removeCaseloadEntry",
    "GET /api/v1/service-records": "listServiceRecords",
    "POST /api/v1/service-records": "createServiceRecord",
    "GET /api/v1/service-records/{pk}": "getServiceRecord",
    "PUT /api/v1/service-records/{pk}": "updateServiceRecord",
    "POST /api/v1/service-records/{pk}/certify": "certifyServiceRecord",
    "POST /api/v1/service-records/{pk}/amendments": "amendServiceRecord",
    "POST /api/v1/service-records/group": "createGroupServiceRecords",
    "POST /api/v1/first-attends": "reportFirstAttend",
    "GET /api/v1/first-attends": "listFirstAttends",
    "GET /api/v1/school-calendar/days": "listSchoolDays",
    "GET /api/v1/school-calendar/schools/{dbn}/non-school-days": "listSchoolNonSchoolDays",
    "GET /api/v1/reports/encounter-attendance": "getEncounterAttendanceReport",
    "GET /api/v1/reports/encounter-attendance/csv": "getEncounterAttendanceCsv",
    "GET /api/v1/reports/compliance": "getComplianceReport",
    "GET /api/v1/reports/compliance/csv": "getComplianceCsv",
}


def _document() -> dict[str, Any]:
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def test_the_document_validates_with_openapi_spec_validator(tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(_document()))
    spec, _ = read_from_filename(str(path))
    validate(spec)  # raises with every error it finds; OpenAPI 3.1 is detected from the document
    # And the validator is not simply lenient: the form the issue found is refused.
    broken = json.loads(path.read_text())
    broken["paths"]["/api/v1/students/{osis}"]["get"]["parameters"][0]["examples"] = ["111111111"]
    with pytest.raises(Exception, match=r"is not of type .object."):
        validate(broken)


def test_operation_ids_are_short_stable_and_unique() -> None:
    found = {
        f"{method.upper()} {path}": operation["operationId"]
        for path, operations in _document()["paths"].items()
        for method, operation in operations.items()
    }
    assert found == OPERATION_IDS
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)+", name) for name in found.values())


def test_times_are_declared_as_local_times_not_rfc3339() -> None:
    """format: time is RFC 3339's full-time, which has an offset; SESIS's times are
    local school times, so the schema gives a pattern and says whose clock."""
    nodes = list(_walk(_document()))
    assert not [node for node in nodes if node.get("format") == "time"]
    record = _document()["components"]["schemas"]["RecordOut"]["properties"]["start_time"]
    assert re.fullmatch(record["pattern"], "09:00:00") and not re.fullmatch(record["pattern"], "09:00:00-05:00")
    assert "America/New_York" in record["description"]


def test_what_an_operation_requires_is_declared_required() -> None:
    document = _document()
    update = document["paths"]["/api/v1/service-records/{pk}"]["put"]
    body = update["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "version" in document["components"]["schemas"][body]["required"]
    assert "428" not in update["responses"]


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The client openapi-python-client generates from the document, importable."""
    if not GENERATOR.exists():
        message = f"openapi-python-client is not installed at {GENERATOR} (requirements-dev.txt)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("client")
    document = root / "openapi.json"
    document.write_text(json.dumps(_document()))
    done = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(document),
            "--meta",
            "none",
            "--output-path",
            str(root / "sesis_client"),
        ],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ.get('PATH', '')}"},
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    # It warns of nothing it had to leave out (a parameter, a schema it could not read).
    assert "Warning" not in output and "Unable to parse" not in output and "could not" not in output.lower(), output
    return root


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_records_reads_and_certifies(
    client_package: Path, live_server: Any, sessions: Sessions
) -> None:
    sys.path.insert(0, str(client_package))
    try:
        client_module = importlib.import_module("sesis_client")
        models = importlib.import_module("sesis_client.models")
        create = importlib.import_module("sesis_client.api.service_records.create_service_record")
        read = importlib.import_module("sesis_client.api.service_records.get_service_record")
        certify = importlib.import_module("sesis_client.api.service_records.certify_service_record")
    finally:
        sys.path.remove(str(client_package))
    para = sessions.d.para
    client = client_module.AuthenticatedClient(base_url=live_server.url, token=token_for(para))

    body = models.RecordIn.from_dict(PARA)  # the paraprofessional session the API's own tests record
    made = create.sync_detailed(client=client, body=body, idempotency_key="client-test-1")
    assert made.status_code == 201, made.content
    record = made.parsed
    assert isinstance(record, models.RecordOut) and record.version == 1 and record.certified_at is None
    assert record.start_time == "09:00:00"

    again = read.sync(client=client, pk=record.id)
    assert isinstance(again, models.RecordOut) and again.id == record.id and again.student == record.student

    refused = certify.sync_detailed(client=client, pk=record.id, body=models.CertifyIn(certify=False))
    assert refused.status_code == 422 and isinstance(refused.parsed, models.Error)
    assert refused.parsed.field == "certify"
    signed = certify.sync(client=client, pk=record.id, body=models.CertifyIn(certify=True))
    assert isinstance(signed, models.RecordOut) and signed.certified_by == para.staff_id
    stored = ServiceRecord.objects.get(pk=record.id)
    assert stored.is_certified and stored.date == dt.date(2026, 11, 16)
