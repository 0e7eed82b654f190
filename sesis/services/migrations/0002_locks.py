from __future__ import annotations

from django.db import migrations

from sesis.lib.dbtriggers import CreateImmutableRows, ImmutableRows


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]
    operations = [
        CreateImmutableRows(
            ImmutableRows(
                table="services_servicerecord",
                message="A certified service record cannot be changed or deleted; add an amendment.",
                condition="OLD.certified_at IS NOT NULL",
            )
        ),
        CreateImmutableRows(ImmutableRows(table="services_amendment", message="Amendments are append-only.")),
    ]
