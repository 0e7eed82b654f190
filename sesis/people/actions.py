"""Staff writes that are not imports: a password, a provider's telephone PIN."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from sesis.audit.actions import audit_record
from sesis.lib.errors import ActionRefused
from sesis.people.models import SignInFailure, Staff

WEAK_PINS = {"0000", "1111", "1234", "12345", "123456", "4321", "2580", "9999", "1212", "6969", "0123"}


@transaction.atomic
def staff_set_pin(*, actor: Staff, staff: Staff, pin: str) -> None:
    """Set the PIN a provider keys in with their staff ID when reporting by telephone:
    4 to 8 digits, not an obvious one. Stored hashed."""
    if actor.pk != staff.pk and not actor.is_administrator:
        raise ActionRefused("Only you, or an administrator, can set your telephone PIN.")
    pin = pin.strip()
    if not pin.isascii() or not pin.isdigit() or not 4 <= len(pin) <= 8:
        raise ActionRefused("A telephone PIN is 4 to 8 digits.", field="pin")
    if pin in WEAK_PINS or len(set(pin)) == 1 or pin == staff.staff_id:
        raise ActionRefused("That PIN is too easy to guess; choose another.", field="pin")
    staff.ivr_pin = make_password(pin)
    staff.save(update_fields=["ivr_pin"])
    audit_record(actor=actor, action="staff.set_pin", obj=staff, details={"staff_id": staff.staff_id})


def staff_set_reminders(*, actor: Staff, staff: Staff, on: bool) -> None:
    """Turn the daily reminder emails on or off: your own, or anyone's by an administrator."""
    if actor.pk != staff.pk and not actor.is_administrator:
        raise ActionRefused("Only you, or an administrator, can change your email reminders.")
    staff.email_reminders = on
    staff.save(update_fields=["email_reminders"])
    audit_record(actor=actor, action="staff.set_reminders", obj=staff, details={"email_reminders": on})


@transaction.atomic
def staff_set_password(*, actor: Staff, staff: Staff, password: str) -> None:
    """Set a staff member's password: their own, or anyone's by an administrator (for
    imported staff, who have none, and for a forgotten one). The password rules are
    AUTH_PASSWORD_VALIDATORS (NIST SP 800-63B). Other sessions of that staff member
    end (their session hash changes), and their failed sign-ins are forgiven."""
    if actor.pk != staff.pk and not actor.is_administrator:
        raise ActionRefused("Only you, or an administrator, can set your password.")
    try:
        validate_password(password, staff)
    except ValidationError as invalid:
        raise ActionRefused(" ".join(invalid.messages), field="password") from None
    staff.set_password(password)
    staff.save(update_fields=["password"])
    SignInFailure.objects.filter(channel=SignInFailure.Channel.WEB, account=staff.staff_id).delete()
    audit_record(
        actor=actor,
        action="staff.set_password",
        obj=staff,
        details={"staff_id": staff.staff_id, "by_administrator": actor.pk != staff.pk},
    )
