"""What the record page says of a session's Medicaid claim: claimed (in which run, as
which claim), amended since its claim (the next run of its month replaces or voids
it), or voided."""

from __future__ import annotations

from sesis.claims.models import ClaimLine, Frequency
from sesis.services.models import ServiceRecord


def claim_status(record: ServiceRecord) -> str:
    line = ClaimLine.objects.filter(record=record).select_related("run", "replaces").order_by("-id").first()
    if line is None:
        return ""
    run = f"claim run {line.run_id} ({line.run.month:%Y-%m})"
    if line.frequency == Frequency.VOID:
        assert line.replaces is not None
        said = f"Claim {line.replaces.claim_id} voided in {run}."
    else:
        word = "replaced as" if line.frequency == Frequency.REPLACEMENT else "claimed as"
        said = f"{word[0].upper()}{word[1:]} {line.claim_id} in {run}."
    if line.version < record.version:
        said += (
            f" Amended since (version {record.version}): the next claim run for {line.run.month:%Y-%m} sends a "
            "replacement, or a void if it is no longer claimable."
        )
    return said
