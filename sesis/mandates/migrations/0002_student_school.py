"""Assignment.student_school: the school of a student-named assignment's student, kept
by triggers (on SQLite and PostgreSQL alike), and filled for the rows already there.

- On mandates_assignment, every insert and every update sets it from the student
  (whatever the writer sent: the application never writes it).
- On students_student, a change of school is copied to that student's assignments.

A later migration that rebuilds either table on SQLite (AlterField) drops its triggers
and must create them again: sesis/mandates/tests/test_student_school.py fails if they
are missing."""

import django.db.models.deletion
from django.db import migrations, models

PG = [
    """CREATE OR REPLACE FUNCTION assignment_student_school() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.student_school_id := (SELECT school_id FROM students_student WHERE id = NEW.student_id);
        RETURN NEW;
    END $$;""",
    """CREATE TRIGGER assignment_student_school BEFORE INSERT OR UPDATE ON mandates_assignment
    FOR EACH ROW EXECUTE FUNCTION assignment_student_school();""",
    """CREATE OR REPLACE FUNCTION student_school_to_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE mandates_assignment SET student_school_id = NEW.school_id WHERE student_id = NEW.id;
        RETURN NEW;
    END $$;""",
    """CREATE TRIGGER student_school_to_assignments AFTER UPDATE OF school_id ON students_student
    FOR EACH ROW WHEN (NEW.school_id IS DISTINCT FROM OLD.school_id)
    EXECUTE FUNCTION student_school_to_assignments();""",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS assignment_student_school ON mandates_assignment;",
    "DROP FUNCTION IF EXISTS assignment_student_school();",
    "DROP TRIGGER IF EXISTS student_school_to_assignments ON students_student;",
    "DROP FUNCTION IF EXISTS student_school_to_assignments();",
]
# SQLite's triggers cannot change NEW: they update the row just written (SQLite does
# not fire triggers from within a trigger's own updates unless recursive_triggers is on).
SET_FROM_STUDENT = (
    "UPDATE mandates_assignment SET student_school_id = "
    "(SELECT school_id FROM students_student WHERE id = NEW.student_id) WHERE id = NEW.id;"
)
STUDENTS_SCHOOL = "(SELECT school_id FROM students_student WHERE id = NEW.student_id)"
SQLITE = [
    "CREATE TRIGGER assignment_student_school_insert AFTER INSERT ON mandates_assignment "
    "FOR EACH ROW BEGIN " + SET_FROM_STUDENT + " END;",
    "CREATE TRIGGER assignment_student_school_update AFTER UPDATE ON mandates_assignment "
    "FOR EACH ROW WHEN NEW.student_school_id IS NOT " + STUDENTS_SCHOOL + " BEGIN " + SET_FROM_STUDENT + " END;",
    "CREATE TRIGGER student_school_to_assignments AFTER UPDATE OF school_id ON students_student "
    "FOR EACH ROW WHEN NEW.school_id IS NOT OLD.school_id "
    "BEGIN UPDATE mandates_assignment SET student_school_id = NEW.school_id WHERE student_id = NEW.id; END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS assignment_student_school_insert;",
    "DROP TRIGGER IF EXISTS assignment_student_school_update;",
    "DROP TRIGGER IF EXISTS student_school_to_assignments;",
]
FILL = (
    "UPDATE mandates_assignment SET student_school_id = "
    "(SELECT school_id FROM students_student WHERE students_student.id = mandates_assignment.student_id) "
    "WHERE student_id IS NOT NULL"
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
        ("mandates", "0001_initial"),
        ("schools", "0001_initial"),
        ("students", "0003_school_id_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
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
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["student_school", "start_date"], name="assignment_student_school_idx"),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
