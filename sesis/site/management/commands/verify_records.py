from __future__ import annotations

import hashlib
import json
from argparse import ArgumentParser
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from sesis.reports.encounter_attendance import earlier_versions_checked
from sesis.services.models import HASHED_FIELDS, ServiceRecord, ServiceRecordVersion, Signature, signature_status


class Command(BaseCommand):
    help = (
        "Check the records after a restore (or at any time): the rows in every table, and "
        "every certified service record's certification hash, in every signed version (an "
        "amended record's earlier versions too, each naming the one before). Prints a summary "
        "(--json for a machine) and fails if any certified record does not match its signature."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, json: bool, **options: Any) -> None:
        summary = verify()
        if json:
            self.stdout.write(_json(summary))
        else:
            for table, count in summary["rows"].items():
                self.stdout.write(f"{table}: {count:,} rows")
            self.stdout.write(
                f"certified records: {summary['certified']:,} ({summary['earlier_versions']:,} earlier signed "
                f"versions), verified {summary['verified']:,}, not matching {len(summary['mismatched']):,}; "
                f"signatures digest {summary['digest']}"
            )
        if summary["mismatched"]:
            raise CommandError(
                f"{len(summary['mismatched'])} certified record(s) do not match their signature: "
                f"{summary['mismatched'][:20]}"
            )


def verify() -> dict[str, Any]:
    rows = {
        model._meta.db_table: model._default_manager.count()
        for model in sorted(apps.get_models(), key=lambda m: m._meta.db_table)
        if model._meta.managed and not model._meta.proxy
    }
    digest = hashlib.sha256()
    certified = verified = 0
    mismatched: list[int] = []
    records = ServiceRecord.objects.filter(certified_at__isnull=False).order_by("pk")
    earlier = earlier_versions_checked(records)
    versions = ServiceRecordVersion.objects.order_by("record_id", "version")
    for record_id, version, signed in versions.values_list("record_id", "version", "certification_hash").iterator():
        digest.update(f"{record_id}.{version}:{signed};".encode())
    for values in records.values("pk", *HASHED_FIELDS, "certification_hash").iterator(chunk_size=5000):
        certified += 1
        digest.update(f"{values['pk']}:{values['certification_hash']};".encode())
        intact = not values["amends_hash"] or earlier.get(values["pk"]) == values["amends_hash"]
        if intact and signature_status(values) == Signature.VERIFIED:
            verified += 1
        else:
            mismatched.append(values["pk"])
    return {
        "rows": rows,
        "certified": certified,
        "earlier_versions": rows.get(ServiceRecordVersion._meta.db_table, 0),
        "verified": verified,
        "mismatched": mismatched,
        "digest": digest.hexdigest(),
    }


def _json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, sort_keys=True)
