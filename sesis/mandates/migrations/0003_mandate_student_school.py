"""Mandate.student_school: the school of a mandate's student, kept by triggers (on SQLite
and PostgreSQL alike) as migration 0002 keeps Assignment.student_school, and filled for
the rows already there.

- On mandates_mandate, every insert, and every update that writes the student or this
  column, sets it from the student (whatever the writer sent: the application never
  writes it). An update of other columns (an import's changed sessions) leaves it.
- On students_student, a change of school is copied to that student's mandates.

A later migration that rebuilds either table on SQLite (AlterField) drops its triggers
and must create them again: sesis/mandates/tests/test_student_school.py fails if they
are missing."""

import django.db.models.deletion
from django.db import migrations, models

PG = [
    """CREATE OR REPLACE FUNCTION mandate_student_school() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.student_school_id := (SELECT school_id FROM students_student WHERE id = NEW.student_id);
        RETURN NEW;
    END $$;""",
    """CREATE TRIGGER mandate_student_school BEFORE INSERT OR UPDATE OF student_id, student_school_id
    ON mandates_mandate FOR EACH ROW EXECUTE FUNCTION mandate_student_school();""",
    """CREATE OR REPLACE FUNCTION student_school_to_mandates() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE mandates_mandate SET student_school_id = NEW.school_id WHERE student_id = NEW.id;
        RETURN NEW;
    END $$;""",
    """CREATE TRIGGER student_school_to_mandates AFTER UPDATE OF school_id ON students_student
    FOR EACH ROW WHEN (NEW.school_id IS DISTINCT FROM OLD.school_id)
    EXECUTE FUNCTION student_school_to_mandates();""",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS mandate_student_school ON mandates_mandate;",
    "DROP FUNCTION IF EXISTS mandate_student_school();",
    "DROP TRIGGER IF EXISTS student_school_to_mandates ON students_student;",
    "DROP FUNCTION IF EXISTS student_school_to_mandates();",
]
# SQLite's triggers cannot change NEW: they update the row just written.
STUDENTS_SCHOOL = "(SELECT school_id FROM students_student WHERE id = NEW.student_id)"
SET_FROM_STUDENT = (
    "UPDATE mandates_mandate SET student_school_id = "
    "(SELECT school_id FROM students_student WHERE id = NEW.student_id) WHERE id = NEW.id;"
)
SQLITE = [
    "CREATE TRIGGER mandate_student_school_insert AFTER INSERT ON mandates_mandate "
    "FOR EACH ROW BEGIN " + SET_FROM_STUDENT + " END;",
    "CREATE TRIGGER mandate_student_school_update AFTER UPDATE OF student_id, student_school_id ON mandates_mandate "
    "FOR EACH ROW WHEN NEW.student_school_id IS NOT " + STUDENTS_SCHOOL + " BEGIN " + SET_FROM_STUDENT + " END;",
    "CREATE TRIGGER student_school_to_mandates AFTER UPDATE OF school_id ON students_student "
    "FOR EACH ROW WHEN NEW.school_id IS NOT OLD.school_id "
    "BEGIN UPDATE mandates_mandate SET student_school_id = NEW.school_id WHERE student_id = NEW.id; END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS mandate_student_school_insert;",
    "DROP TRIGGER IF EXISTS mandate_student_school_update;",
    "DROP TRIGGER IF EXISTS student_school_to_mandates;",
]
FILL = (
    "UPDATE mandates_mandate SET student_school_id = "
    "(SELECT school_id FROM students_student WHERE students_student.id = mandates_mandate.student_id)"
)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": PG, "sqlite": SQLITE}[vendor]:
        schema_editor.execute(sql)
    schema_editor.execute(FILL)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    for sql in {"postgresql": PG_DROP, "sqlite": SQLITE_DROP}[schema_editor.connection.vendor]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("mandates", "0002_student_school"),
        ("schools", "0001_initial"),
        ("students", "0003_school_id_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="mandate",
            name="student_school",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="schools.school",
            ),
        ),
        migrations.RunPython(create, drop, elidable=False),
        # After the fill: the index is built once, over the filled column.
        migrations.AddIndex(
            model_name="mandate",
            index=models.Index(fields=["student_school", "service", "end_date"], name="mandate_student_school_idx"),
        ),
    ]
