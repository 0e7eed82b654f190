from __future__ import annotations

from django.db import migrations

from sesis.lib.dbtriggers import CreateImmutableRows, ImmutableRows


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [
        CreateImmutableRows(ImmutableRows(table="audit_auditevent", message="Audit events are append-only.")),
    ]
