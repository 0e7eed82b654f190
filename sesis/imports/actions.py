"""Importing a file, the one way every entry point does it (Administration → Imports,
`manage.py import`, the worker): keep the file (`upload_import`), check it whole and
preview it (`check_import`), then apply it (`request_apply`, `apply_import`).

A large file (over settings.SESIS_IMPORT_INLINE_BYTES) is checked and applied by the
worker as a job of Django's Tasks API; a small one within the request. A job killed
midway is run again from the start: applying is one transaction and idempotent, so
nothing is lost or duplicated. Progress (rows done of total) is published through the
"progress" cache, which every process reads."""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from sesis.audit.actions import audit_record
from sesis.imports.framework import ImportRefused, ImportResult, Progress, importers
from sesis.imports.models import ImportFile, ImportStatus
from sesis.lib.db import reconnecting
from sesis.lib.errors import ActionRefused

if TYPE_CHECKING:
    from sesis.people.models import Staff

PROGRESS_EVERY = 0.5  # seconds between published progress reports
FAULT = "SESIS could not finish this file (a fault on our side, logged for support); nothing was applied."


def upload_import(
    *, actor: Staff | None, kind: str, name: str, content: bytes, via: str = "web", background: bool | None = None
) -> ImportFile:
    """Keep a file to import and check it (now, or by the worker when it is large or
    background is asked). From the command line it is applied next (import_now)."""
    if kind not in importers():
        raise ActionRefused(f"{kind!r} is not a kind of import; choose one of {', '.join(sorted(importers()))}.")
    if not content:
        raise ActionRefused("The file is empty; choose a CSV file with a header row.", field="file")
    name = (name or "upload.csv").replace("\\", "/").rsplit("/", 1)[-1][:255]
    with transaction.atomic():
        upload = ImportFile.objects.create(
            kind=kind,
            name=name,
            content=content,
            size=len(content),
            uploaded_by=actor,
            via=via,
            in_background=len(content) > settings.SESIS_IMPORT_INLINE_BYTES if background is None else background,
        )
        audit_record(
            actor=actor,
            action="import.upload",
            obj=upload,
            details={"kind": kind, "file": name, "bytes": len(content), "via": via},
        )
        if via != "web":
            return upload  # the command applies it at once (import_now, import_later)
        if upload.in_background:
            from sesis.imports.tasks import check_import_job

            check_import_job.enqueue(upload.pk)
    if not upload.in_background:
        upload = _or_failed(check_import, upload.pk)
    return upload


def _or_failed(work: Any, upload_id: int) -> ImportFile:
    try:
        upload: ImportFile = work(upload_id)
    except Exception:
        import_failed(upload_id)
        raise
    return upload


def import_now(
    *, actor: Staff | None, kind: str, name: str, content: bytes, progress: Progress | None = None, process: bool = True
) -> ImportFile:
    """`manage.py import`: keep the file and apply it at once (checked whole first). The
    file is applied in one transaction and applying it again changes nothing, so after a
    database restart it is simply applied again."""
    upload = upload_import(actor=actor, kind=kind, name=name, content=content, via="command", background=False)
    ImportFile.objects.filter(pk=upload.pk).update(status=ImportStatus.APPLYING, applied_by=actor)
    return _or_failed(lambda pk: reconnecting(lambda: apply_import(pk, progress, process=process)), upload.pk)


def import_later(*, actor: Staff | None, kind: str, name: str, content: bytes) -> ImportFile:
    """`manage.py import --background`: keep the file for the worker to apply."""
    from sesis.imports.tasks import apply_import_job

    with transaction.atomic():
        upload = upload_import(actor=actor, kind=kind, name=name, content=content, via="command", background=True)
        ImportFile.objects.filter(pk=upload.pk).update(status=ImportStatus.APPLYING, applied_by=actor)
        apply_import_job.enqueue(upload.pk)
    upload.refresh_from_db()
    return upload


def check_import(upload_id: int, progress: Progress | None = None) -> ImportFile:
    """Check the whole file and preview it: every problem of every row, or the counts
    (and the first) of what applying it would create, change and leave unchanged."""
    upload = ImportFile.objects.get(pk=upload_id)
    if upload.status != ImportStatus.CHECKING:
        return upload  # checked already (a job run again)
    importer = importers()[upload.kind]()
    try:
        result = importer.run(
            actor=upload.uploaded_by,
            file=io.BytesIO(bytes(upload.content)),
            name=upload.name,
            progress=progress or publish_progress(upload),
            preview=True,
        )
    except ImportRefused as refused:
        _refuse(upload, refused)
    else:
        _keep_result(upload, result, importer.current.shown)
        upload.status = ImportStatus.CHECKED
        upload.save()
    return upload


