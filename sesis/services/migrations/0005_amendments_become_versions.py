"""Every amendment becomes a version of its record: the record's columns take the
amended values, and each version it replaces is kept in the history table exactly as
it was (the original with its own signature, unchanged). Amendments were not signed
before this release, so a migrated amendment's version carries the amender's name and
time, is sealed with a hash, and says it was not signed (unsigned_amendment).

Then the record's lock becomes a versioning trigger: a certified record changes only
into its next signed version, and the database copies the replaced version into the
history first. The hash and column list are pinned here as they are at this release.

If an amended record would break a constraint in its amended form (two sessions of a
provider at once, or the same session twice: the old overlay let amendments through
unchecked by the database), the migration stops and names the records, changing
nothing; amend one of them in the previous release first."""

import datetime as dt
import hashlib
import json

from django.db import IntegrityError, migrations, transaction

from sesis.lib.dbtriggers import CreateImmutableRows, DropImmutableRows, ImmutableRows, VersionedRows

COLUMNS = (
    "date",
    "start_time",
    "end_time",
    "service",
    "language",
    "session_type",
    "cancel_reason",
    "grouping",
    "group_count",
    "location",
    "description",
    "progress",
    "notes",
    "recorded_by_id",
    "version",
    "certified_at",
    "certified_by_id",
    "certification_hash",
    "amends_hash",
    "amendment_reason",
    "unsigned_amendment",
    "student_id",
    "provider_id",
    "mandate_id",
    "makeup_of_id",
    "group_session_id",
)
FIRST_SIGNED = (
    "student_id",
    "provider_id",
    "mandate_id",
    "date",
    "start_time",
    "end_time",
    "service",
    "language",
    "session_type",
    "cancel_reason",
    "grouping",
    "group_count",
    "location",
    "description",
    "progress",
    "notes",
    "makeup_of_id",
    "group_session_id",
    "recorded_by_id",
    "certified_by_id",
    "certified_at",
)
LATER_SIGNED = ("amendment_reason", "amends_hash", "unsigned_amendment")
AMENDABLE = (
    "start_time",
    "end_time",
    "language",
    "session_type",
    "cancel_reason",
    "grouping",
    "group_count",
    "location",
    "description",
    "progress",
    "notes",
)
MESSAGE = "A certified service record cannot be changed or deleted; add an amendment."
OLD_LOCK = ImmutableRows(table="services_servicerecord", message=MESSAGE, condition="OLD.certified_at IS NOT NULL")
VERSIONED = VersionedRows(
    table="services_servicerecord", history="services_servicerecordversion", columns=COLUMNS, message=MESSAGE
)
HISTORY_APPEND_ONLY = ImmutableRows(table="services_servicerecordversion", message="Record versions are append-only.")


def content_hash(values):
    content = {name: values[name] for name in sorted(FIRST_SIGNED)}
    for name in LATER_SIGNED:
        if values[name] not in ("", None, False):
            content[name] = values[name]
    for name in ("date", "start_time", "end_time", "certified_at"):
        if content[name] is not None:
            content[name] = content[name].isoformat()
    text = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode(content)
    return hashlib.sha256(text.encode()).hexdigest()


def _typed(name, value):
    if name in ("start_time", "end_time") and isinstance(value, str):
        return dt.time.fromisoformat(value)
    return value


def forwards(apps, schema_editor):
    ServiceRecord = apps.get_model("services", "ServiceRecord")
    ServiceRecordVersion = apps.get_model("services", "ServiceRecordVersion")
    Amendment = apps.get_model("services", "Amendment")
    names = [column for column in COLUMNS]
    conflicts = []
    amended = Amendment.objects.values_list("record_id", flat=True).distinct()
    for record_id in sorted(set(amended)):
        current = ServiceRecord.objects.filter(pk=record_id).values(*names).get()
        for amendment in Amendment.objects.filter(record_id=record_id).order_by("amended_at", "id"):
            ServiceRecordVersion.objects.create(record_id=record_id, superseded_at=amendment.amended_at, **current)
            after = dict(current)
            for name, (_, value) in amendment.changes.items():
                if name in AMENDABLE:
                    after[name] = _typed(name, value)
            after.update(
                version=current["version"] + 1,
                amends_hash=current["certification_hash"],
                amendment_reason=(amendment.reason or "").strip() or "(no reason recorded)",
                unsigned_amendment=True,
                certified_by_id=amendment.amended_by_id,
                certified_at=amendment.amended_at,
            )
            after["certification_hash"] = content_hash(after)
            current = after
        try:
            with transaction.atomic():
                ServiceRecord.objects.filter(pk=record_id).update(**current)
        except IntegrityError as error:
            conflicts.append(f"record {record_id}: {str(error).splitlines()[0]}")
    if conflicts:
        raise RuntimeError(
            "These amended records break a constraint in their amended form (a provider in two places at once, or "
            "the same session twice); amend one of each pair in the previous release, then migrate again: "
            + "; ".join(conflicts[:50])
        )


def backwards(apps, schema_editor):
    """Versions back into amendments (for a rollback): the record returns to its
    original version and each later version becomes an amendment by its signer."""
    ServiceRecord = apps.get_model("services", "ServiceRecord")
    ServiceRecordVersion = apps.get_model("services", "ServiceRecordVersion")
    names = [column for column in COLUMNS]
    for record_id in sorted(set(ServiceRecordVersion.objects.values_list("record_id", flat=True))):
        versions = list(ServiceRecordVersion.objects.filter(record_id=record_id).order_by("version").values(*names))
        versions.append(ServiceRecord.objects.filter(pk=record_id).values(*names).get())
        for before, after in zip(versions, versions[1:], strict=False):
            changes = {
                name: [_plain(before[name]), _plain(after[name])] for name in AMENDABLE if before[name] != after[name]
            }
            # Raw SQL: amended_at is the amendment's signing time, not now (auto_now_add).
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO services_amendment (record_id, amended_by_id, amended_at, reason, changes) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [
                        record_id,
                        after["certified_by_id"],
                        after["certified_at"],
                        after["amendment_reason"][:500],
                        json.dumps(changes),
                    ],
                )
        ServiceRecord.objects.filter(pk=record_id).update(**versions[0])
    ServiceRecordVersion.objects.all().delete()


def _plain(value):
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value


class Migration(migrations.Migration):
    dependencies = [("services", "0004_record_versions")]
    operations = [
        DropImmutableRows(OLD_LOCK),
        migrations.RunPython(forwards, backwards),
        CreateImmutableRows(VERSIONED),
        CreateImmutableRows(HISTORY_APPEND_ONLY),
    ]
