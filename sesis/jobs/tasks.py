"""The worker's task for every job (sesis.jobs.actions.run_job)."""

from __future__ import annotations

from django_tasks import task

from sesis.jobs.actions import run_job


@task()
def run_job_task(job_id: int) -> str:
    return run_job(job_id).status
