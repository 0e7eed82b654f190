"""The job worker's step, for tests: each ready job claimed and run as
`manage.py worker` runs it (django-tasks-db's `run_task`), until the queue is empty.
Its polling loop is left out: the loop closes the database connection, which a test's
transaction holds."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queue() -> None:
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    while (task := DBTaskResult.objects.ready().first()) is not None:
        task.claim("test")
        worker.run_task(task)
