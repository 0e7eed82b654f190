"""Whole calls, posted as the telephony provider posts them: form fields CallSid and
Digits, signed with X-Twilio-Signature."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from twilio.request_validator import RequestValidator

from sesis.caseloads.models import CaseloadEntry
from sesis.ivr.models import FirstAttend, Status
from sesis.ivr.signature import expected_signature
from tests.factories import District

URL = "http://testserver/ivr/voice/"
TOKEN = "test-account-token"


class Phone:
    def __init__(self, client: Client, call_sid: str = "CA0001") -> None:
        self.client = client
        self.call_sid = call_sid

    def post(self, digits: str | None = None, *, token: str = TOKEN, signed: bool = True) -> str:
        params = {"CallSid": self.call_sid, "AccountSid": "AC1", "From": "+12125550100"}
        if digits is not None:
            params["Digits"] = digits
        headers = {}
        if signed:
            # Signed by Twilio's own library, as Twilio signs its webhooks.
            headers["HTTP_X_TWILIO_SIGNATURE"] = RequestValidator(token).compute_signature(URL, params)
        response = self.client.post("/ivr/voice/", params, **headers)
        self.status = response.status_code
        return response.content.decode()


def said(twiml: str) -> str:
    return " ".join(re.findall(r"<Say[^>]*>(.*?)</Say>", twiml)).replace("&#x27;", "'").replace("&apos;", "'")


@pytest.fixture
def phone(client: Client, district: District, settings) -> Phone:
    settings.SESIS_IVR_AUTH_TOKEN = TOKEN
    settings.SESIS_IVR_VERIFY_SIGNATURE = True
    for staff in (district.doe_speech, district.para):
        staff.ivr_pin = make_password("4827")
        staff.save()
    return Phone(client)


def test_a_whole_call_reports_a_first_attend_and_adds_the_student(phone: Phone, district: District) -> None:
    greeting = phone.post()
    assert "Welcome to SESIS first attend reporting." in said(greeting)
    assert '<Gather input="dtmf" action="/ivr/voice/" method="POST" timeout="8" finishOnKey="#">' in greeting
    assert "Enter your P I N" in said(phone.post("300#"))
    assert "Hello, Maria." in said(phone.post("4827"))
    assert "If the first attend was today, press 1" in said(phone.post("111111111"))  # one discipline: no menu
    readback = said(phone.post("1"))
    assert readback.startswith("You are reporting a first attend for Ana O, Speech-Language Therapy, on ")
    outcome = said(phone.post("1"))
    assert "The student was added to your caseload." in outcome
    fa = FirstAttend.objects.get()
    assert (fa.call_id, fa.source, fa.status) == ("CA0001:1", "call", Status.ADDED)
    assert CaseloadEntry.objects.get().source == "ivr"
    goodbye = phone.post("9")
    assert "Thank you. Goodbye." in said(goodbye) and "<Hangup/>" in goodbye


def test_silence_after_a_report_is_a_goodbye_not_a_failure(phone: Phone, district: District) -> None:
    for digits in (None, "300", "4827", "111111111", "1"):
        phone.post(digits)
    assert "The student was added" in said(phone.post("1"))
    done = phone.post(None)  # the caller says nothing more: Gather times out
    assert said(done) == "Thank you. Goodbye." and done.endswith("<Hangup/></Response>")
    assert "Sorry" not in done
    assert FirstAttend.objects.get().status == Status.ADDED


def test_every_say_has_the_configured_voice_and_language(phone: Phone, district: District, settings) -> None:
    greeting = phone.post()
    says = re.findall(r"<Say[^>]*>", greeting)
    assert says and all(tag == '<Say voice="Polly.Joanna" language="en-US">' for tag in says)
    settings.SESIS_IVR_VOICE, settings.SESIS_IVR_LANGUAGE = "alice", "es-US"
    assert '<Say voice="alice" language="es-US">' in Phone(phone.client, "CA0002").post()


def test_the_read_back_says_the_year_when_it_is_not_this_year(phone: Phone, district: District, today) -> None:
    for digits in (None, "300", "4827", "111111111", "2"):
        phone.post(digits)
    assert "on Monday, November 16. To confirm" in said(phone.post("1116"))  # this year: no year
    phone.post("2")
    phone.post("111111111")
    phone.post("2")
    assert "on Monday, December 1, 2025. To confirm" in said(phone.post("1201"))


def test_a_disabled_line_answers_404(phone: Phone, settings) -> None:
    settings.SESIS_IVR_ENABLED = False
    phone.post()
    assert phone.status == 404


def test_a_date_can_be_keyed_in_and_another_report_follows(phone: Phone, district: District, today) -> None:
    for digits in (None, "300", "4827", "111111111", "2"):
        phone.post(digits)
    assert "for Ana O, Speech-Language Therapy, on Monday, November 16" in said(phone.post("1116"))
    phone.post("1")
    assert "To enter" not in said(phone.post("1"))  # another report: straight to the student
    phone.post("444444444")
    phone.post("1")
    outcome = said(phone.post("1"))
    assert "could not be added to your caseload: No IEP mandate. Your report is kept" in outcome
    assert list(FirstAttend.objects.order_by("call_id").values_list("call_id", "status")) == [
        ("CA0001:1", "added"),
        ("CA0001:2", "refused"),
    ]


def test_a_future_date_keyed_in_means_last_year(phone: Phone, district: District, today) -> None:
    for digits in (None, "300", "4827", "111111111", "2"):
        phone.post(digits)
    assert "on Monday, December 1, 2025" in said(phone.post("1201"))  # 2025-12-01, not 2026
    phone.post("1")
    assert FirstAttend.objects.get().first_attend_date.isoformat() == "2025-12-01"


def test_a_provider_with_several_disciplines_chooses_from_a_menu(phone: Phone, district: District) -> None:
    district.doe_speech.disciplines.create(service="OT")
    for digits in (None, "300", "4827"):
        phone.post(digits)
    menu = said(phone.post("111111111"))
    assert "For Speech-Language Therapy, press 1. For Occupational Therapy, press 2." in menu
    assert "Press a number from 1 to 2." in said(phone.post("7"))
    assert "If the first attend was today" in said(phone.post("1"))


def test_wrong_digits_get_a_reason_and_another_try(phone: Phone, district: District) -> None:
    phone.post()
    phone.post("300")
    assert "That staff I D and P I N do not match our records. Please try again." in said(phone.post("1111"))
    phone.post("300")
    phone.post("4827")
    assert "An O S I S number has nine digits. Please try again." in said(phone.post("1234"))
    assert not FirstAttend.objects.exists()


def test_three_failures_end_the_call_politely(phone: Phone, district: District) -> None:
    phone.post()
    phone.post("abc")
    phone.post("abc")
    ending = phone.post("abc")
    assert "Sorry, we could not take your report." in said(ending) and "<Hangup/>" in ending
    assert "<Hangup/>" in phone.post("300")  # the call stays ended


def test_silence_counts_as_a_failure(phone: Phone, district: District) -> None:
    phone.post()
    assert "We did not hear any digits. Please try again." in said(phone.post())


def test_a_student_outside_the_providers_students_is_read_back_as_digits(phone: Phone, district: District) -> None:
    for digits in (None, "300", "4827", "555555555"):
        phone.post(digits)
    assert "for student 5 5 5 5 5 5 5 5 5," in said(phone.post("1"))  # no name of a student the provider cannot see
    assert "No assignment or RSA for this student" in said(phone.post("1"))
    assert FirstAttend.objects.get().status == Status.REFUSED


def test_a_caller_who_hangs_up_midway_reports_nothing(phone: Phone, district: District) -> None:
    for digits in (None, "300", "4827", "111111111", "1"):
        phone.post(digits)
    # ...the caller hangs up before confirming: no further requests come.
    assert not FirstAttend.objects.exists()
    assert not CaseloadEntry.objects.exists()


def test_unsigned_or_wrongly_signed_requests_are_refused(phone: Phone, district: District) -> None:
    phone.post(signed=False)
    assert phone.status == 403
    phone.post(token="someone-elses-token")
    assert phone.status == 403
    assert not FirstAttend.objects.exists()


def test_signature_checking_can_be_turned_off_for_development(phone: Phone, settings) -> None:
    settings.SESIS_IVR_VERIFY_SIGNATURE = False
    assert "Welcome" in said(phone.post(signed=False))
    assert phone.status == 200


def test_a_request_without_a_call_sid_is_refused(client: Client, settings) -> None:
    settings.SESIS_IVR_VERIFY_SIGNATURE = False
    assert client.post("/ivr/voice/", {}).status_code == 400
    assert client.get("/ivr/voice/").status_code == 405


def test_the_signature_matches_the_published_convention() -> None:
    # The worked example of the X-Twilio-Signature convention's documentation.
    params = {
        "CallSid": ["CA1234567890ABCDE"],
        "Caller": ["+14158675310"],
        "Digits": ["1234"],
        "From": ["+14158675310"],
        "To": ["+18005551212"],
    }
    assert (
        expected_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)
        == "GvWf1cFY/Q7PnoempGyD5oXAezc="
    )


def test_a_staff_id_longer_than_any_is_wrong_digits(phone: Phone, district: District) -> None:
    phone.post()
    reply = said(phone.post("1" * 40))
    assert phone.status == 200
    assert "A staff I D is up to twenty digits, then pound. Please try again." in reply