def request_apply(*, actor: Staff | None, upload: ImportFile) -> ImportFile:
    """Apply a checked file (now, or by the worker for a large one). Asking again while
    it is applied, or after, changes nothing: a file is applied once."""
    with transaction.atomic():
        upload = ImportFile.objects.select_for_update().get(pk=upload.pk)
        if upload.status in (ImportStatus.APPLYING, ImportStatus.APPLIED):
            return upload
        if upload.status != ImportStatus.CHECKED:
            raise ActionRefused(
                "This file cannot be applied: "
                + ("it is still being checked." if upload.status == ImportStatus.CHECKING else "it was refused.")
            )
        upload.status = ImportStatus.APPLYING
        upload.applied_by = actor
        upload.save(update_fields=["status", "applied_by"])
        if upload.in_background:
            from sesis.imports.tasks import apply_import_job

            apply_import_job.enqueue(upload.pk)
    if not upload.in_background:
        upload = _or_failed(apply_import, upload.pk)
    return upload


def apply_import(upload_id: int, progress: Progress | None = None, *, process: bool = True) -> ImportFile:
    """Apply a file being applied: checked again whole (the data may have changed since
    its preview), then written in one transaction with its status, counts and audit
    events, so it is applied exactly once however often this runs."""
    upload = ImportFile.objects.get(pk=upload_id)
    if upload.status != ImportStatus.APPLYING:
        return upload
    importer = importers()[upload.kind](process=process)

    def mark_applied(result: ImportResult) -> None:
        _keep_result(upload, result, importer.current.shown)
        upload.status = ImportStatus.APPLIED
        upload.applied_at = timezone.now()
        marked = ImportFile.objects.filter(pk=upload.pk, status=ImportStatus.APPLYING).update(
            status=upload.status,
            applied_at=upload.applied_at,
            rows=upload.rows,
            created=upload.created,
            updated=upload.updated,
            unchanged=upload.unchanged,
            changes=upload.changes,
            notes=upload.notes,
        )
        if not marked:
            raise ActionRefused("This file was applied by another process.")

    try:
        result = importer.run(
            actor=upload.applied_by,
            file=io.BytesIO(bytes(upload.content)),
            name=upload.name,
            progress=progress or publish_progress(upload),
            inside=mark_applied,
        )
    except ImportRefused as refused:
        _refuse(upload, refused)
    except ActionRefused:
        upload.refresh_from_db()
    else:
        if result.notes != upload.notes:  # notes of work after the commit (processing first attends)
            upload.notes = result.notes
            upload.save(update_fields=["notes"])
    return upload


def import_failed(upload_id: int) -> None:
    """A job that raised (a fault of SESIS, not of the file): the file says so."""
    ImportFile.objects.filter(pk=upload_id, status__in=[ImportStatus.CHECKING, ImportStatus.APPLYING]).update(
        status=ImportStatus.REFUSED, problems=[[0, "", FAULT]], problem_count=1
    )


def _refuse(upload: ImportFile, refused: ImportRefused) -> None:
    upload.status = ImportStatus.REFUSED
    upload.problems = [[error.line, error.column, error.message] for error in refused.errors]
    upload.problem_count = len(upload.problems)
    upload.created = upload.updated = upload.unchanged = 0
    upload.changes = []
    upload.save()


def _keep_result(upload: ImportFile, result: ImportResult, shown: list[dict[str, Any]]) -> None:
    upload.rows = result.rows
    upload.created = result.created
    upload.updated = result.updated
    upload.unchanged = result.unchanged
    upload.changes = shown
    upload.notes = result.notes
    upload.problems = []


def publish_progress(upload: ImportFile) -> Progress:
    """A progress callback publishing (done, total) for the page's progress bar, at most
    twice a second."""
    cache = caches["progress"]
    key = progress_key(upload)
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            cache.set(key, [done, total], timeout=24 * 3600)

    return report


def read_progress(upload: ImportFile) -> tuple[int, int]:
    found = caches["progress"].get(progress_key(upload))
    return (int(found[0]), int(found[1])) if found else (0, 0)


def progress_key(upload: ImportFile) -> str:
    return f"import:{upload.progress_key}:{upload.status}"
