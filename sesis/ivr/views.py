from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sesis.access.http import AuthedRequest, administration_required
from sesis.audit.actions import disclosure_record
from sesis.audit.models import DisclosureKind
from sesis.ivr.access import visible_first_attends
from sesis.ivr.forms import FirstAttendFilterForm
from sesis.ivr.models import FirstAttend
from sesis.ivr.signature import request_is_signed
from sesis.ivr.voice import handle_call
from sesis.lib.exports import FORMATS, TooManyRows, check_size, csv_lines, xlsx_file
from sesis.lib.http import paginate, query_without_page

log = logging.getLogger(__name__)


@csrf_exempt
@login_not_required
@require_POST
def voice(request: HttpRequest) -> HttpResponse:
    """The telephony provider's webhook: answers each step of a call in TwiML."""
    if not settings.SESIS_IVR_ENABLED:
        raise Http404("The telephone line is not enabled.")
    if not request_is_signed(request):
        log.warning("IVR request refused: missing or wrong X-Twilio-Signature from %s", request.META.get("REMOTE_ADDR"))
        return HttpResponseForbidden("Request signature missing or wrong.", content_type="text/plain")
    call_sid = request.POST.get("CallSid", "").strip()
    if not call_sid:
        return HttpResponse("CallSid is required.", status=400, content_type="text/plain")
    digits = request.POST.get("Digits")
    twiml = handle_call(call_sid=call_sid[:80], digits=digits if digits else None, url=reverse("ivr_voice"))
    return HttpResponse(twiml, content_type="text/xml")


def _first_attends_for(request: AuthedRequest) -> QuerySet[FirstAttend]:
    return visible_first_attends(request.user)


def my_first_attends(request: AuthedRequest) -> HttpResponse:
    """A provider's first attends, by telephone or feed, with what became of each."""
    if not request.user.is_provider:
        raise Http404("No such page.")
    form = FirstAttendFilterForm(request.GET or None)
    first_attends = _first_attends_for(request)
    if form.is_valid():
        first_attends = form.filter(first_attends)
    context = {
        "page": paginate(request, first_attends),
        "form": form,
        "query": query_without_page(request),
        "own": True,
    }
    return render(request, "ivr/first_attends.html", context)


@administration_required
def first_attends_admin(request: AuthedRequest) -> HttpResponse:
    """The first attends of the providers in a supervisor's scope, filterable by status."""
    form = FirstAttendFilterForm(request.GET or None)
    first_attends = _first_attends_for(request)
    if form.is_valid():
        first_attends = form.filter(first_attends)
    context = {
        "page": paginate(request, first_attends),
        "form": form,
        "query": query_without_page(request),
        "own": False,
        "current": "first_attends",
    }
    return render(request, "ivr/first_attends.html", context)


EXPORT_TITLE = "First Attends"
EXPORT_COLUMNS = [
    "Received",
    "Provider",
    "Staff ID",
    "Student",
    "OSIS ID",
    "Service Type",
    "First attend",
    "How",
    "Outcome",
    "Reason",
    "Processed",
]


def _export_cells(fa: FirstAttend) -> list[object]:
    return [
        timezone.localtime(fa.received_at),
        fa.provider.full_name if fa.provider else "",
        fa.staff_id,
        fa.student.full_name if fa.student else "",
        fa.osis,
        fa.get_service_display(),
        fa.first_attend_date,
        fa.get_source_display(),
        fa.get_status_display(),
        fa.reason,
        timezone.localtime(fa.processed_at) if fa.processed_at else None,
    ]


def first_attends_export(request: AuthedRequest, file_format: str) -> HttpResponseBase:
    """The first attends the page lists, with its filters, as CSV or XLSX: in the
    disclosure log (and the audit log) before a row leaves. Supervisors and
    administrators only, like the page."""
    if not request.scope.administers:
        raise Http404("No such page.")
    form = FirstAttendFilterForm(request.GET or None)
    first_attends = _first_attends_for(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, "Correct the filters before exporting.")
        return redirect(f"{reverse('first_attends_admin')}?{request.GET.urlencode()}")
    if form.is_bound:
        first_attends = form.filter(first_attends)
    count = first_attends.count()
    try:
        check_size(file_format, count)
    except TooManyRows as refused:
        messages.error(request, str(refused))
        return redirect(f"{reverse('first_attends_admin')}?{request.GET.urlencode()}")
    disclosure_record(
        actor=request.user,
        kind=DisclosureKind.EXPORT,
        what=EXPORT_TITLE,
        students=first_attends.filter(student__isnull=False),
        record_count=count,
        file_format=file_format,
        filters={key: value for key, value in request.GET.items() if value},
    )
    rows = (_export_cells(fa) for fa in first_attends.iterator(chunk_size=2000))
    name = f"first-attends_{timezone.localdate():%Y%m%d}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(csv_lines(EXPORT_COLUMNS, rows), content_type=FORMATS["csv"])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        xlsx_file(EXPORT_TITLE, EXPORT_COLUMNS, rows), as_attachment=True, filename=name, content_type=FORMATS["xlsx"]
    )
