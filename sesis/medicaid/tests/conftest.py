from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps

from sesis.medicaid.checks import npi_from
from sesis.medicaid.models import Consent, Credential, CredentialKind, Eligibility, Order
from sesis.services.tests.conftest import Sessions, sessions  # noqa: F401 (the fixture, shared)
from tests.factories import District

SCHOOL_YEAR_START = dt.date(2026, 9, 1)


def give_facts(d: District, *, speech: bool = True, ot: bool = True) -> None:
    """Every fact a claim needs for the speech student (by Maria Santos) and the OT
    student (by Lucia Ferrari, certified under Maria Santos's direction); and the
    shipped claim rules, which a transactional test's flush empties."""
    import_module("sesis.medicaid.migrations.0002_claim_rules").add_defaults(apps, None)
    Credential.objects.create(
        staff=d.doe_speech,
        npi=npi_from(300000001),
        kind=CredentialKind.LICENSED,
        license_number="SLP-031234",
        expires_on=dt.date(2027, 6, 30),
    )
    Credential.objects.create(
        staff=d.agency_ot,
        npi=npi_from(400000001),
        kind=CredentialKind.UNDER_DIRECTION,
        license_number="COTA-004567",
        expires_on=dt.date(2027, 6, 30),
        supervisor=d.doe_speech,
    )
    students = ([(d.speech_student, "SPEECH", "AB12345C")] if speech else []) + (
        [(d.ot_student, "OT", "CD23456E")] if ot else []
    )
    for student, service, cin in students:
        Consent.objects.create(student=student, given_on=SCHOOL_YEAR_START)
        Eligibility.objects.create(student=student, medicaid_id=cin, start_date=SCHOOL_YEAR_START)
        Order.objects.create(
            student=student,
            service=service,
            ordered_by="Dr. Ana Ruiz",
            ordered_by_npi=npi_from(900000001),
            diagnosis="F80.9" if service == "SPEECH" else "R27.8",
            order_date=dt.date(2026, 8, 20),
            start_date=SCHOOL_YEAR_START,
            end_date=dt.date(2027, 6, 30),
        )


@pytest.fixture
def facts(sessions: Sessions) -> Sessions:  # noqa: F811
    give_facts(sessions.d)
    return sessions
