"""Administration → Imports: upload a CSV file of any documented kind, see every problem
of every row or a preview of what it will create, change and leave unchanged, apply
it; the history of every import (the command line's too), each file downloadable again.
Administrators only. Large files are checked and applied by the worker, with a progress
bar (static/sesis/progress.js polls `import_progress`)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_http_methods, require_POST

from sesis.access.http import AuthedRequest, administrator_required
from sesis.administration.forms import ImportUploadForm
from sesis.audit.actions import disclosure_record
from sesis.audit.models import DisclosureKind
from sesis.imports.actions import read_progress, request_apply, upload_import
from sesis.imports.framework import importers
from sesis.imports.models import ImportFile, ImportStatus
from sesis.lib.errors import ActionRefused
from sesis.lib.http import paginate


def _kinds() -> dict[str, str]:
    return {kind: kind for kind in importers()}


@require_http_methods(["GET", "POST"])
@administrator_required
def imports(request: AuthedRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None, kinds=_kinds())
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            kept = upload_import(
                actor=request.user, kind=form.cleaned_data["kind"], name=upload.name, content=upload.read()
            )
        except ActionRefused as refused:
            form.add_error(refused.field or "file", refused.message)
        else:
            return redirect("import_detail", pk=kept.pk)
    history = ImportFile.objects.select_related("uploaded_by").defer("content", "changes", "notes", "problems")
    last = dict(
        ImportFile.objects.filter(status=ImportStatus.APPLIED)
        .values_list("kind")
        .annotate(last=Max("applied_at"))
        .values_list("kind", "last")
    )
    context = {
        "form": form,
        "page": paginate(request, history),
        "last_imported": [(kind, last.get(kind), importers()[kind].description) for kind in sorted(importers())],
        "current": "imports",
    }
    return render(request, "imports/imports.html", context, status=400 if form.errors else 200)


@administrator_required
def import_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    upload = get_object_or_404(ImportFile.objects.select_related("uploaded_by", "applied_by").defer("content"), pk=pk)
    done, total = read_progress(upload) if upload.busy else (0, 0)
    context = {
        "upload": upload,
        "problems": upload.problems[:1000],
        "creates": [change for change in upload.changes if change["change"] == "create"],
        "updates": [change for change in upload.changes if change["change"] == "update"],
        "deletes": [change for change in upload.changes if change["change"] == "delete"],
        "done": done,
        "total": total,
        "current": "imports",
    }
    return render(request, "imports/import_detail.html", context)


@require_POST
@administrator_required
def import_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    upload = get_object_or_404(ImportFile.objects.defer("content"), pk=pk)
    try:
        upload = request_apply(actor=request.user, upload=upload)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        if upload.status == ImportStatus.APPLIED:
            messages.success(request, f"{upload.name} is applied.")
        elif upload.status == ImportStatus.REFUSED:
            messages.error(request, f"{upload.name} was refused when applied; nothing was applied.")
    return redirect("import_detail", pk=upload.pk)


@administrator_required
def import_progress(request: AuthedRequest, pk: int) -> JsonResponse:
    """The file's status and, while it is checked or applied, rows done of total."""
    upload = get_object_or_404(ImportFile.objects.only("id", "status", "progress_key"), pk=pk)
    done, total = read_progress(upload) if upload.busy else (0, 0)
    return JsonResponse({"status": upload.status, "busy": upload.busy, "done": done, "total": total})


@administrator_required
def import_download(request: AuthedRequest, pk: int) -> HttpResponse:
    """The file as it was uploaded. It holds students' records: in the disclosure log."""
    upload = get_object_or_404(ImportFile, pk=pk)
    disclosure_record(
        actor=request.user,
        kind=DisclosureKind.EXPORT,
        what="Import file",
        file_format="csv",
        filters={"import": upload.pk, "kind": upload.kind, "file": upload.name},
        record_count=upload.rows,
    )
    response = HttpResponse(bytes(upload.content), content_type="text/csv; charset=utf-8")
    name = get_valid_filename(upload.name) or "import.csv"
    response["Content-Disposition"] = f'attachment; filename="import-{upload.pk}-{name}"'
    return response
