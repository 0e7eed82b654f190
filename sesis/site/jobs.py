"""A user's background jobs (Your files): a large export or a claim run, its progress
bar while the worker prepares it, and its file, for the requester alone, until it
expires. Anyone else, administrators included, is shown a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import get_valid_filename

from sesis.access.http import AuthedRequest
from sesis.jobs.actions import job_file, read_progress
from sesis.jobs.models import Job
from sesis.lib.errors import ActionRefused
from sesis.lib.http import paginate


def _own(request: AuthedRequest, pk: int) -> Job:
    job = Job.objects.filter(pk=pk, requested_by=request.user).first()
    if job is None:
        raise Http404("No such file.")
    return job


def my_files(request: AuthedRequest) -> HttpResponse:
    jobs = Job.objects.filter(requested_by=request.user)
    return render(request, "site/my_files.html", {"page": paginate(request, jobs), "now": timezone.now()})


def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    job = _own(request, pk)
    done, total = read_progress(job) if job.busy else (0, 0)
    context = {"job": job, "done": done, "total": total, "now": timezone.now()}
    return render(request, "site/job_detail.html", context)


def job_progress(request: AuthedRequest, pk: int) -> JsonResponse:
    job = _own(request, pk)
    done, total = read_progress(job) if job.busy else (0, 0)
    return JsonResponse({"status": job.status, "busy": job.busy, "done": done, "total": total})


def job_download(request: AuthedRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    job = _own(request, pk)
    try:
        parts = job_file(actor=request.user, job=job)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("job_detail", pk=job.pk)
    response = StreamingHttpResponse(parts, content_type=job.content_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{get_valid_filename(job.file_name) or "file"}"'
    response["Content-Length"] = str(job.size)
    return response
