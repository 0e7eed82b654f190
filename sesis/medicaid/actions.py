"""Administrators see and correct the facts a claim needs (consents, Medicaid IDs,
orders, credentials) and the claim rules. One action saves any of them: it checks the
values as the imports do, writes the row and an audit event with each changed field
before and after. Nothing is deleted: a consent is withdrawn, an order or an ID ends."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from sesis.audit.actions import audit_record
from sesis.imports.framework import plain
from sesis.lib.errors import ActionRefused
from sesis.medicaid.checks import dates_problem, diagnosis_problem, medicaid_id_problem, npi_problem
from sesis.medicaid.models import ClaimRule, Consent, Credential, CredentialKind, Eligibility, Order
from sesis.people.models import Role, Staff

Fact = Consent | Eligibility | Order | Credential | ClaimRule

ACTION_NAMES = {
    Consent: "consent",
    Eligibility: "eligibility",
    Order: "order",
    Credential: "credential",
    ClaimRule: "claim_rule",
}


Check = list[tuple[str, str]]


def _said(found: Check, name: str, problem: str) -> None:
    if problem:
        found.append((name, problem[0].upper() + problem[1:] + "."))


def _consent_problems(fact: Consent, found: Check) -> None:
    _said(found, "withdrawn_on", dates_problem(fact.given_on, fact.withdrawn_on, start_name="date given"))


def _eligibility_problems(fact: Eligibility, found: Check) -> None:
    fact.medicaid_id = fact.medicaid_id.strip().upper()
    _said(found, "medicaid_id", medicaid_id_problem(fact.medicaid_id))
    _said(found, "end_date", dates_problem(fact.start_date, fact.end_date))


def _order_problems(fact: Order, found: Check) -> None:
    fact.diagnosis = fact.diagnosis.strip().upper()
    _said(found, "ordered_by_npi", npi_problem(fact.ordered_by_npi.strip()))
    _said(found, "diagnosis", diagnosis_problem(fact.diagnosis))
    _said(found, "end_date", dates_problem(fact.start_date, fact.end_date))
    _said(found, "start_date", dates_problem(fact.order_date, fact.start_date, start_name="order date"))


def _credential_problems(fact: Credential, found: Check) -> None:
    _said(found, "npi", npi_problem(fact.npi.strip()))
    if fact.kind == CredentialKind.UNDER_DIRECTION and fact.supervisor_id is None:
        _said(found, "supervisor", "a credential under direction names the licensed provider who directs")
    if fact.kind == CredentialKind.LICENSED and fact.supervisor_id is not None:
        _said(found, "supervisor", "only a credential under direction names a directing provider")
    if fact.supervisor_id is not None and fact.supervisor_id == fact.staff_id:
        _said(found, "supervisor", "a provider cannot direct themselves")


def _rule_problems(fact: ClaimRule, found: Check) -> None:
    code = fact.procedure_code.strip().upper()
    fact.procedure_code = code
    if not (len(code) == 5 and code.isalnum()):
        _said(found, "procedure_code", f"a procedure code is 5 letters or digits (CPT or HCPCS), not {code!r}")
    if fact.rate is None or fact.rate <= 0:
        _said(found, "rate", "the rate must be more than $0.00")


CHECKS: dict[type, Any] = {
    Consent: _consent_problems,
    Eligibility: _eligibility_problems,
    Order: _order_problems,
    Credential: _credential_problems,
    ClaimRule: _rule_problems,
}


def problems(fact: Fact) -> Check:
    """Each value that cannot be kept, as (field, message)."""
    found: Check = []
    CHECKS[type(fact)](fact, found)
    return found


@transaction.atomic
def medicaid_fact_save(*, actor: Staff, fact: Fact) -> Fact:
    """Create or correct one fact; refused (nothing written) with the first problem."""
    if actor.role != Role.ADMINISTRATOR:
        raise ActionRefused("Only administrators keep the facts Medicaid claims need.")
    found = problems(fact)
    if found:
        field, message = found[0]
        raise ActionRefused(message, field=field)
    model = type(fact)
    fields = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
    before = model._default_manager.filter(pk=fact.pk).values(*fields).first() if fact.pk else None
    try:
        with transaction.atomic():
            fact.save()
    except IntegrityError:
        raise ActionRefused(f"That {model._meta.verbose_name} is already on file; correct the one there.") from None
    after = {name: getattr(fact, name) for name in fields}
    if before is None:
        change, values = "create", after
    else:
        values = {name: [before[name], after[name]] for name in fields if before[name] != after[name]}
        change = "update"
        if not values:
            return fact
    student = getattr(fact, "student", None)
    audit_record(
        actor=actor,
        action=f"medicaid.{ACTION_NAMES[model]}.{change}",
        obj=fact,
        student=student,
        details={"values": plain(values)},
    )
    return fact
