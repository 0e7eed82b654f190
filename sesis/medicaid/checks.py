"""The checks a Medicaid fact's values pass, shared by the imports and the
administrators' forms (one wording wherever a value is refused)."""

from __future__ import annotations

import datetime as dt
import re

_ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")
_MEDICAID_ID = re.compile(r"^[A-Z]{2}[0-9]{5}[A-Z]$")


def npi_problem(npi: str) -> str:
    """ "" for a National Provider Identifier: 10 digits whose last is the Luhn check
    digit of the other nine prefixed by 80840 (CMS's NPI standard), else why not."""
    if not (len(npi) == 10 and npi.isascii() and npi.isdigit()):
        return f"an NPI is 10 digits, not {npi!r}"
    if npi_check_digit(npi[:9]) != int(npi[9]):
        return f"{npi} is not a valid NPI (its check digit is wrong)"
    return ""


def npi_check_digit(first_nine: str) -> int:
    total = 24  # the prefix 80840's contribution to the Luhn sum
    for position, char in enumerate(reversed(first_nine)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def npi_from(number: int) -> str:
    """A valid NPI made from a 9-digit number (demo and test data)."""
    first_nine = f"{number:09d}"
    return first_nine + str(npi_check_digit(first_nine))


def diagnosis_problem(code: str) -> str:
    if not _ICD10.match(code):
        return f"a diagnosis is an ICD-10 code such as F80.9 or R62.50, not {code!r}"
    return ""


def diagnosis_for_claim(code: str) -> str:
    """As X12 carries it: without the dot."""
    return code.replace(".", "")


def medicaid_id_problem(value: str) -> str:
    """New York Medicaid Client IDs (CINs) are two letters, five digits and a letter."""
    if not _MEDICAID_ID.match(value):
        return f"a Medicaid ID is two letters, five digits and a letter (such as AB12345C), not {value!r}"
    return ""


def dates_problem(start: dt.date | None, end: dt.date | None, *, start_name: str = "start date") -> str:
    if start is not None and end is not None and end < start:
        return f"{end} is before the {start_name} {start}"
    return ""
