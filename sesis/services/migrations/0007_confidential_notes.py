"""Confidential counseling notes: a record's Session Notes may be marked confidential
(counseling only). The history trigger copies the new column with the rest, so it is
re-created with the new column list; on SQLite adding a column rebuilds the tables,
which drops their triggers, so both tables' triggers are dropped first and re-created
after."""

from django.db import migrations, models

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
MESSAGE = "A certified service record cannot be changed or deleted; add an amendment."
BEFORE = VersionedRows(
    table="services_servicerecord", history="services_servicerecordversion", columns=COLUMNS, message=MESSAGE
)
AFTER = VersionedRows(
    table="services_servicerecord",
    history="services_servicerecordversion",
    columns=(*COLUMNS, "notes_confidential"),
    message=MESSAGE,
)
HISTORY_APPEND_ONLY = ImmutableRows(table="services_servicerecordversion", message="Record versions are append-only.")
HELP = "Counseling only: the notes are then shown only to you and administrators, and left out of exports."


class Migration(migrations.Migration):
    dependencies = [("services", "0006_remove_amendment")]

    operations = [
        DropImmutableRows(BEFORE),
        DropImmutableRows(HISTORY_APPEND_ONLY),
        migrations.AddField(
            model_name="servicerecord",
            name="notes_confidential",
            field=models.BooleanField(
                db_default=False, default=False, help_text=HELP, verbose_name="Confidential notes"
            ),
        ),
        migrations.AddField(
            model_name="servicerecordversion",
            name="notes_confidential",
            field=models.BooleanField(
                db_default=False, default=False, help_text=HELP, verbose_name="Confidential notes"
            ),
        ),
        migrations.AddConstraint(
            model_name="servicerecord",
            constraint=models.CheckConstraint(
                condition=models.Q(("notes_confidential", False), ("service__in", ["COUNSELING"]), _connector="OR"),
                name="record_confidential_notes_counseling",
            ),
        ),
        CreateImmutableRows(AFTER),
        CreateImmutableRows(HISTORY_APPEND_ONLY),
    ]
