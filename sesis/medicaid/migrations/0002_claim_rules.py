"""The claim rules SESIS ships with: New York SSHSP's procedure codes (docs/medicaid.md
gives the source of each). The rates are placeholders for the estimate on the
dashboard, to be set by the district's billing office from the current fee schedule."""

from decimal import Decimal

from django.db import migrations

SOURCE = "NY SSHSP billing guidance (NYSED Medicaid in Education), CPT/HCPCS; rate: placeholder, set by billing"

DEFAULTS = [
    # service, group, procedure code, unit, rate, minimum minutes
    ("SPEECH", False, "92507", "session", "48.00", 0),
    ("SPEECH", True, "92508", "session", "16.00", 0),
    ("OT", False, "97530", "15min", "18.00", 0),
    ("OT", True, "97150", "session", "14.00", 0),
    ("PT", False, "97110", "15min", "18.00", 0),
    ("PT", True, "97150", "session", "14.00", 0),
    ("COUNSELING", False, "90832", "session", "60.00", 16),
    ("COUNSELING", True, "90853", "session", "20.00", 0),
    ("HEALTH", False, "T1002", "15min", "12.00", 0),
]


def add_defaults(apps, schema_editor):
    ClaimRule = apps.get_model("medicaid", "ClaimRule")
    for service, group, code, unit, rate, minimum in DEFAULTS:
        ClaimRule.objects.get_or_create(
            service=service,
            group=group,
            defaults={
                "procedure_code": code,
                "unit": unit,
                "rate": Decimal(rate),
                "minimum_minutes": minimum,
                "source": SOURCE,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("medicaid", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
