"""The Medicaid facts' import kinds: good files load and reload unchanged, every bad
row is named with its column and why, and nothing of a refused file is applied."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from sesis.audit.models import AuditEvent
from sesis.imports.framework import ImportRefused, importers
from sesis.medicaid.checks import npi_from, npi_problem
from sesis.medicaid.models import Consent, Credential, CredentialKind, Eligibility, Order
from tests.factories import District

GOOD_NPI = npi_from(123456789)


def run(kind: str, text: str):  # type: ignore[no-untyped-def]
    return importers()[kind]().run(actor=None, file=io.BytesIO(text.encode()), name=f"{kind}.csv")


def refusal(kind: str, text: str) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        run(kind, text)
    return [str(error) for error in caught.value.errors]


def test_npi_check_digit_is_cms_luhn() -> None:
    assert npi_problem("1234567893") == ""  # CMS's published example
    assert npi_problem("1234567890") == "1234567890 is not a valid NPI (its check digit is wrong)"
    assert npi_problem("12345") == "an NPI is 10 digits, not '12345'"


def test_good_files_load_once_and_reload_unchanged(district: District) -> None:
    files = {
        "consents": "osis,kind,given_on,withdrawn_on\n111111111,medicaid_billing,2026-09-01,\n",
        "medicaid_eligibility": "osis,medicaid_id,start_date,end_date\n111111111,ab12345c,2026-09-01,2027-08-31\n",
        "orders": "osis,service,ordered_by,ordered_by_npi,diagnosis,order_date,start_date,end_date\n"
        f"111111111,speech,Dr. Ana Ruiz,{GOOD_NPI},f80.9,2026-08-20,2026-09-01,2027-06-30\n",
        "credentials": "staff_id,npi,kind,license_number,expires_on,directed_by\n"
        f"300,{GOOD_NPI},licensed,SLP-1,2027-06-30,\n"
        f"400,{npi_from(4)},under_direction,COTA-2,2027-06-30,300\n",
    }
    for kind, text in files.items():
        assert run(kind, text).created >= 1
    for kind, text in files.items():
        again = run(kind, text)
        assert (again.created, again.updated) == (0, 0)
    assert Eligibility.objects.get().medicaid_id == "AB12345C"
    assert Order.objects.get().diagnosis == "F80.9" and Order.objects.get().service == "SPEECH"
    assert Credential.objects.get(staff=district.agency_ot).supervisor == district.doe_speech
    assert Consent.objects.get().withdrawn_on is None
    run("consents", "osis,kind,given_on,withdrawn_on\n111111111,medicaid_billing,2026-09-01,2026-11-01\n")
    assert Consent.objects.get().withdrawn_on == dt.date(2026, 11, 1)
    assert AuditEvent.objects.filter(action="import.consents.update").count() == 1


def test_every_bad_row_is_named_and_nothing_is_applied(district: District) -> None:
    problems = refusal(
        "orders",
        "osis,service,ordered_by,ordered_by_npi,diagnosis,order_date,start_date,end_date\n"
        f"111111111,speech,Dr. Ruiz,{GOOD_NPI},F80.9,2026-08-20,2026-09-01,2027-06-30\n"
        "999999999,speech,Dr. Ruiz,1234567893,F80.9,2026-08-20,2026-09-01,2027-06-30\n"
        "111111111,ot,Dr. Ruiz,1234567890,F80.9,2026-08-20,2026-09-01,2027-06-30\n"
        f"222222222,ot,Dr. Ruiz,{GOOD_NPI},banana,2026-08-20,2026-09-01,2027-06-30\n"
        f"222222222,pt,Dr. Ruiz,{GOOD_NPI},R26.89,2026-08-20,2026-09-01,2026-08-31\n"
        f"222222222,hearing,Dr. Ruiz,{GOOD_NPI},R26.89,2026-09-20,2026-09-01,2027-06-30\n",
    )
    assert problems == [
        "line 3, column osis: no student has OSIS id 999999999",
        "line 4, column ordered_by_npi: 1234567890 is not a valid NPI (its check digit is wrong)",
        "line 5, column diagnosis: a diagnosis is an ICD-10 code such as F80.9 or R62.50, not 'BANANA'",
        "line 6, column end_date: 2026-08-31 is before the start date 2026-09-01",
        "line 7, column start_date: 2026-09-01 is before the order date 2026-09-20",
    ]
    assert Order.objects.count() == 0
    assert refusal("medicaid_eligibility", "osis,medicaid_id,start_date,end_date\n111111111,12345,2026-09-01,\n") == [
        "line 2, column medicaid_id: a Medicaid ID is two letters, five digits and a letter (such as AB12345C), "
        "not '12345'"
    ]
    consents = refusal(
        "consents",
        "osis,kind,given_on,withdrawn_on\n111111111,medicaid_billing,2026-09-01,2026-08-01\n222222222,paper,2026-09-01,\n",
    )
    assert consents[0] == "line 2, column withdrawn_on: 2026-08-01 is before the date given 2026-09-01"
    assert consents[1].startswith("line 3, column kind:") and len(consents) == 2
    assert Consent.objects.count() == 0


def test_credentials_name_who_directs_and_refuse_what_cannot_be(district: District) -> None:
    header = "staff_id,npi,kind,license_number,expires_on,directed_by\n"
    problems = refusal(
        "credentials",
        header + f"400,{GOOD_NPI},under_direction,C-1,2027-06-30,\n"
        f"300,{GOOD_NPI},licensed,L-1,2027-06-30,500\n"
        f"500,{GOOD_NPI},under_direction,C-2,2027-06-30,500\n"
        f"200,{GOOD_NPI},licensed,L-2,2027-06-30,\n"
        f"77,{GOOD_NPI},licensed,L-3,2027-06-30,\n",
    )
    assert problems == [
        "line 2, column directed_by: a credential under direction names the licensed provider who directs",
        "line 3, column directed_by: only a credential under direction names a directing provider",
        "line 4, column directed_by: a provider cannot direct themselves",
        "line 5, column staff_id: 200 is not a service provider",
        "line 6, column staff_id: no staff member has staff id 77",
    ]
    assert Credential.objects.count() == 0
    assert CredentialKind.LICENSED == "licensed"
