"""Reports: Encounter Attendance, Mandate Compliance, and the weekly charts, each
with its exports. Every page is scoped to the user through the reports' queries;
every report page and export is written to the disclosure log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from sesis.access.http import AuthedRequest, administration_required
from sesis.audit.actions import disclosure_record
from sesis.audit.models import DisclosureKind
from sesis.audit.reads import reads_from_replica
from sesis.jobs.actions import job_request
from sesis.lib.errors import ActionRefused
from sesis.lib.exports import FORMATS, TooManyRows, check_size, pdf_bytes, xlsx_file
from sesis.lib.http import paginate, query_without_page
from sesis.reports import compliance, encounter_attendance, lists, totals
from sesis.reports.actions import Export, report_export
from sesis.reports.charts import weekly_chart
from sesis.reports.filters import ReportFilterForm, report_form
from sesis.reports.jobs import KIND as JOB_KIND
from sesis.services.models import ServiceRecord


def reports_home(request: AuthedRequest) -> HttpResponse:
    return render(request, "reports/home.html")


def _sort_links(request: AuthedRequest, sort: str, keys: Iterable[str] = ()) -> dict[str, dict[str, str]]:
    """Each sortable column's link (ascending, or descending when it is the current
    ascending sort) and its aria-sort state."""
    params = request.GET.copy()
    params.pop("page", None)
    links = {}
    for key in keys or encounter_attendance.SORTS:
        params["sort"] = f"-{key}" if sort == key else key
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else "none"
        links[key] = {"url": "?" + params.urlencode(), "state": state}
    return links


@reads_from_replica
def encounter_attendance_report(request: AuthedRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET, user=request.user)
    context: dict[str, Any] = {"form": form, "query": query_without_page(request), "formats": FORMATS}
    sort = request.GET.get("sort", "")
    sort = sort if sort.removeprefix("-") in encounter_attendance.SORTS else encounter_attendance.DEFAULT_SORT
    if form.is_valid():
        filters = form.filters()
        records = encounter_attendance.records(request.user, filters, sort)
        report_totals = encounter_attendance.totals(records)  # its record count is the paginator's
        page = paginate(request, records, count=report_totals.records)
        # The page's records came through the scoped, filtered query: read them by id
        # alone, rather than applying the scope's subqueries again to 25 rows.
        order = {r.pk: i for i, r in enumerate(page.object_list)}
        shown = ServiceRecord.objects.filter(pk__in=order)
        page_rows = sorted(encounter_attendance.rows(shown), key=lambda row: order[row.record_id])
        _log_view(request, encounter_attendance.TITLE, shown, len(page_rows), filters)
        context.update(
            page=page,
            rows=page_rows,
            totals=report_totals,
            sort=sort,
            sorts=_sort_links(request, sort),
            filters=filters,
        )
    return render(request, "reports/encounter_attendance.html", context)


@reads_from_replica
def compliance_report(request: AuthedRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET, user=request.user, record_filters=False)
    context: dict[str, Any] = {"form": form, "query": query_without_page(request), "formats": FORMATS}
    if form.is_valid():
        filters = form.filters()
        mandates = compliance.visible_mandates(request.user, filters)
        count = mandates.count()
        if count > compliance.MAX_MANDATES:
            limit = f"{compliance.MAX_MANDATES:,}"
            form.add_error(
                None,
                f"These filters cover {count:,} mandates; narrow them (a school, a district, "
                f"a provider) to at most {limit}, or export the report.",
            )
        else:
            lines = compliance.report_lines(request.user, filters)
            page = Paginator(lines, 25).get_page(request.GET.get("page"))
            shown = [line.mandate.pk for line in page.object_list]
            _log_view(request, compliance.TITLE, mandates.filter(pk__in=shown), len(shown), filters)
            providers = compliance.providers_of(shown)
            today = timezone.localdate()
            context.update(
                page=page,
                rows=[(line, providers.get(line.mandate.pk, [])) for line in page.object_list],
                total=compliance.total(lines),
                filters=filters,
                shortfall=sum(line.counts.shortfall for line in lines),
                short_students=len({line.student.pk for line in lines if line.counts.shortfall}),
                to_date=filters.end > today,
                today=today,
                chart_query=urlencode({"date_from": filters.start.isoformat(), "date_to": filters.end.isoformat()}),
            )
    return render(request, "reports/compliance.html", context)


def _log_view(request: AuthedRequest, what: str, students: Any, count: int, filters: Any) -> None:
    if count:
        disclosure_record(
            actor=request.user,
            kind=DisclosureKind.VIEW,
            what=what,
            students=students,
            record_count=count,
            filters=filters.describe(),
        )


PAGES = {
    "encounter-attendance": "encounter_attendance",
    "compliance": "compliance_report",
    "provider-totals": "provider_totals",
    "awaiting-provider": "awaiting_provider",
    "never-served": "never_served",
}
SUPERVISORS_ONLY = {"awaiting-provider", "never-served"}


@reads_from_replica
def report_download(request: AuthedRequest, report: str, file_format: str) -> HttpResponseBase:
    """A report's file: the same filters as its page."""
    if report in SUPERVISORS_ONLY and not request.user.can_administer:
        raise Http404("No such page.")
    form = report_form(report, request.GET, request.user)
    back = reverse(PAGES[report])
    if not form.is_valid():
        messages.error(request, "Correct the filters before exporting.")
        return redirect(f"{back}?{request.GET.urlencode()}")
    if report == "encounter-attendance" and file_format in FORMATS:
        rows = encounter_attendance.records(request.user, form.filters()).count()
        inline = settings.SESIS_PDF_INLINE_ROWS if file_format == "pdf" else settings.SESIS_EXPORT_INLINE_ROWS
        if rows > inline:  # made by the worker, with a progress bar
            try:
                check_size(file_format, rows)
            except TooManyRows as refused:
                messages.error(request, str(refused))
                return redirect(f"{back}?{request.GET.urlencode()}")
            job = job_request(
                actor=request.user,
                kind=JOB_KIND,
                title=f"Encounter Attendance, {rows:,} rows ({file_format.upper()})",
                params={
                    "report": report,
                    "query": request.GET.urlencode(),
                    "file_format": file_format,
                    "sort": request.GET.get("sort", ""),
                },
                file_name=f"encounter-attendance-{form.filters().start}-{form.filters().end}.{file_format}",
                content_type=FORMATS[file_format],
            )
            return redirect("job_detail", pk=job.pk)
    try:
        export = report_export(
            actor=request.user,
            report=report,
            filters=form.filters(),
            file_format=file_format,
            sort=request.GET.get("sort", ""),
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(f"{back}?{request.GET.urlencode()}")
    return _file_response(export, file_format)


def _file_response(export: Export, file_format: str) -> HttpResponseBase:
    name = export.file_name(file_format)
    if file_format == "csv":
        stream = StreamingHttpResponse(export.csv(), content_type=FORMATS["csv"])
        stream["Content-Disposition"] = f'attachment; filename="{name}"'
        return stream
    if file_format == "xlsx":
        return FileResponse(
            xlsx_file(export.title, export.header, export.rows),
            as_attachment=True,
            filename=name,
            content_type=FORMATS["xlsx"],
        )
    response = HttpResponse(pdf_bytes(export.pdf_template, export.pdf_context), content_type=FORMATS["pdf"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@reads_from_replica
def provider_totals_report(request: AuthedRequest) -> HttpResponse:
    """Provider Service Totals: a line per provider in scope, sortable, shortfalls first."""
    form = report_form("provider-totals", request.GET, request.user)
    context: dict[str, Any] = {"form": form, "query": query_without_page(request), "formats": FORMATS}
    sort = request.GET.get("sort", "")
    sort = sort if sort.removeprefix("-") in totals.SORTS else totals.DEFAULT_SORT
    if form.is_valid():
        filters = form.filters()
        lines = totals.provider_lines(request.user, filters, sort=sort)
        page = Paginator(lines, 50).get_page(request.GET.get("page"))
        shown = {pk for line in page.object_list for pk in line.students}
        if shown:
            disclosure_record(
                actor=request.user,
                kind=DisclosureKind.VIEW,
                what=totals.TITLE,
                student_ids=shown,
                record_count=len(page.object_list),
                filters=filters.describe(),
            )
        today = timezone.localdate()
        context.update(
            page=page,
            filters=filters,
            sort=sort,
            sorts=_sort_links(request, sort, totals.SORTS),
            behind=sum(1 for line in lines if line.behind),
            to_date=filters.end > today,
            period=urlencode({"date_from": filters.start.isoformat(), "date_to": filters.end.isoformat()}),
        )
    return render(request, "reports/provider_totals.html", context)


@administration_required
@reads_from_replica
def awaiting_provider_list(request: AuthedRequest) -> HttpResponse:
    """Mandates awaiting a provider, today: grouped by school and service, then each."""
    form = report_form("awaiting-provider", request.GET, request.user)
    context: dict[str, Any] = {"form": form, "query": query_without_page(request), "formats": FORMATS}
    if form.is_valid():
        filters = form.filters()
        mandates = lists.awaiting_provider(request.user, filters)
        page = paginate(request, mandates)
        shown = [mandate.pk for mandate in page.object_list]
        _log_view(request, lists.AWAITING_TITLE, mandates.filter(pk__in=shown), len(shown), filters)
        context.update(
            page=page,
            filters=filters,
            groups=lists.awaiting_by_school_and_service(mandates),
            rows=[(mandate, lists.days_between(mandate.waiting_since, filters.end)) for mandate in page.object_list],
        )
    return render(request, "reports/awaiting_provider.html", context)


@administration_required
@reads_from_replica
def never_served_list(request: AuthedRequest) -> HttpResponse:
    """Students added to a caseload but never served, today."""
    form = report_form("never-served", request.GET, request.user)
    context: dict[str, Any] = {"form": form, "query": query_without_page(request), "formats": FORMATS}
    if form.is_valid():
        filters = form.filters()
        entries = lists.never_served(request.user, filters)
        page = paginate(request, entries)
        shown = [entry.pk for entry in page.object_list]
        _log_view(request, lists.NEVER_SERVED_TITLE, entries.filter(pk__in=shown), len(shown), filters)
        context.update(
            page=page,
            filters=filters,
            after_days=lists.NEVER_SERVED_AFTER_DAYS,
            rows=[
                (entry, lists.added_on(entry), lists.days_on_caseload(entry, filters.end)) for entry in page.object_list
            ],
        )
    return render(request, "reports/never_served.html", context)


def _chart_form(request: AuthedRequest) -> ReportFilterForm:
    return ReportFilterForm(request.GET, user=request.user, record_filters=False, period_only=True)


@reads_from_replica
def student_chart(request: AuthedRequest, osis: str) -> HttpResponse:
    """A student's sessions, week by week, one chart per mandate in the user's scope."""
    student = request.scope.student(osis)
    form = _chart_form(request)
    charts = []
    if form.is_valid():
        filters = form.filters()
        mandates = compliance.visible_mandates(request.user, filters).filter(student=student)
        lines = compliance.compliance(
            mandates.select_related("student__school"), filters.start, filters.end, by_week=True
        )
        charts = [
            weekly_chart(
                f"{line.mandate.get_service_display()}, {line.mandate.frequency}", [line], filters.start, filters.end
            )
            for line in lines
        ]
        _log_view(request, "Weekly chart", mandates, len(lines), filters)
    return render(request, "reports/student_chart.html", {"student": student, "charts": charts, "form": form})


@reads_from_replica
def school_chart(request: AuthedRequest, dbn: str) -> HttpResponse:
    """A school's sessions, week by week: every mandate in the user's scope together."""
    school = request.scope.schools().filter(dbn=dbn).first()
    if school is None:
        raise Http404("No such school.")
    form = _chart_form(request)
    charts = []
    if form.is_valid():
        filters = form.filters()
        mandates = compliance.visible_mandates(request.user, filters).filter(student__school=school)
        lines = compliance.compliance(
            mandates.select_related("student__school"), filters.start, filters.end, by_week=True
        )
        charts = [weekly_chart(f"{school.dbn} {school.name}, all mandates", lines, filters.start, filters.end)]
    return render(request, "reports/school_chart.html", {"school": school, "charts": charts, "form": form})
