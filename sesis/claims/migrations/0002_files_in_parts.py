"""A run's files move from three text columns of the run into parts of their own
table, written as the run goes (a month at district scale is hundreds of megabytes).
Runs made before keep their files: each becomes one part."""

import django.db.models.deletion
from django.db import migrations, models


def move_files(apps, schema_editor):
    ClaimRun = apps.get_model("claims", "ClaimRun")
    ClaimRunFile = apps.get_model("claims", "ClaimRunFile")
    for run in ClaimRun.objects.all().iterator(chunk_size=10):
        for which, text in (("x12", run.x12), ("lines", run.lines_csv), ("unclaimable", run.unclaimable_csv)):
            if text:
                ClaimRunFile.objects.create(run=run, which=which, part=0, text=text)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimRunFile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "which",
                    models.CharField(
                        choices=[
                            ("x12", "837P claim file"),
                            ("lines", "claim lines"),
                            ("unclaimable", "unclaimable sessions"),
                        ],
                        max_length=12,
                    ),
                ),
                ("part", models.PositiveIntegerField()),
                ("text", models.TextField()),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="files", to="claims.claimrun"
                    ),
                ),
            ],
            options={
                "ordering": ["run", "which", "part"],
                "constraints": [
                    models.UniqueConstraint(fields=("run", "which", "part"), name="claim_run_file_part_once"),
                    models.CheckConstraint(
                        condition=models.Q(("which__in", ["x12", "lines", "unclaimable"])), name="claim_run_file_which"
                    ),
                ],
            },
        ),
        migrations.RunPython(move_files, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="claimrun",
            name="lines_csv",
        ),
        migrations.RemoveField(
            model_name="claimrun",
            name="unclaimable_csv",
        ),
        migrations.RemoveField(
            model_name="claimrun",
            name="x12",
        ),
    ]
