"""On PostgreSQL, sesis_json_string(text): a string as Python's json module writes it,
for the signature check in SQL (sesis/services/signature_sql.py). SQLite checks every
signature in Python."""

from __future__ import annotations

from django.db import migrations

from sesis.services.signature_sql import DROP_JSON_STRING_FUNCTION, JSON_STRING_FUNCTION


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(JSON_STRING_FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_JSON_STRING_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("services", "0008_mandate_date_and_uncertified_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
