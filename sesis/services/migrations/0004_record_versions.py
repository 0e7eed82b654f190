"""A record's signed versions: the history table, and on the record what an amendment
signs (the hash of the version it corrects, and why); labels on the declared fields."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mandates", "0001_initial"),
        ("services", "0003_provider_not_in_two_places"),
        ("students", "0002_first_name_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ServiceRecordVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(verbose_name="Date")),
                (
                    "start_time",
                    models.TimeField(help_text="When the student arrived for the session.", verbose_name="Start Time"),
                ),
                ("end_time", models.TimeField(verbose_name="End Time")),
                (
                    "service",
                    models.CharField(
                        choices=[
                            ("SPEECH", "Speech-Language Therapy"),
                            ("OT", "Occupational Therapy"),
                            ("PT", "Physical Therapy"),
                            ("COUNSELING", "Counseling Services"),
                            ("HEARING", "Hearing Education Services"),
                            ("VISION", "Vision Education Services"),
                            ("HEALTH", "School Health Services"),
                            ("OM", "Orientation and Mobility"),
                            ("PARA", "Paraprofessional"),
                        ],
                        max_length=20,
                        verbose_name="Service Type",
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[
                            ("English", "English"),
                            ("Spanish", "Spanish"),
                            ("Chinese", "Chinese"),
                            ("Bengali", "Bengali"),
                            ("Russian", "Russian"),
                            ("Arabic", "Arabic"),
                            ("Haitian Creole", "Haitian Creole"),
                            ("Korean", "Korean"),
                            ("Urdu", "Urdu"),
                            ("French", "French"),
                            ("Polish", "Polish"),
                            ("Yiddish", "Yiddish"),
                            ("Italian", "Italian"),
                            ("Hindi", "Hindi"),
                            ("American Sign Language", "American Sign Language"),
                            ("Other", "Other"),
                        ],
                        max_length=50,
                        verbose_name="Language of Service",
                    ),
                ),
                (
                    "session_type",
                    models.CharField(
                        choices=[
                            ("provided", "Service Provided"),
                            ("student_absent", "Student Absent"),
                            ("provider_absent", "Provider Absent"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="provided",
                        help_text="Student Absent: the student was absent from school, or was in school but refused the service. Provider Absent: you were absent (e.g. sick leave, personal leave). Cancelled: any other reason, such as an unscheduled school closing, a school activity, or another DOE task. Days shown in gray on the Services Calendar need no record.",
                        max_length=20,
                        verbose_name="Session Type",
                    ),
                ),
                (
                    "cancel_reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("school_closing", "Unscheduled school closing (e.g. snow day, half-day)"),
                            (
                                "school_activity",
                                "Student unavailable: other school activity (e.g. trip, assembly, testing)",
                            ),
                            ("provider_task", "Provider on another DOE task (e.g. IEP meeting, training)"),
                            ("other", "Other (explain in Session Notes)"),
                        ],
                        max_length=20,
                        verbose_name="Reason for cancellation",
                    ),
                ),
                (
                    "grouping",
                    models.CharField(
                        choices=[("individual", "Individual"), ("group", "Group")],
                        default="individual",
                        help_text="For a group, enter the number of students present. If only one student of a group came, choose Group and 1.",
                        max_length=10,
                        verbose_name="Group Size",
                    ),
                ),
                (
                    "group_count",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(12),
                        ],
                        verbose_name="Number of students present (Group only)",
                    ),
                ),
                (
                    "location",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("classroom", "Classroom"),
                            ("separate", "Separate location in school"),
                            ("other_school", "Other school site"),
                            ("home", "Home"),
                            ("hospital", "Hospital"),
                            ("community", "Community site"),
                            ("remote", "Remote (teletherapy)"),
                        ],
                        max_length=20,
                        verbose_name="Service Location",
                    ),
                ),
                (
                    "description",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("alternate_placement", "Alternate Placement"),
                            ("crisis", "Crisis"),
                            ("health", "Health"),
                            ("mobility", "Mobility"),
                            ("sign_interpreter", "Sign Interpreter"),
                            ("travel_trainer", "Travel Trainer"),
                            ("special_transportation", "Special Transportation"),
                            ("toileting", "Toileting"),
                        ],
                        help_text="A specialty not listed (e.g. ambulatory): choose Health and name your service in Session Notes.",
                        max_length=30,
                        verbose_name="Service Description",
                    ),
                ),
                (
                    "progress",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("progressing", "Progressing"),
                            ("limited", "Limited Progress"),
                            ("none", "No Progress"),
                            ("regressing", "Regressing"),
                            ("goal_met", "Goal Met"),
                        ],
                        help_text="Progress towards the IEP annual goals. Required of paraprofessionals for Service Provided.",
                        max_length=20,
                        verbose_name="Progress Indicator",
                    ),
                ),
                ("notes", models.TextField(blank=True, max_length=4000, verbose_name="Session Notes")),
                ("version", models.PositiveIntegerField(default=1)),
                ("certified_at", models.DateTimeField(blank=True, null=True)),
                ("certification_hash", models.CharField(blank=True, max_length=64)),
                ("amends_hash", models.CharField(blank=True, db_default="", default="", max_length=64)),
                (
                    "amendment_reason",
                    models.CharField(
                        blank=True, db_default="", default="", max_length=500, verbose_name="Reason for the amendment"
                    ),
                ),
                (
                    "unsigned_amendment",
                    models.BooleanField(
                        db_default=False,
                        default=False,
                        help_text="An amendment made before amendments were signed (migrated): the amender's name and time, without a certify tick.",
                    ),
                ),
                (
                    "superseded_at",
                    models.DateTimeField(help_text="When the amendment that replaced this version was certified"),
                ),
            ],
            options={
                "ordering": ["record", "version"],
            },
        ),
        migrations.AddField(
            model_name="servicerecord",
            name="amendment_reason",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=500, verbose_name="Reason for the amendment"
            ),
        ),
        migrations.AddField(
            model_name="servicerecord",
            name="amends_hash",
            field=models.CharField(blank=True, db_default="", default="", max_length=64),
        ),
        migrations.AddField(
            model_name="servicerecord",
            name="unsigned_amendment",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="An amendment made before amendments were signed (migrated): the amender's name and time, without a certify tick.",
            ),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="cancel_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("school_closing", "Unscheduled school closing (e.g. snow day, half-day)"),
                    ("school_activity", "Student unavailable: other school activity (e.g. trip, assembly, testing)"),
                    ("provider_task", "Provider on another DOE task (e.g. IEP meeting, training)"),
                    ("other", "Other (explain in Session Notes)"),
                ],
                max_length=20,
                verbose_name="Reason for cancellation",
            ),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="date",
            field=models.DateField(verbose_name="Date"),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="description",
            field=models.CharField(
                blank=True,
                choices=[
                    ("alternate_placement", "Alternate Placement"),
                    ("crisis", "Crisis"),
                    ("health", "Health"),
                    ("mobility", "Mobility"),
                    ("sign_interpreter", "Sign Interpreter"),
                    ("travel_trainer", "Travel Trainer"),
                    ("special_transportation", "Special Transportation"),
                    ("toileting", "Toileting"),
                ],
                help_text="A specialty not listed (e.g. ambulatory): choose Health and name your service in Session Notes.",
                max_length=30,
                verbose_name="Service Description",
            ),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="end_time",
            field=models.TimeField(verbose_name="End Time"),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="group_count",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)],
                verbose_name="Number of students present (Group only)",
            ),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="grouping",
            field=models.CharField(
                choices=[("individual", "Individual"), ("group", "Group")],
                default="individual",
                help_text="For a group, enter the number of students present. If only one student of a group came, choose Group and 1.",
                max_length=10,
                verbose_name="Group Size",
            ),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="language",
            field=models.CharField(
                choices=[
                    ("English", "English"),
                    ("Spanish", "Spanish"),
                    ("Chinese", "Chinese"),
                    ("Bengali", "Bengali"),
                    ("Russian", "Russian"),
                    ("Arabic", "Arabic"),
                    ("Haitian Creole", "Haitian Creole"),
                    ("Korean", "Korean"),
                    ("Urdu", "Urdu"),
                    ("French", "French"),
                    ("Polish", "Polish"),
                    ("Yiddish", "Yiddish"),
                    ("Italian", "Italian"),
                    ("Hindi", "Hindi"),
                    ("American Sign Language", "American Sign Language"),
                    ("Other", "Other"),
                ],
                max_length=50,
                verbose_name="Language of Service",
            ),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="location",
            field=models.CharField(
                blank=True,
                choices=[
                    ("classroom", "Classroom"),
                    ("separate", "Separate location in school"),
                    ("other_school", "Other school site"),
                    ("home", "Home"),
                    ("hospital", "Hospital"),
                    ("community", "Community site"),
                    ("remote", "Remote (teletherapy)"),
                ],
                max_length=20,
                verbose_name="Service Location",
            ),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="notes",
            field=models.TextField(blank=True, max_length=4000, verbose_name="Session Notes"),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="progress",
            field=models.CharField(
                blank=True,
                choices=[
                    ("progressing", "Progressing"),
                    ("limited", "Limited Progress"),
                    ("none", "No Progress"),
                    ("regressing", "Regressing"),
                    ("goal_met", "Goal Met"),
                ],
                help_text="Progress towards the IEP annual goals. Required of paraprofessionals for Service Provided.",
                max_length=20,
                verbose_name="Progress Indicator",
            ),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="service",
            field=models.CharField(
                choices=[
                    ("SPEECH", "Speech-Language Therapy"),
                    ("OT", "Occupational Therapy"),
                    ("PT", "Physical Therapy"),
                    ("COUNSELING", "Counseling Services"),
                    ("HEARING", "Hearing Education Services"),
                    ("VISION", "Vision Education Services"),
                    ("HEALTH", "School Health Services"),
                    ("OM", "Orientation and Mobility"),
                    ("PARA", "Paraprofessional"),
                ],
                max_length=20,
                verbose_name="Service Type",
            ),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="session_type",
            field=models.CharField(
                choices=[
                    ("provided", "Service Provided"),
                    ("student_absent", "Student Absent"),
                    ("provider_absent", "Provider Absent"),
                    ("cancelled", "Cancelled"),
                ],
                default="provided",
                help_text="Student Absent: the student was absent from school, or was in school but refused the service. Provider Absent: you were absent (e.g. sick leave, personal leave). Cancelled: any other reason, such as an unscheduled school closing, a school activity, or another DOE task. Days shown in gray on the Services Calendar need no record.",
                max_length=20,
                verbose_name="Session Type",
            ),
        ),
        migrations.AlterField(
            model_name="servicerecord",
            name="start_time",
            field=models.TimeField(help_text="When the student arrived for the session.", verbose_name="Start Time"),
        ),
        migrations.AddConstraint(
            model_name="servicerecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("amendment_reason", ""), ("amends_hash", ""), ("unsigned_amendment", False)),
                    models.Q(
                        models.Q(("amends_hash", ""), _negated=True),
                        models.Q(("amendment_reason", ""), _negated=True),
                        ("certified_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="record_amendment_complete",
            ),
        ),
        migrations.AddField(
            model_name="servicerecordversion",
            name="certified_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="servicerecordversion",
            name="group_session",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="services.groupsession",
            ),
        ),
        migrations.AddField(
            model_name="servicerecordversion",
            name="makeup_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="services.servicerecord",
            ),
        ),
        migrations.AddField(
            model_name="servicerecordversion",
            name="mandate",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="mandates.mandate"
            ),
        ),
        migrations.AddField(
            model_name="servicerecordversion",
            name="provider",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="servicerecordversion",
            name="record",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="versions", to="services.servicerecord"
            ),
        ),
        migrations.AddField(
            model_name="servicerecordversion",
            name="recorded_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="servicerecordversion",
            name="student",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="students.student"
            ),
        ),
        migrations.AddConstraint(
            model_name="servicerecordversion",
            constraint=models.UniqueConstraint(fields=("record", "version"), name="record_version_once"),
        ),
    ]
