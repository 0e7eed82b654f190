"""The facts a Medicaid claim needs (New York's School Supportive Health Services
Program, SSHSP), each dated so that a session is judged by the facts of its own day:
the parent's consent to bill, the student's Medicaid eligibility, the written order or
referral for the service, the provider's credential; and the claim rules, which map a
service and group size to a procedure code and units (docs/medicaid.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from sesis.lib.codes import ServiceType

# Far enough in the future to mean "no end given" in comparisons.
OPEN_END = dt.date(9999, 12, 31)


class ConsentKind(models.TextChoices):
    MEDICAID_BILLING = "medicaid_billing", "Parental consent to bill Medicaid"


class Consent(models.Model):
    """A parent's written consent, given on a date and withdrawn on another (or not)."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=30, choices=ConsentKind.choices, default=ConsentKind.MEDICAID_BILLING)
    given_on = models.DateField("given on")
    withdrawn_on = models.DateField("withdrawn on", null=True, blank=True)

    class Meta:
        ordering = ["student", "kind", "given_on"]
        constraints = [
            models.UniqueConstraint(fields=["student", "kind", "given_on"], name="consent_once"),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=ConsentKind.values), name="consent_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} given {self.given_on}"

    def covers(self, day: dt.date) -> bool:
        """In force on `day`: given on or before it, not withdrawn on or before it."""
        return self.given_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


class Eligibility(models.Model):
    """A student's Medicaid ID, valid from a date to a date."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="medicaid_eligibility")
    medicaid_id = models.CharField("Medicaid ID", max_length=20)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "eligibility"
        ordering = ["student", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["student", "start_date"], name="eligibility_once"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="eligibility_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Medicaid ID {self.medicaid_id} from {self.start_date}"

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= (self.end_date or OPEN_END)


class Order(models.Model):
    """A written order or referral for a service: for OT and PT a physician's or nurse
    practitioner's order, for speech a referral from a physician or a licensed
    speech-language pathologist; with the diagnosis the claim carries."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="medicaid_orders")
    service = models.CharField(max_length=20, choices=ServiceType.choices)
    ordered_by = models.CharField("ordered by", max_length=100)
    ordered_by_npi = models.CharField("orderer's NPI", max_length=10)
    diagnosis = models.CharField("diagnosis (ICD-10)", max_length=8)
    order_date = models.DateField("order date")
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["student", "service", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["student", "service", "start_date"], name="order_once"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="order_dates_ordered"
            ),
            models.CheckConstraint(condition=models.Q(service__in=ServiceType.values), name="order_service_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} order {self.start_date} to {self.end_date}"

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class CredentialKind(models.TextChoices):
    LICENSED = "licensed", "Licensed and registered"
    UNDER_DIRECTION = "under_direction", "Certified, under the direction of a licensed provider"


class Credential(models.Model):
    """What makes a provider's sessions claimable: an NPI and a credential current on
    the session's day; a credential held under direction names the licensed provider
    who directs (whose own license must be current too)."""

    staff = models.OneToOneField("people.Staff", on_delete=models.CASCADE, related_name="credential")
    npi = models.CharField("NPI", max_length=10)
    kind = models.CharField("credential", max_length=20, choices=CredentialKind.choices)
    license_number = models.CharField("license or certificate number", max_length=30)
    expires_on = models.DateField("expires on")
    supervisor = models.ForeignKey(
        "people.Staff",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directed_credentials",
        verbose_name="directed by",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=CredentialKind.values), name="credential_kind_valid"),
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("staff")), name="credential_not_self_directed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.license_number}, NPI {self.npi}"


class UnitKind(models.TextChoices):
    SESSION = "session", "One unit per session"
    QUARTER_HOUR = "15min", "One unit per 15 minutes (8 minutes or more rounds up)"


class ClaimRule(models.Model):
    """Which procedure code and units a service's session claims, individual or group,
    and at what rate (for the dashboard's estimate). Shipped with NY SSHSP defaults
    (migration 0002, docs/medicaid.md); administrators change them. A service with no
    rule is not claimed (hearing, vision, orientation and mobility, paraprofessional)."""

    service = models.CharField(max_length=20, choices=ServiceType.choices)
    group = models.BooleanField("group session", default=False)
    procedure_code = models.CharField("procedure code", max_length=5)
    unit = models.CharField(max_length=10, choices=UnitKind.choices, default=UnitKind.SESSION)
    rate = models.DecimalField(
        "rate per unit ($)", max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    minimum_minutes = models.PositiveSmallIntegerField(
        "minimum minutes", default=0, help_text="A session shorter than this is not claimable under this rule."
    )
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["service", "group"]
        constraints = [
            models.UniqueConstraint(fields=["service", "group"], name="claim_rule_once"),
            models.CheckConstraint(condition=models.Q(unit__in=UnitKind.values), name="claim_rule_unit_valid"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="claim_rule_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {'group' if self.group else 'individual'}: {self.procedure_code}"

    def units(self, minutes: int) -> int:
        """Units for a session of `minutes`: one per session, or one per 15 minutes with 8
        or more left over rounding up (CMS's rounding, which SSHSP follows)."""
        if self.unit == UnitKind.SESSION:
            return 1
        return (minutes + 7) // 15

    def amount(self, minutes: int) -> Decimal:
        return self.rate * self.units(minutes)
