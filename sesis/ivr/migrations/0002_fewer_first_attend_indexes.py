"""Two indexes of ivr_firstattend that nothing needs: the provider's own (the provider
and received_at index serves every lookup by provider) and PostgreSQL's pattern index
on call_id (no query matches call_id by a pattern; equality uses the unique index).
A feed writes each row twice, stored then decided, and every index costs both writes:
the outcomes' UPDATE of 100,000 rows took 2.0 s without them against 2.6 s with them.

Dropped by name, not by AlterField: on SQLite that would rebuild the table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ivr", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="firstattend",
                    name="provider",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="first_attends",
                        to="people.staff",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS ivr_firstattend_provider_id_d7592da0",
                    "CREATE INDEX ivr_firstattend_provider_id_d7592da0 ON ivr_firstattend (provider_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS ivr_firstattend_call_id_6414a7b2_like",
                    migrations.RunSQL.noop,
                ),
            ],
        ),
    ]
