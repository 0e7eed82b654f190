"""Service records: list with filters, read, record (one student or a group), edit an
uncertified record at its current version, certify, amend. Every write goes through
the Services Calendar's actions, so the rules and their messages are the same."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from sesis.access.scope import Scope
from sesis.api.auth import actor, auth
from sesis.api.endpoints.common import RECORD_ID, provider_named
from sesis.api.errors import ApiError, responses
from sesis.api.idempotency import IDEMPOTENCY_KEY, IF_MATCH, idempotent
from sesis.api.paging import PageQuery, page, page_of
from sesis.api.recordfields import entered_values, with_record_fields
from sesis.api.schemas import RECORD_PREFETCH, RECORD_RELATED, GroupOut, RecordOut, etag
from sesis.api.types import IsoDate, JsonBool, JsonInt
from sesis.audit.actions import disclosure_record
from sesis.audit.models import DisclosureKind
from sesis.lib.codes import ServiceType
from sesis.mandates.models import Mandate
from sesis.medicaid.claimability import attach
from sesis.people.models import Staff
from sesis.services import actions
from sesis.services.access import record_for_user, visible_records
from sesis.services.actions import OWN_IN_GROUP
from sesis.services.choices import SessionType
from sesis.services.models import AMENDABLE, ENTERED_FIELDS, PER_STUDENT, ServiceRecord
from sesis.students.models import Student

router = Router()

RecordPage = page_of(RecordOut, "ServiceRecordPage")

ORDERINGS = {
    "date": ["date", "start_time", "id"],
    "student": ["student__last_name_key", "student__first_name_key", "student__osis", "date", "start_time", "id"],
    "provider": ["provider__last_name_key", "provider__first_name", "provider__staff_id", "date", "id"],
    "created_at": ["created_at", "id"],
}


class RecordSearch(PageQuery):
    provider: str | None = Field(None, max_length=20, description="Staff ID")
    student: str | None = Field(None, max_length=9, description="OSIS ID")
    school: str | None = Field(None, max_length=6, description="DBN")
    service: ServiceType | None = None
    session_type: SessionType | None = Field(None, description="In the record's current version (as amended)")
    certified: bool | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    ordering: Literal["date", "-date", "student", "-student", "provider", "-provider", "created_at", "-created_at"] = (
        "date"
    )


def _loaded(records: Any) -> Any:
    return records.select_related(*RECORD_RELATED).prefetch_related(*RECORD_PREFETCH)


@router.get(
    "",
    response=responses({200: RecordPage}),
    auth=auth("records:read"),
    summary="Service records",
    operation_id="listServiceRecords",
)
def list_records(request: HttpRequest, filters: Query[RecordSearch]) -> dict[str, Any]:
    """The service records you may see: your own; a supervisor's, the providers' and
    students' in scope; an administrator's, all."""
    records = visible_records(actor(request))
    if filters.provider:
        records = records.filter(provider__staff_id=filters.provider)
    if filters.student:
        records = records.filter(student__osis=filters.student)
    if filters.school:
        records = records.filter(student__school__dbn=filters.school.strip().upper())
    if filters.service:
        records = records.filter(service=filters.service)
    if filters.session_type:
        records = records.filter(session_type=filters.session_type)
    if filters.certified is not None:
        records = records.filter(certified_at__isnull=not filters.certified)
    if filters.date_from:
        records = records.filter(date__gte=filters.date_from)
    if filters.date_to:
        records = records.filter(date__lte=filters.date_to)
    order = ORDERINGS[filters.ordering.removeprefix("-")]
    if filters.ordering.startswith("-"):
        order = [f"-{name}" for name in order]
    result = page(_loaded(records.order_by(*order)), filters)
    shown: list[ServiceRecord] = result["items"]
    attach(shown)  # the page's verdicts on one load of the facts
    if shown:
        query = {k: str(v) for k, v in filters.model_dump().items() if v not in (None, "")}
        disclosure_record(
            actor=actor(request),
            kind=DisclosureKind.VIEW,
            what="API: service records",
            student_ids=[r.student_id for r in shown],
            record_count=len(shown),
            filters=query,
        )
        _log_confidential(request, shown)
    return result


def _log_confidential(request: HttpRequest, shown: list[ServiceRecord]) -> None:
    """Confidential counseling notes a response shows (to their author or an
    administrator): each showing is a disclosure of its own."""
    user = actor(request)
    revealed = [r for r in shown if r.reads_confidential_notes(user) and r.holds_confidential_notes()]
    if revealed:
        disclosure_record(
            actor=user,
            kind=DisclosureKind.VIEW,
            what="API: confidential counseling notes",
            student_ids=[r.student_id for r in revealed],
            record_count=len(revealed),
            filters={"records": ",".join(str(r.pk) for r in revealed)[:500]},
        )


def _record(request: HttpRequest, pk: int) -> ServiceRecord:
    return record_for_user(actor(request), pk)


def _fresh(record: ServiceRecord) -> ServiceRecord:
    fresh: ServiceRecord = _loaded(ServiceRecord.objects.filter(pk=record.pk)).get()
    return fresh


def _out(record: ServiceRecord, reader: Staff) -> dict[str, Any]:
    """The record as JSON as `reader` may see it, for a response kept under an
    Idempotency-Key (a replay is the same caller's)."""
    return RecordOut.model_validate(_fresh(record), context={"reader": reader}).model_dump(mode="json")


@router.get(
    "/{int:pk}",
    response=responses({200: RecordOut}),
    auth=auth("records:read"),
    summary="A service record",
    operation_id="getServiceRecord",
)
def get_record(request: HttpRequest, response: HttpResponse, pk: int = RECORD_ID) -> ServiceRecord:
    """A record in its current version (as amended), with every signed version. The
    ETag header is what If-Match takes to edit or amend it."""
    record = _record(request, pk)
    disclosure_record(
        actor=actor(request),
        kind=DisclosureKind.VIEW,
        what="API: service record",
        student_ids=[record.student_id],
        record_count=1,
        filters={"record": str(record.pk)},
    )
    _log_confidential(request, [record])
    response["ETag"] = etag(record)
    return record


GROUP_SHARED = tuple(name for name in ENTERED_FIELDS if name not in PER_STUDENT)


@with_record_fields(GROUP_SHARED, "create")
class CommonIn(Schema):
    """The fields a single record and a group session share (the record's declared
    fields: Start Time, End Time, Language of Service, ...)."""


@with_record_fields(ENTERED_FIELDS, "create")
class SessionIn(Schema):
    """The Service Record form's fields."""


class RecordIn(SessionIn):
    provider: str | None = Field(None, max_length=20, description="Staff ID; yourself when left out")
    student: str = Field(..., max_length=9, description="OSIS ID of a student on the provider's caseload")
    service: ServiceType = Field(..., description="The service of the mandate served")
    date: IsoDate
    makeup_of: JsonInt | None = Field(None, description="The id of the missed session this one makes up")
    certify: JsonBool = Field(False, description="Certify (sign) the record in the same step")


class RecordUpdateIn(SessionIn):
    service: ServiceType
    makeup_of: JsonInt | None = None
    certify: JsonBool = False
    version: JsonInt = Field(
        ..., description="The version you read (the record's version; its ETag names the same). Required."
    )


def _student(user: Staff, osis: str) -> Student:
    student = Scope.of(user).students().filter(osis=osis.strip()).select_related("school").first()
    if student is None:
        raise ApiError(422, "invalid", f"No student with OSIS ID {osis} is in your scope.", field="student")
    return student


def _mandate(student: Student, service: str, day: dt.date) -> Mandate:
    mandate = student.mandates.active_on(day).filter(service=service).first()
    if mandate is None:
        label = ServiceType(service).label
        raise ApiError(
            422,
            "refused",
            f"{student.full_name} has no {label} mandate on {day:%B} {day.day}, {day.year}.",
            field="service",
        )
    return mandate


def _makeup(user: Staff, pk: int | None) -> ServiceRecord | None:
    if pk is None:
        return None
    missed = visible_records(user).filter(pk=pk).first()
    if missed is None:
        raise ApiError(422, "invalid", "No such service record to make up.", field="makeup_of")
    return missed


def _input(user: Staff, student: Student, day: dt.date, payload: Any) -> ServiceRecord:
    return actions.draft(
        student=student,
        mandate=_mandate(student, payload.service, day),
        date=day,
        makeup_of=_makeup(user, payload.makeup_of),
        **entered_values(payload, ENTERED_FIELDS),
    )


@router.post(
    "",
    response=responses({201: RecordOut}),
    auth=auth("records:write"),
    summary="Record a session",
    operation_id="createServiceRecord",
)
def create_record(request: HttpRequest, payload: RecordIn, key: str | None = IDEMPOTENCY_KEY) -> HttpResponse:
    """Record one session for a student on the provider's caseload, and certify it if
    asked. Accepts an Idempotency-Key; without one, the same session (student,
    service, date, Start Time) twice is refused as already recorded."""
    user = actor(request)
    provider = provider_named(user, payload.provider or user.staff_id)

    def work() -> tuple[int, dict[str, Any]]:
        data = _input(user, _student(user, payload.student), payload.date, payload)
        record = actions.service_record_create(actor=user, provider=provider, data=data, certify=payload.certify)
        return 201, _out(record, user)

    return idempotent(request, user, work)


# "3" is an ETag; "3.0" the form ETags took before amendments were versions.
_IF_MATCH = re.compile(r'^(?:W/)?"?(\d+)(?:\.\d+)?"?$')


def _if_match(value: str | None) -> int | None:
    """The record version an If-Match header names."""
    if value is None:
        return None
    found = _IF_MATCH.match(value.strip())
    if found is None:
        raise ApiError(422, "invalid", 'If-Match takes the record\'s ETag, such as "3".', field="If-Match")
    return int(found[1])


@router.put(
    "/{int:pk}",
    response=responses({200: RecordOut}, 409),
    auth=auth("records:write"),
    summary="Edit an uncertified record",
    operation_id="updateServiceRecord",
)
def update_record(
    request: HttpRequest, payload: RecordUpdateIn, pk: int = RECORD_ID, if_match: str | None = IF_MATCH
) -> ServiceRecord:
    """Replace an uncertified record's fields (its student and date stay). Send the
    version you read as `version` (an If-Match header, if sent too, must name the same
    one): if someone changed the record since, the edit is refused with 409 and
    nothing changes."""
    user = actor(request)
    record = _record(request, pk)
    version = payload.version
    header = _if_match(if_match)
    if header is not None and header != version:
        message = f"If-Match names version {header} but version is {version}: send the version you read."
        raise ApiError(422, "invalid", message, field="If-Match")
    if record.is_certified:
        raise ApiError(422, "refused", actions.LOCKED)
    data = _input(user, record.student, record.date, payload)
    actions.service_record_update(actor=user, record=record, data=data, version=version, certify=payload.certify)
    return _fresh(record)


class CertifyIn(Schema):
    certify: JsonBool = Field(..., description="true: your electronic signature that the session is accurate")


@router.post(
    "/{int:pk}/certify",
    response=responses({200: RecordOut}),
    auth=auth("records:write"),
    summary="Certify a record",
    operation_id="certifyServiceRecord",
)
def certify_record(request: HttpRequest, payload: CertifyIn, pk: int = RECORD_ID) -> ServiceRecord:
    """Certifying a record is equivalent to attaching your electronic signature."""
    record = _record(request, pk)
    if not payload.certify:
        raise ApiError(
            422,
            "refused",
            "Set certify to true to certify that the session information is accurate and truthful.",
            field="certify",
        )
    actions.service_record_certify(actor=actor(request), record=record)
    return _fresh(record)


@with_record_fields(AMENDABLE, "changes")
class ChangesIn(Schema):
    """Only the fields you send are changed; null, a wrong type or a field that is not
    the record's is refused, naming the field."""

    model_config = ConfigDict(extra="forbid")


class AmendIn(Schema):
    reason: str = Field(..., max_length=500, description="Why the certified record is corrected")
    changes: ChangesIn
    certify: JsonBool = Field(
        ..., description="true: your electronic signature that the corrected record is accurate and truthful"
    )
    version: JsonInt | None = Field(None, description="The version you read; or send If-Match with the ETag")


@router.post(
    "/{int:pk}/amendments",
    response=responses({201: RecordOut}, 409),
    auth=auth("records:write"),
    summary="Amend a certified record",
    operation_id="amendServiceRecord",
)
def amend_record(
    request: HttpRequest,
    payload: AmendIn,
    pk: int = RECORD_ID,
    if_match: str | None = IF_MATCH,
    key: str | None = IDEMPOTENCY_KEY,
) -> HttpResponse:
    """Correct a certified record: a new version, which you certify (send certify:
    true). The version it corrects stays as it was signed, and the record's versions
    list who changed what, when and why. With If-Match (or version), a change made
    meanwhile by someone else refuses this one with 409. Accepts an Idempotency-Key."""
    user = actor(request)
    record = _record(request, pk)
    version = _if_match(if_match)
    version = payload.version if version is None else version

    def work() -> tuple[int, dict[str, Any]]:
        actions.service_record_amend(
            actor=user,
            record=record,
            reason=payload.reason,
            changes=payload.changes.model_dump(exclude_unset=True),
            certify=payload.certify,
            version=version,
        )
        return 201, _out(record, user)

    return idempotent(request, user, work)


@with_record_fields(OWN_IN_GROUP, "changes")
class MemberIn(Schema):
    """One student of the group: present or not, and optionally their own Session
    Notes, notes_confidential, Language of Service or Progress Indicator (left out: the
    group's)."""

    model_config = ConfigDict(extra="forbid")
    student: str = Field(..., max_length=9, description="OSIS ID")
    present: JsonBool = True


class GroupIn(CommonIn):
    provider: str | None = Field(None, max_length=20, description="Staff ID; yourself when left out")
    service: ServiceType
    date: IsoDate
    students: list[MemberIn] = Field(..., min_length=1, max_length=12)
    certify: JsonBool = False


@router.post(
    "/group",
    response=responses({201: GroupOut}),
    auth=auth("records:write"),
    summary="Record a group session",
    operation_id="createGroupServiceRecords",
)
def create_group(request: HttpRequest, payload: GroupIn, key: str | None = IDEMPOTENCY_KEY) -> HttpResponse:
    """One record per student: the present as Service Provided with the group size
    set to the number present, the absent as Student Absent. All or nothing: if any
    student's record is refused, none is saved, and each problem names the student.
    Accepts an Idempotency-Key."""
    user = actor(request)
    provider = provider_named(user, payload.provider or user.staff_id)

    def work() -> tuple[int, dict[str, Any]]:
        members = []
        for member in payload.students:
            student = _student(user, member.student)
            members.append(
                (
                    actions.GroupMember(
                        student=student,
                        present=member.present,
                        own=member.model_dump(include=set(OWN_IN_GROUP), exclude_unset=True),
                    ),
                    _mandate(student, payload.service, payload.date),
                )
            )
        common = actions.draft(
            student=members[0][0].student,
            mandate=members[0][1],
            date=payload.date,
            **entered_values(payload, GROUP_SHARED),
        )
        records = actions.group_session_record(
            actor=user, provider=provider, common=common, members=members, certify=payload.certify
        )
        return 201, {"group_session": records[0].group_session_id, "records": [_out(r, user) for r in records]}

    return idempotent(request, user, work)
