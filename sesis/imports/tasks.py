"""The import jobs the worker runs (`manage.py worker`): checking a large file and
applying it. Each is safe to run again from the start (a worker killed midway)."""

from __future__ import annotations

from django_tasks import task

from sesis.imports.actions import apply_import, check_import, import_failed


@task()
def check_import_job(upload_id: int) -> str:
    try:
        return check_import(upload_id).status
    except Exception:
        import_failed(upload_id)
        raise


@task()
def apply_import_job(upload_id: int) -> str:
    try:
        return apply_import(upload_id).status
    except Exception:
        import_failed(upload_id)
        raise
