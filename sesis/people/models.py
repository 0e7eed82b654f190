from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Now

from sesis.lib.codes import ServiceType
from sesis.lib.search import search_key


class Role(models.TextChoices):
    PROVIDER = "provider", "Service provider"
    SUPERVISOR = "supervisor", "Supervisor"
    ADMINISTRATOR = "administrator", "Administrator"


class ProviderType(models.TextChoices):
    DOE = "DOE", "DOE"
    AGENCY = "Agency", "Agency"
    INDEPENDENT = "Independent", "Independent"


class Agency(models.Model):
    """A contracted agency that employs providers."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class StaffManager(BaseUserManager["Staff"]):
    def create_user(self, staff_id: str, password: str | None = None, **fields: Any) -> Staff:
        staff = self.model(staff_id=staff_id, **fields)
        staff.set_password(password)
        staff.save()
        return staff


class Staff(AbstractBaseUser):
    """A person with a login. Staff sign in with their staff id, which is digits only
    because it is also keyed on a telephone keypad."""

    staff_id = models.CharField("staff ID", max_length=20, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    last_name_key = models.CharField(max_length=100, editable=False)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    provider_type = models.CharField(max_length=20, choices=ProviderType.choices, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    languages = models.CharField(max_length=200, blank=True, help_text="Separated by ;")
    is_active = models.BooleanField(default=True)
    ivr_pin = models.CharField("telephone PIN", max_length=128, blank=True, help_text="Hashed, like a password")
    email_reminders = models.BooleanField(
        "email reminders", default=True, help_text="The daily reminder of records awaiting a signature, or the digest"
    )

    USERNAME_FIELD = "staff_id"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name", "role"]

    objects = StaffManager()

    class Meta:
        verbose_name_plural = "staff"
        ordering = ["last_name_key", "first_name", "staff_id"]
        indexes = [models.Index(fields=["last_name_key", "first_name"], name="staff_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(role=Role.PROVIDER) & ~models.Q(provider_type=""))
                | (~models.Q(role=Role.PROVIDER) & models.Q(provider_type="")),
                name="staff_provider_type_iff_provider",
            ),
            models.CheckConstraint(
                condition=models.Q(agency__isnull=True) | models.Q(provider_type=ProviderType.AGENCY),
                name="staff_agency_only_for_agency_providers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.staff_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.last_name_key = search_key(self.last_name)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_provider(self) -> bool:
        return self.role == Role.PROVIDER

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def can_administer(self) -> bool:
        """Supervisors and administrators see the Administration pages."""
        return self.role in (Role.SUPERVISOR, Role.ADMINISTRATOR)

    def check_ivr_pin(self, pin: str) -> bool:
        from django.contrib.auth.hashers import check_password

        return bool(self.ivr_pin) and check_password(pin, self.ivr_pin)

    def discipline_codes(self) -> set[str]:
        return {d.service for d in self.disciplines.all()}


class StaffDiscipline(models.Model):
    """A service type a provider may deliver."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="disciplines")
    service = models.CharField(max_length=20, choices=ServiceType.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "service"], name="staff_discipline_once"),
            models.CheckConstraint(
                condition=models.Q(service__in=ServiceType.values), name="staff_discipline_service_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_service_display()


class ScopeKind(models.TextChoices):
    SCHOOL = "school", "School"
    DISTRICT = "district", "District"
    AGENCY = "agency", "Agency"


class AccessScope(models.Model):
    """One grant of a supervisor's access: a school (DBN), a district (number) or an agency (name)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="access_scopes")
    scope = models.CharField(max_length=20, choices=ScopeKind.choices)
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "scope", "value"], name="access_scope_once"),
            models.CheckConstraint(condition=models.Q(scope__in=ScopeKind.values), name="access_scope_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.value}"


class SignInFailure(models.Model):
    """One failed sign-in: a wrong password on the web or a wrong telephone PIN. Counted
    per account and per network address to throttle guessing (sesis.people.throttle);
    an account's rows are cleared when it signs in."""

    class Channel(models.TextChoices):
        WEB = "web", "Web sign-in"
        IVR = "ivr", "Telephone PIN"

    at = models.DateTimeField(db_default=Now())
    channel = models.CharField(max_length=3, choices=Channel.choices)
    account = models.CharField(max_length=150, help_text="The staff ID as typed")
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "channel", "at"], name="signin_failure_account_idx"),
            models.Index(fields=["address", "at"], name="signin_failure_address_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(channel__in=["web", "ivr"]), name="signin_failure_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.channel} {self.account} {self.address or ''}"


class ReminderSent(models.Model):
    """One reminder email sent to a staff member on a day: the unique constraint is
    what keeps send_reminders from mailing anyone twice the same day, however often it
    runs (a retried cron job, two servers)."""

    class Kind(models.TextChoices):
        SIGNATURE = "signature", "Records awaiting your signature"
        DIGEST = "digest", "Supervisor's digest"

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="reminders_sent")
    sent_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "sent_on", "kind"], name="one_reminder_a_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.staff} on {self.sent_on}"
