"""Amendments now live as record versions (0005); their table goes."""

from django.db import migrations

from sesis.lib.dbtriggers import DropImmutableRows, ImmutableRows


class Migration(migrations.Migration):
    dependencies = [("services", "0005_amendments_become_versions")]
    operations = [
        DropImmutableRows(ImmutableRows(table="services_amendment", message="Amendments are append-only.")),
        migrations.RemoveField(model_name="amendment", name="amended_by"),
        migrations.RemoveField(model_name="amendment", name="record"),
        migrations.DeleteModel(name="Amendment"),
    ]
