"""Administrators see and correct the facts a claim needs, where they look for them: a
student's consents, Medicaid IDs and orders on the student's Medicaid page, a
provider's credential from the staff member's page, and the claim rules beside the
claim runs. Every save goes through `medicaid_fact_save` (checked, audited); nothing
is deleted: a consent is withdrawn, an ID or an order ends (docs/medicaid.md)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.forms import ModelForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sesis.access.http import AuthedRequest, administrator_required
from sesis.audit.actions import disclosure_record
from sesis.audit.models import DisclosureKind
from sesis.lib.codes import ServiceType
from sesis.lib.errors import ActionRefused
from sesis.lib.http import form_data
from sesis.medicaid.actions import medicaid_fact_save
from sesis.medicaid.claimability import rules
from sesis.medicaid.forms import ClaimRuleForm, ConsentForm, CredentialForm, EligibilityForm, OrderForm
from sesis.medicaid.models import ClaimRule, Consent, Credential, Eligibility, Order

# Each kind of student fact: the model, its form, and what the page calls it.
STUDENT_FACTS: dict[str, tuple[type[Model], type[ModelForm], str]] = {
    "consent": (Consent, ConsentForm, "parental consent to bill Medicaid"),
    "eligibility": (Eligibility, EligibilityForm, "Medicaid ID"),
    "order": (Order, OrderForm, "order or referral"),
}


def _save(request: AuthedRequest, form: Any) -> bool:
    """Save a valid form's fact through the action; a refusal lands on its field."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        medicaid_fact_save(actor=request.user, fact=form.instance)
    except ActionRefused as refused:
        form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        return False
    return True


def _claimed_services() -> list[tuple[str, str]]:
    """The services a claim rule covers (the only ones an order matters for)."""
    services = {service for service, _group in rules()}
    return [(value, label) for value, label in ServiceType.choices if value in services]


@administrator_required
def student_medicaid(request: AuthedRequest, osis: str) -> HttpResponse:
    """A student's Medicaid facts: consents, Medicaid IDs and orders, each correctable."""
    student = request.scope.student(osis)
    consents = list(Consent.objects.filter(student=student))
    eligibility = list(Eligibility.objects.filter(student=student))
    orders = list(Order.objects.filter(student=student))
    count = len(consents) + len(eligibility) + len(orders)
    if count:
        disclosure_record(
            actor=request.user,
            kind=DisclosureKind.VIEW,
            what="Medicaid facts",
            student_ids=[student.pk],
            record_count=count,
        )
    context = {
        "student": student,
        "consents": consents,
        "eligibility": eligibility,
        "orders": orders,
        "current": "claims",
    }
    return render(request, "claims/student_medicaid.html", context)


@require_http_methods(["GET", "POST"])
@administrator_required
def student_medicaid_fact(request: AuthedRequest, osis: str, kind: str) -> HttpResponse:
    """A student's consent, Medicaid ID or order (`kind`, from the URL): add one, or
    with ?id=N correct that one."""
    student = request.scope.student(osis)
    model, form_class, noun = STUDENT_FACTS[kind]
    fact_id = request.GET.get("id", "")
    if fact_id:
        instance = model._default_manager.filter(pk=int(fact_id) if fact_id.isdigit() else 0, student=student).first()
        if instance is None:
            raise Http404(f"No such {noun}.")
    else:
        instance = model(student=student)
    extra: dict[str, Any] = {"services": _claimed_services()} if model is Order else {}
    form = form_class(form_data(request), instance=instance, **extra)
    if _save(request, form):
        messages.success(request, f"The {noun} of {student.full_name} ({student.osis}) is saved.")
        return redirect("student_medicaid", osis=student.osis)
    context = {"student": student, "form": form, "noun": noun, "adding": not fact_id, "current": "claims"}
    return render(request, "claims/student_medicaid_fact.html", context)


@require_http_methods(["GET", "POST"])
@administrator_required
def staff_credential(request: AuthedRequest, staff_id: str) -> HttpResponse:
    """A provider's credential: NPI, license or certificate, expiry, who directs."""
    staff = request.scope.staff_member(staff_id)
    instance = Credential.objects.filter(staff=staff).select_related("supervisor").first() or Credential(staff=staff)
    form = CredentialForm(form_data(request), instance=instance)
    if _save(request, form):
        messages.success(request, f"The credential of {staff.full_name} is saved.")
        return redirect("staff_detail", staff_id=staff.staff_id)
    return render(request, "claims/staff_credential.html", {"staff": staff, "form": form, "current": "staff"})


@administrator_required
def claim_rules(request: AuthedRequest) -> HttpResponse:
    rows = ClaimRule.objects.all()
    return render(request, "claims/claim_rules.html", {"rules": rows, "current": "claims"})


@require_http_methods(["GET", "POST"])
@administrator_required
def claim_rule_edit(request: AuthedRequest) -> HttpResponse:
    """?id=N: change a rule's code, units, rate, minimum or source (its service and
    group stay: a different service is a different rule). No id: add a rule."""
    rule_id = request.GET.get("id", "")
    if rule_id:
        found = ClaimRule.objects.filter(pk=int(rule_id)).first() if rule_id.isdigit() else None
        if found is None:
            raise Http404("No such claim rule.")
        rule = found
    else:
        rule = ClaimRule()
    form = ClaimRuleForm(form_data(request), instance=rule, adding=not rule_id)
    if _save(request, form):
        messages.success(request, f"The claim rule for {rule} is saved.")
        return redirect("claim_rules")
    context = {"rule": rule, "adding": not rule_id, "form": form, "current": "claims"}
    return render(request, "claims/claim_rule_edit.html", context)
