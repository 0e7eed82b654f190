from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sesis.access.http import AuthedRequest, administration_required
from sesis.ivr.access import visible_first_attends
from sesis.ivr.forms import FirstAttendFilterForm
from sesis.ivr.models import FirstAttend
from sesis.ivr.signature import request_is_signed
from sesis.ivr.voice import handle_call
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
