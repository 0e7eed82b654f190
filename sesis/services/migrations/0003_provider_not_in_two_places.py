"""On PostgreSQL, the database itself refuses two Service Provided sessions of one
provider at overlapping times, unless both belong to the same group session. SQLite
has no exclusion constraints; there the rule is held by the action's check alone.
The constraint stays out of Django's model state on purpose (it exists only here)."""

from __future__ import annotations

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE services_servicerecord ADD CONSTRAINT record_provider_not_in_two_places
EXCLUDE USING gist (
    provider_id WITH =,
    tsrange(date + start_time, date + end_time) WITH &&,
    (COALESCE(group_session_id, -id)) WITH <>
) WHERE (session_type = 'provided');
"""
DROP = "ALTER TABLE services_servicerecord DROP CONSTRAINT IF EXISTS record_provider_not_in_two_places;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("services", "0002_locks")]
    operations = [migrations.RunPython(forwards, backwards)]
