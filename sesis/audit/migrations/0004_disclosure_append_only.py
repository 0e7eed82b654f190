from __future__ import annotations

from django.db import migrations

from sesis.lib.dbtriggers import CreateImmutableRows, ImmutableRows


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_disclosure_log")]
    operations = [
        CreateImmutableRows(ImmutableRows(table="audit_disclosure", message="The disclosure log is append-only.")),
        CreateImmutableRows(
            ImmutableRows(table="audit_disclosedstudent", message="The disclosure log is append-only.")
        ),
    ]
