"""Authentication (NIST SP 800-63B, OWASP ASVS V2/V3): password rules, setting a
password, sign-in throttling per account and per address, session timeouts and a new
session id at sign-in."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from sesis.audit.models import AuditEvent
from sesis.ivr.tests.test_voice import Phone, said
from sesis.lib.errors import ActionRefused
from sesis.people.actions import staff_set_password
from sesis.people.models import SignInFailure, Staff
from sesis.people.sessions import LAST_SEEN, SIGNED_IN_AT
from tests.factories import PASSWORD, District

GOOD = "amble quartz lantern"


def sign_in(client: Client, staff_id: str, password: str, address: str = "10.0.0.1", **headers: str):
    return client.post(reverse("login"), {"username": staff_id, "password": password}, REMOTE_ADDR=address, **headers)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# -- password rules ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short pass", "too short"),
        ("password1234", "too common"),  # Django's list
        ("q1w2e3r4t5y6u7", "data breach"),  # the shipped breached list, not Django's
        ("sanfrancisco", "data breach"),
        ("zzzzzzzzzzzzzz", "one character repeated"),
        ("123456789012", "one character repeated or a run"),
        ("abcdefghijklm", "a run"),
        ("9876543210987", "a run"),
        ("Sesis!2026#2026", "the service's name"),
        ("x" * 129, "at most 128"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(db: None, password: str, problem: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, Staff(staff_id="300", first_name="Maria", last_name="Santos"))
    assert problem in " ".join(refused.value.messages)


def test_a_password_that_is_the_staff_id_is_refused(db: None) -> None:
    with pytest.raises(ValidationError, match="staff ID"):
        validate_password("300001-300001", Staff(staff_id="300001", first_name="A", last_name="B"))


@pytest.mark.parametrize(
    "password",
    [GOOD, "correct horse battery staple", "Ünïcode pässwörd ✓", ("amble quartz " * 10)[:128], "no-rules-about-digits"],
)
def test_long_passphrases_of_any_characters_are_accepted_without_composition_rules(db: None, password: str) -> None:
    validate_password(password, Staff(staff_id="300", first_name="Maria", last_name="Santos"))


def test_setting_a_password_checks_the_rules_and_changes_nothing_on_refusal(district: District) -> None:
    maria = district.doe_speech
    before = Staff.objects.get(pk=maria.pk).password
    with pytest.raises(ActionRefused, match="too common"):
        staff_set_password(actor=maria, staff=maria, password="password1234")
    assert Staff.objects.get(pk=maria.pk).password == before
    assert not AuditEvent.objects.filter(action="staff.set_password").exists()


def test_only_the_person_or_an_administrator_sets_a_password(district: District) -> None:
    with pytest.raises(ActionRefused, match="Only you, or an administrator"):
        staff_set_password(actor=district.supervisor, staff=district.doe_speech, password=GOOD)
    staff_set_password(actor=district.admin, staff=district.doe_speech, password=GOOD)
    assert Staff.objects.get(pk=district.doe_speech.pk).check_password(GOOD)
    event = AuditEvent.objects.get(action="staff.set_password")
    assert event.actor == district.admin and event.details["by_administrator"] is True
    assert GOOD not in str(event.details)


def test_changing_my_password_asks_for_the_current_one_and_keeps_this_session(
    client: Client, district: District
) -> None:
    maria = district.doe_speech
    other_device = Client()
    other_device.force_login(maria)
    client.force_login(maria)
    url = reverse("change_password")
    assert client.get(reverse("profile")).content.count(url.encode()) == 1

    wrong = client.post(url, {"current_password": "nope", "password": GOOD, "password_again": GOOD})
    assert "That is not your current password." in wrong.content.decode()
    mismatch = client.post(url, {"current_password": PASSWORD, "password": GOOD, "password_again": GOOD + "!"})
    assert "The two passwords are not the same." in mismatch.content.decode()
    weak = client.post(
        url, {"current_password": PASSWORD, "password": "password1234", "password_again": "password1234"}
    )
    assert "This password is too common." in weak.content.decode()
    assert Staff.objects.get(pk=maria.pk).check_password(PASSWORD)

    done = client.post(url, {"current_password": PASSWORD, "password": GOOD, "password_again": GOOD})
    assert done.status_code == 302
    assert Staff.objects.get(pk=maria.pk).check_password(GOOD)
    assert client.get(reverse("home")).status_code == 200  # still signed in here
    assert other_device.get(reverse("home")).status_code == 302  # signed out elsewhere


def test_guessing_the_current_password_counts_towards_the_lock(client: Client, district: District, settings) -> None:
    settings.SESIS_SIGNIN_ACCOUNT_LIMIT = 3
    client.force_login(district.doe_speech)
    url = reverse("change_password")
    for guess in ("guess one", "guess two", "guess three"):
        client.post(url, {"current_password": guess, "password": GOOD, "password_again": GOOD})
    locked = client.post(url, {"current_password": PASSWORD, "password": GOOD, "password_again": GOOD})
    assert "Too many failed sign-ins for this staff ID." in locked.content.decode()
    assert Staff.objects.get(pk=district.doe_speech.pk).check_password(PASSWORD)
    assert "Too many failed" in sign_in(Client(), "300", PASSWORD).content.decode()


def test_an_administrator_sets_a_password_and_lifts_a_lock(client: Client, district: District) -> None:
    for _ in range(10):
        sign_in(Client(), "300", "wrong password!")
    assert "Too many failed sign-ins" in sign_in(Client(), "300", PASSWORD).content.decode()
    client.force_login(district.admin)
    url = reverse("staff_password", args=["300"])
    assert url.encode() in client.get(reverse("staff_detail", args=["300"])).content
    response = client.post(url, {"password": GOOD, "password_again": GOOD})
    assert response.status_code == 302
    assert sign_in(Client(), "300", GOOD).status_code == 302


def test_supervisors_and_providers_cannot_set_others_passwords(client: Client, district: District) -> None:
    url = reverse("staff_password", args=["300"])
    for person in (district.supervisor, district.doe_speech):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"password": GOOD, "password_again": GOOD}).status_code == 404
        assert b"Set a password" not in client.get(reverse("staff_detail", args=["300"])).content
    assert Staff.objects.get(staff_id="300").check_password(PASSWORD)


# -- throttling ---------------------------------------------------------------------


def test_ten_failures_lock_the_account_even_against_the_right_password(district: District) -> None:
    for attempt in range(10):
        response = sign_in(Client(), "300", f"wrong {attempt}", address=f"10.0.0.{attempt}")
        assert "Please enter a correct staff ID and password." in response.content.decode()
    locked = sign_in(Client(), "300", PASSWORD, address="10.9.9.9")
    assert "Too many failed sign-ins for this staff ID. Wait 15 minutes" in locked.content.decode()
    assert locked.status_code == 200 and not signed_in(Client())
    assert SignInFailure.objects.filter(account="300").count() == 10  # guesses while locked are not checked
    assert AuditEvent.objects.filter(action="signin.locked").count() == 1
    # Other accounts are not affected.
    assert sign_in(Client(), "400", PASSWORD, address="10.9.9.9").status_code == 302


def test_the_lock_ends_with_the_window(district: District, settings) -> None:
    settings.SESIS_SIGNIN_ACCOUNT_LIMIT = 2
    sign_in(Client(), "300", "wrong 1")
    sign_in(Client(), "300", "wrong 2")
    assert "Too many failed" in sign_in(Client(), "300", PASSWORD).content.decode()
    settings.SESIS_SIGNIN_WINDOW_SECONDS = 0  # the window has passed
    assert sign_in(Client(), "300", PASSWORD).status_code == 302
    assert not SignInFailure.objects.filter(account="300").exists()  # success clears them


def test_a_hundred_failures_a_day_lock_the_account_past_the_window(district: District, settings) -> None:
    settings.SESIS_SIGNIN_ACCOUNT_DAILY_LIMIT = 3
    settings.SESIS_SIGNIN_ACCOUNT_LIMIT = 50
    for attempt in range(3):
        sign_in(Client(), "300", f"wrong {attempt}")
    assert "today" in sign_in(Client(), "300", PASSWORD).content.decode()


def test_many_failures_from_one_address_lock_that_address_only(district: District, settings) -> None:
    settings.SESIS_SIGNIN_ADDRESS_LIMIT = 5
    for staff_id in ("1", "2", "3", "4", "5"):
        sign_in(Client(), staff_id, "guess guess guess", address="192.0.2.7")
    blocked = sign_in(Client(), "300", PASSWORD, address="192.0.2.7")
    assert "Too many failed sign-ins from this network." in blocked.content.decode()
    assert sign_in(Client(), "300", PASSWORD, address="192.0.2.8").status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_limit(district: District, settings) -> None:
    settings.SESIS_SIGNIN_ADDRESS_LIMIT = 3
    for n in range(3):
        sign_in(Client(), str(n), "guess guess guess", address="192.0.2.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert set(SignInFailure.objects.values_list("address", flat=True)) == {"192.0.2.7"}
    settings.SESIS_TRUSTED_PROXY_COUNT = 1  # behind one load balancer, its X-Forwarded-For is the client
    sign_in(Client(), "9", "guess guess guess", address="10.0.0.2", HTTP_X_FORWARDED_FOR="evil, 203.0.113.5")
    assert SignInFailure.objects.filter(account="9").get().address == "203.0.113.5"
    settings.SESIS_TRUSTED_PROXY_COUNT = 2  # set too high: the hop it reads is not an address
    response = sign_in(Client(), "8", "guess guess guess", address="10.0.0.2", HTTP_X_FORWARDED_FOR="evil, 203.0.113.5")
    assert response.status_code == 200 and SignInFailure.objects.filter(account="8").get().address is None


def test_wrong_telephone_pins_lock_the_phone_but_not_the_web(client: Client, district: District, settings) -> None:
    from django.contrib.auth.hashers import make_password

    settings.SESIS_IVR_AUTH_TOKEN = "test-account-token"
    settings.SESIS_IVR_VERIFY_SIGNATURE = True
    settings.SESIS_SIGNIN_ACCOUNT_LIMIT = 4
    district.doe_speech.ivr_pin = make_password("4827")
    district.doe_speech.save()
    for call in range(2):  # a call ends after three failures; the count spans calls
        phone = Phone(Client(), call_sid=f"CA{call}")
        phone.post()
        phone.post("300#")
        phone.post("1111")
        phone.post("300#")
        last = phone.post("2222")
    assert "Too many wrong P I N entries" not in said(last)
    phone = Phone(Client(), call_sid="CA9")
    phone.post()
    phone.post("300#")
    locked = phone.post("4827")  # the right PIN, refused while locked
    assert "Too many wrong P I N entries" in said(locked) and "<Hangup/>" in locked
    assert SignInFailure.objects.filter(channel="ivr", account="300").count() == 4
    assert sign_in(client, "300", PASSWORD).status_code == 302  # the web password is counted apart


# -- sessions -----------------------------------------------------------------------


def test_signing_in_gives_a_new_session_id(client: Client, district: District) -> None:
    client.get(reverse("login"))
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    assert sign_in(client, "300", PASSWORD).status_code == 302
    assert client.session.session_key != before
    assert signed_in(client)


def test_an_idle_session_ends(client: Client, district: District, settings) -> None:
    client.force_login(district.doe_speech)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - settings.SESIS_IDLE_SECONDS - 1
    session.save()
    response = client.get(reverse("my_caseload"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "next=/caseload/" in response["Location"]
    assert not signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity." in page


def test_a_busy_session_still_ends_eight_hours_after_sign_in(client: Client, district: District) -> None:
    client.force_login(district.doe_speech)
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 8 * 60 * 60 - 1
    session[LAST_SEEN] = int(time.time())  # active a moment ago
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and not signed_in(client)


def test_an_active_session_is_kept_and_its_clock_is_not_written_every_request(
    client: Client, district: District
) -> None:
    client.force_login(district.doe_speech)
    client.get(reverse("ping"))
    seen = client.session[LAST_SEEN]
    client.get(reverse("ping"))
    assert client.session[LAST_SEEN] == seen
    assert signed_in(client)
