"""The audit log's student column keeps one index, audit_student_idx (student, at),
which serves lookups by student alone; the foreign key's own index only slowed every
write (an import of 100,000 students writes 200,000 events). The index is dropped by
name rather than by AlterField, which on SQLite would rebuild the table and lose its
append-only triggers."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "audit_auditevent_student_id_575fd841"


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_disclosure_append_only"),
        ("students", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="student",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="students.student",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=f'CREATE INDEX {INDEX} ON audit_auditevent ("student_id")',
                ),
            ],
        ),
    ]
