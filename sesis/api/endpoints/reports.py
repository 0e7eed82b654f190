"""The Encounter Attendance and Mandate Compliance reports, as JSON pages and as CSV
files. The same filters (and messages) as the report pages; every page and file is
written to the disclosure log, the file through the same export action as the pages'."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_type_hints

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import create_model

from sesis.api.auth import actor, auth
from sesis.api.endpoints.common import checked, form_values
from sesis.api.errors import ApiError, responses
from sesis.api.paging import PageQuery, page
from sesis.api.types import IsoDate, LocalTime
from sesis.audit.actions import disclosure_record
from sesis.audit.models import DisclosureKind
from sesis.audit.reads import replica_reads_for, streamed_with
from sesis.lib.codes import ServiceType
from sesis.lib.exports import FORMATS
from sesis.people.models import Staff
from sesis.reports import compliance, encounter_attendance
from sesis.reports.actions import report_export
from sesis.reports.encounter_attendance import Row
from sesis.reports.filters import Filters, ReportFilterForm
from sesis.services.choices import SessionType

router = Router()

CSV_RESPONSE = {
    "responses": {
        200: {
            "description": "The report as CSV, one row per line, with a header row",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


class ReportQuery(Schema):
    date_from: IsoDate | None = Field(None, description="From (the first of this month by default)")
    date_to: IsoDate | None = Field(None, description="To (today by default); at most 366 days")
    school: str | None = Field(None, max_length=6, description="DBN")
    district: int | None = Field(None, ge=1, le=99)
    provider: str | None = Field(None, max_length=20, description="Staff ID (supervisors and administrators)")
    student: str | None = Field(None, max_length=9, description="OSIS ID")
    service: ServiceType | None = None


class EncounterQuery(ReportQuery):
    session_type: SessionType | None = Field(None, description="As amended")
    certified: Literal["yes", "no"] | None = None
    ordering: Literal[
        "date",
        "-date",
        "student",
        "-student",
        "school",
        "-school",
        "service",
        "-service",
        "provider",
        "-provider",
        "session_type",
        "-session_type",
    ] = "date"


class EncounterPageQuery(EncounterQuery, PageQuery):
    pass


class CompliancePageQuery(ReportQuery, PageQuery):
    pass


def _filters(user: Staff, query: ReportQuery, *, records: bool) -> Filters:
    values = form_values(query)
    values.pop("ordering", None)
    form = ReportFilterForm(values, user=user, record_filters=records)
    checked(form)
    return form.filters()


class SessionTypeTotal(Schema):
    session_type: str
    records: int
    minutes: int


class EncounterTotals(Schema):
    records: int
    minutes: int
    by_session_type: list[SessionTypeTotal]


# A row as the page and the exports show it: the report's own Row, field for field.
EncounterRow: type[Schema] = create_model(  # type: ignore[call-overload]
    "EncounterRow",
    __base__=Schema,
    **{name: (LocalTime if hint is dt.time else hint, ...) for name, hint in get_type_hints(Row).items()},
)


class EncounterPage(Schema):
    filters: dict[str, Any]
    totals: EncounterTotals
    count: int
    limit: int
    offset: int
    next_offset: int | None
    items: list[EncounterRow]  # type: ignore[valid-type]


@router.get(
    "/encounter-attendance",
    response=responses({200: EncounterPage}),
    auth=auth("reports:read"),
    summary="Encounter Attendance",
    operation_id="getEncounterAttendanceReport",
)
def encounter_attendance_report(request: HttpRequest, query: Query[EncounterPageQuery]) -> dict[str, Any]:
    """One row per service record in your scope, as amended, with totals by session type."""
    user = actor(request)
    # Not the pages' @reads_from_replica: django-ninja reads an endpoint's own signature
    # and annotations, which a wrapper from another module would hide.
    with replica_reads_for(user.pk):
        return _encounter_page(user, query)


def _encounter_page(user: Staff, query: EncounterPageQuery) -> dict[str, Any]:
    filters = _filters(user, query, records=True)
    records = encounter_attendance.records(user, filters, query.ordering)
    totals = encounter_attendance.totals(records)  # its record count is the page's
    result = page(records.values_list("pk", flat=True), query, count=totals.records)
    ids = result["items"]
    rows = {row.record_id: row for row in encounter_attendance.rows(records.filter(pk__in=ids))}
    result["items"] = [rows[pk].__dict__ for pk in ids]
    if ids:
        disclosure_record(
            actor=user,
            kind=DisclosureKind.VIEW,
            what=encounter_attendance.TITLE,
            students=records.filter(pk__in=ids),
            record_count=len(ids),
            filters=filters.describe(),
        )
    result["totals"] = {
        "records": totals.records,
        "minutes": totals.minutes,
        "by_session_type": [{"session_type": label, "records": n, "minutes": m} for label, n, m in totals.by_type],
    }
    result["filters"] = filters.describe()
    return result


def _csv(user: Staff, report: str, query: ReportQuery, *, records: bool, sort: str = "") -> StreamingHttpResponse:
    with replica_reads_for(user.pk) as reads:
        filters = _filters(user, query, records=records)
        export = report_export(actor=user, report=report, filters=filters, file_format="csv", sort=sort)
        response = StreamingHttpResponse(export.csv(), content_type=FORMATS["csv"])
    response["Content-Disposition"] = f'attachment; filename="{export.file_name("csv")}"'
    streamed_with(reads, response)
    return response


@router.get(
    "/encounter-attendance/csv",
    response=responses({200: str}),
    auth=auth("reports:read"),
    summary="Encounter Attendance as CSV",
    openapi_extra=CSV_RESPONSE,
    operation_id="getEncounterAttendanceCsv",
)
def encounter_attendance_csv(request: HttpRequest, query: Query[EncounterQuery]) -> StreamingHttpResponse:
    """Every row of the report (not a page), streamed, logged before the first row leaves."""
    user = actor(request)
    return _csv(user, "encounter-attendance", query, records=True, sort=query.ordering)


class ComplianceLine(Schema):
    student: str
    student_name: str
    school: str
    mandate_id: str
    service: str
    frequency: str
    mandate_start: dt.date
    mandate_end: dt.date
    mandated: int
    provided: int
    makeups: int
    student_absent: int
    provider_absent: int
    cancelled: int
    not_certified: int
    shortfall: int
    mandated_minutes: int = Field(..., description="The mandated sessions' minutes (rounded half up)")
    provided_minutes: int = Field(..., description="The minutes the Service Provided sessions lasted")
    minutes_shortfall: int


class ComplianceTotal(Schema):
    mandated: int
    provided: int
    shortfall: int
    mandated_minutes: int
    provided_minutes: int
    minutes_shortfall: int


class CompliancePage(Schema):
    filters: dict[str, Any]
    total: ComplianceTotal
    count: int
    limit: int
    offset: int
    next_offset: int | None
    items: list[ComplianceLine]


def _line(line: compliance.Line) -> dict[str, Any]:
    m, c = line.mandate, line.counts
    return {
        "student": m.student.osis,
        "student_name": f"{m.student.last_name}, {m.student.first_name}",
        "school": m.student.school.dbn,
        "mandate_id": m.mandate_id,
        "service": m.service,
        "frequency": m.frequency,
        "mandate_start": m.start_date,
        "mandate_end": m.end_date,
        "mandated": c.mandated_sessions,
        "provided": c.provided,
        "makeups": c.makeups,
        "student_absent": c.student_absent,
        "provider_absent": c.provider_absent,
        "cancelled": c.cancelled,
        "not_certified": c.not_certified,
        "shortfall": c.shortfall,
        "mandated_minutes": c.mandated_minutes_whole,
        "provided_minutes": c.provided_minutes,
        "minutes_shortfall": c.minutes_shortfall,
    }


@router.get(
    "/compliance",
    response=responses({200: CompliancePage}),
    auth=auth("reports:read"),
    summary="Mandate Compliance",
    operation_id="getComplianceReport",
)
def compliance_report(request: HttpRequest, query: Query[CompliancePageQuery]) -> dict[str, Any]:
    """One line per mandate in your scope: mandated, delivered and the shortfall,
    largest shortfall first."""
    user = actor(request)
    with replica_reads_for(user.pk):
        return _compliance_page(user, query)


def _compliance_page(user: Staff, query: CompliancePageQuery) -> dict[str, Any]:
    filters = _filters(user, query, records=False)
    mandates = compliance.visible_mandates(user, filters)
    count = mandates.count()
    if count > compliance.MAX_MANDATES:
        raise ApiError(
            422,
            "too_many_mandates",
            f"These filters cover {count:,} mandates; narrow them (a school, a district, a provider) to at most "
            f"{compliance.MAX_MANDATES:,}, or export the report as CSV.",
        )
    lines = compliance.report_lines(user, filters)
    result = page(lines, query)
    shown = [line.mandate.pk for line in result["items"]]
    if shown:
        disclosure_record(
            actor=user,
            kind=DisclosureKind.VIEW,
            what=compliance.TITLE,
            students=mandates.filter(pk__in=shown),
            record_count=len(shown),
            filters=filters.describe(),
        )
    result["items"] = [_line(line) for line in result["items"]]
    total = compliance.total(lines)
    shortfall = sum(line.counts.shortfall for line in lines)
    result["total"] = {
        "mandated": total.mandated_sessions,
        "provided": total.provided,
        "shortfall": shortfall,
        "mandated_minutes": total.mandated_minutes_whole,
        "provided_minutes": total.provided_minutes,
        "minutes_shortfall": sum(line.counts.minutes_shortfall for line in lines),
    }
    result["filters"] = filters.describe()
    return result


@router.get(
    "/compliance/csv",
    response=responses({200: str}),
    auth=auth("reports:read"),
    summary="Mandate Compliance as CSV",
    openapi_extra=CSV_RESPONSE,
    operation_id="getComplianceCsv",
)
def compliance_csv(request: HttpRequest, query: Query[ReportQuery]) -> StreamingHttpResponse:
    """Every line of the report, streamed, logged before the first row leaves."""
    user = actor(request)
    return _csv(user, "compliance", query, records=False)
