# Two indexes on the service records: a mandate's sessions by date, and the uncertified ones.
# (The mandate's own index stays: dropping it would rebuild the table on SQLite, and its triggers with it.)

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mandates", "0001_initial"),
        ("services", "0007_confidential_notes"),
        ("students", "0003_school_id_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="servicerecord",
            index=models.Index(fields=["mandate", "date"], name="record_mandate_date_idx"),
        ),
        migrations.AddIndex(
            model_name="servicerecord",
            index=models.Index(
                condition=models.Q(("certified_at__isnull", True)),
                fields=["student", "date"],
                name="record_uncertified_idx",
            ),
        ),
    ]
