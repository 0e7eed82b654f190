"""Administration → Medicaid claims: this month's claimability by reason, service and
school with the estimated amount; produce a month's claim file; every run with its
totals and its three files (each download in the disclosure log)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sesis.access.http import AuthedRequest, administrator_required
from sesis.claims.actions import claim_run_check, claim_run_create, claim_run_file, month_records, month_start
from sesis.claims.jobs import KIND, claim_summary
from sesis.claims.models import ClaimRun
from sesis.jobs.actions import job_request
from sesis.lib.errors import ActionRefused
from sesis.medicaid.claimability import JUDGED_FIELDS, Reason, judged, rules
from sesis.services.models import ServiceRecord
from sesis.students.models import Student


def month_figures(first: object, last: object) -> dict[str, object]:
    """Claimable and not claimable sessions and minutes from `first` to `last`, by
    reason, service and school, with the estimated amount of the claimable."""
    services = sorted({service for service, _group in rules()})
    records = (
        ServiceRecord.objects.filter(date__gte=first, date__lte=last, service__in=services, session_type="provided")
        .select_related("student__school")
        .only(*JUDGED_FIELDS, "student__school__dbn", "student__school__name")
    )
    totals = {"claimable": [0, 0], "unclaimable": [0, 0]}
    amount = Decimal("0")
    reasons: Counter[str] = Counter()
    by_service: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_school: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for record, verdict in judged(records):
        if verdict is None:
            continue
        key = "claimable" if verdict.claimable else "unclaimable"
        totals[key][0] += 1
        totals[key][1] += verdict.minutes
        column = 0 if verdict.claimable else 1
        by_service[record.get_service_display()][column] += 1
        by_school[f"{record.student.school.dbn} {record.student.school.name}"][column] += 1
        if verdict.claimable:
            amount += verdict.amount
        reasons.update({p.code for p in verdict.problems})
    return {
        "totals": totals,
        "amount": amount,
        "reasons": [(Reason.HEADINGS[code], count) for code, count in reasons.most_common()],
        "by_service": sorted(by_service.items()),
        "by_school": sorted(by_school.items()),
    }


@require_http_methods(["GET", "POST"])
@administrator_required
def claims(request: AuthedRequest) -> HttpResponse:
    osis = request.GET.get("osis", "").strip()
    if osis:
        if Student.objects.filter(osis=osis).exists():
            return redirect("student_medicaid", osis=osis)
        messages.error(request, f"No student has OSIS ID {osis}.")
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if request.method == "POST":
        try:
            month = month_start(request.POST.get("month", ""))
            claim_run_check(actor=request.user, month=month)
            if month_records(month) > settings.SESIS_CLAIMS_INLINE_RECORDS:
                job = job_request(
                    actor=request.user,
                    kind=KIND,
                    title=f"Medicaid claim file for {month:%Y-%m}",
                    params={"month": f"{month:%Y-%m}"},
                )
                return redirect("job_detail", pk=job.pk)
            run = claim_run_create(actor=request.user, month=month)
        except ActionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, claim_summary(run))
        return redirect("medicaid_claims")
    context = {
        "current": "claims",
        "figures": month_figures(today.replace(day=1), today),
        "today": today,
        "default_month": f"{last_month:%Y-%m}",
        "runs": ClaimRun.objects.select_related("created_by")[:50],
    }
    return render(request, "claims/claims.html", context)


@administrator_required
def claims_download(request: AuthedRequest) -> StreamingHttpResponse:
    """?run=ID&file=x12|lines|unclaimable"""
    run_id = request.GET.get("run", "")
    run = ClaimRun.objects.filter(pk=int(run_id)).first() if run_id.isdigit() else None
    if run is None:
        raise Http404("No such claim run.")
    try:
        name, content_type, body = claim_run_file(actor=request.user, run=run, which=request.GET.get("file", ""))
    except ActionRefused:
        raise Http404("No such file.") from None
    response = StreamingHttpResponse((part.encode() for part in body), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
