# The index first, then the foreign key's own index goes (the new one serves its look-ups).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0001_initial"),
        ("students", "0002_first_name_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="student",
            index=models.Index(fields=["school", "id"], name="student_school_idx"),
        ),
        migrations.AlterField(
            model_name="student",
            name="school",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="students",
                to="schools.school",
            ),
        ),
    ]
