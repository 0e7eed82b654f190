"""Password rules beyond Django's own, after NIST SP 800-63B §5.1.1.2: check new
passwords against breached-password lists, repetitive or sequential characters and
context-specific words; allow long passphrases; impose no composition rules.
Used by every place a password is set (AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

DATA = Path(__file__).resolve().parent / "data"
MAX_LENGTH = 128
# Words anyone would try against this service first (NIST: "context-specific words").
CONTEXT_WORDS = ("sesis", "specialeducation", "specialed", "studentinformation", "relatedservices")


class MaximumLengthValidator:
    """Long passphrases are welcome; 128 characters bounds the cost of hashing one."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > MAX_LENGTH:
            raise ValidationError(f"Use at most {MAX_LENGTH} characters.", code="password_too_long")

    def get_help_text(self) -> str:
        return f"Up to {MAX_LENGTH} characters; spaces and any characters are allowed."


class BreachedPasswordValidator(CommonPasswordValidator):
    """Refuses a password found in the shipped list of breached passwords."""

    def __init__(self, password_list_path: Path | str = DATA / "breached-passwords.txt.gz") -> None:
        super().__init__(password_list_path)

    def validate(self, password: str, user: Any = None) -> None:
        if password.lower().strip() in self.passwords:
            raise ValidationError(
                "This password has appeared in a data breach, so attackers try it first. Choose another.",
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return "Not a password that has appeared in a data breach."


def _is_run(text: str) -> bool:
    """One character repeated, or a run of consecutive characters either way
    (aaaaaaaaaaaa, 123456789012, abcdefghijkl, 987654321098)."""
    if len(set(text)) == 1:
        return True
    steps = {(ord(b) - ord(a)) % 10 if a.isdigit() and b.isdigit() else ord(b) - ord(a) for a, b in pairwise(text)}
    return steps in ({1}, {-1}, {9})


class RepetitiveOrSequentialValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if password and _is_run(password.lower()):
            raise ValidationError(
                "A password cannot be one character repeated or a run such as 123456789012 or abcdefghijkl.",
                code="password_repetitive",
            )

    def get_help_text(self) -> str:
        return "Not one character repeated, nor a run such as 123456789012."


class ContextWordsValidator:
    """Refuses a password that is just the service's name or the user's staff ID with
    a few digits or symbols around it (sesis2026!, 300001300001)."""

    def validate(self, password: str, user: Any = None) -> None:
        letters = re.sub(r"[^a-z]", "", password.lower())
        digits = re.sub(r"\D", "", password)
        staff_id = getattr(user, "staff_id", "") or ""
        if letters in CONTEXT_WORDS or (staff_id and not letters and staff_id in digits):
            raise ValidationError(
                "A password cannot be made of the service's name or your staff ID.", code="password_context"
            )

    def get_help_text(self) -> str:
        return "Not made of the name SESIS or your staff ID."
