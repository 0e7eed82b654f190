"""`manage.py worker`: runs the jobs of SESIS's queue (django-tasks-db's db_worker), after
putting back in the queue the jobs of workers that died mid-job (docs/operations.md)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("sesis.worker")


def worker_id() -> str:
    return f"{socket.gethostname()[:50]}:{os.getpid()}"


def alive(pid: int) -> bool:
    """Whether a worker process with this id still runs on this machine."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True  # no /proc: a live process of that id is taken for the worker
    return b"worker" in cmdline  # else the id was reused by another program


def requeue_orphans(*, older_than: dt.timedelta | None = None) -> list[str]:
    """Jobs marked running whose worker is gone: a worker of this machine that no longer
    runs, or (older_than) any job running for longer than that. They go back to the
    queue and run again from the start (every SESIS job may be run again)."""
    host = socket.gethostname()[:50]
    orphans = []
    for job in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        last = job.worker_ids[-1] if job.worker_ids else ""
        name, _, pid = last.rpartition(":")
        dead_here = name == host and pid.isdigit() and not alive(int(pid))
        too_old = older_than is not None and job.started_at is not None and job.started_at < timezone.now() - older_than
        if dead_here or too_old:
            updated = DBTaskResult.objects.filter(pk=job.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
            if updated:
                orphans.append(str(job.pk))
                logger.warning("Job %s (%s) of worker %s is back in the queue.", job.pk, job.task_path, last)
    return orphans


class Command(DBWorkerCommand):
    help = "Run SESIS's background jobs (imports of large files), after requeueing the jobs of dead workers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--requeue-older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help="also requeue jobs running for longer than this on any machine (a machine gone for good)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        older = options.pop("requeue_older_than")
        requeued = requeue_orphans(older_than=dt.timedelta(seconds=older) if older else None)
        if requeued:
            self.stderr.write(f"{len(requeued)} job(s) of workers that stopped mid-job are back in the queue.")
        options["worker_id"] = worker_id()
        super().handle(*args, **options)
