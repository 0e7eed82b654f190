"""A month's claim run made by the worker (a month at district scale takes minutes):
the same action as the page's and the command's, with its progress."""

from __future__ import annotations

from django.urls import reverse

from sesis.claims.actions import claim_run_create, month_start
from sesis.claims.models import ClaimRun
from sesis.jobs.actions import FileWriter, Progress
from sesis.jobs.models import Job

KIND = "claim-run"


def run_claim_job(job: Job, writer: FileWriter, progress: Progress) -> None:
    run = claim_run_create(actor=job.requested_by, month=month_start(job.params["month"]), progress=progress)
    job.message = claim_summary(run)
    job.link = reverse("medicaid_claims")


def claim_summary(run: ClaimRun) -> str:
    return (
        f"Claim run {run.pk} for {run.month:%Y-%m}: {run.lines} new claims, {run.replacements} replacements, "
        f"{run.voids} voids, ${run.amount:,.2f}; {run.unclaimable} sessions not claimable."
        + ("" if run.claimed_anything else " Nothing new to claim.")
    )
