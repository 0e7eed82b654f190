"""A record's signed history, as its page shows it: every signed version, the original
first, each with who signed it, when, why (for an amendment), what it changed from the
version before, and whether its signature still holds."""

from __future__ import annotations

from dataclasses import dataclass

from sesis.services.models import HASHED_FIELDS, ServiceRecord, SessionContent, Signature, chain_status


@dataclass
class Entry:
    version: SessionContent
    changes: dict[str, list[str]]  # label: [before, after], from the version before
    current: bool

    @property
    def verified(self) -> bool:
        return self.version.hash_is_valid()


def changes_between(before: SessionContent, after: SessionContent, hide_notes: bool = False) -> dict[str, list[str]]:
    """What changed from one version to the next, by label, as a person reads it:
    {"Group Size": ["Group, 3", "Individual"]}. hide_notes: for a reader who may not see
    confidential notes (each version's own mark decides)."""
    old, new = before.shown(hide_notes), after.shown(hide_notes)
    return {label: [old[label], new[label]] for label in new if old[label] != new[label]}


def history(record: ServiceRecord, hide_notes: bool = False) -> list[Entry]:
    versions = record.signed_versions()
    return [
        Entry(version=v, changes=changes_between(versions[i - 1], v, hide_notes) if i else {}, current=v is record)
        for i, v in enumerate(versions)
    ]


def signature(record: ServiceRecord) -> str:
    """Verified when every signed version of the record still matches its signature
    and each amendment names the version it replaced; "" before certification."""
    if not record.is_certified:
        return ""
    rows = [
        {name: getattr(v, name) for name in (*HASHED_FIELDS, "certification_hash")} for v in record.signed_versions()
    ]
    return chain_status(rows)


__all__ = ["Entry", "Signature", "changes_between", "history", "signature"]
