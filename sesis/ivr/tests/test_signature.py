"""The webhook's signature check against Twilio's own RequestValidator: every
signature here is computed by twilio's library, as Twilio signs its requests."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from sesis.ivr.models import CallSession
from sesis.ivr.signature import expected_signature, url_forms

TOKEN = "auth-token-of-the-account"
SHARED = "shared-key-secret"
URL = "http://testserver/ivr/voice/"


@pytest.fixture
def signed(settings, db: None) -> None:
    settings.SESIS_IVR_AUTH_TOKEN = TOKEN
    settings.SESIS_IVR_SHARED_KEY = SHARED
    settings.SESIS_IVR_SHARED_KEY_ID = ""
    settings.SESIS_IVR_VERIFY_SIGNATURE = True


def _post(client: Client, body: str, signature: str, **headers: str):
    return client.post(
        "/ivr/voice/",
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature, **headers},
    )


def test_a_repeated_parameter_is_signed_with_every_value_sorted(client: Client, signed: None) -> None:
    body = "CallSid=CA9&X=b&X=a"
    signature = RequestValidator(TOKEN).compute_signature(URL, QueryDict(body))
    assert _post(client, body, signature).status_code == 200
    assert CallSession.objects.filter(call_sid="CA9").exists()
    # The last value alone (what a plain dict would keep) is not what Twilio signed.
    last_only = RequestValidator(TOKEN).compute_signature(URL, {"CallSid": "CA9", "X": "a"})
    assert _post(client, "CallSid=CA8&X=b&X=a", last_only).status_code == 403


def test_a_shared_key_signature_with_hmac_sha256_is_accepted(client: Client, signed: None) -> None:
    body = "CallSid=CA7&Digits=300"
    signature = RequestValidator(SHARED).compute_signature(URL, QueryDict(body), algorithm="HMAC_SHA256")
    settings_header = {"X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"}
    assert _post(client, body, signature, **settings_header).status_code == 200
    # The same request signed with SHA-1, or with the auth token, is refused.
    sha1 = RequestValidator(SHARED).compute_signature(URL, QueryDict(body), algorithm="HMAC_SHA1")
    assert _post(client, body, sha1, **settings_header).status_code == 403
    with_token = RequestValidator(TOKEN).compute_signature(URL, QueryDict(body), algorithm="HMAC_SHA256")
    assert _post(client, body, with_token, **settings_header).status_code == 403
    # Without the settings header the signature is read as the auth token's SHA-1 one.
    assert _post(client, body, signature).status_code == 403


def test_a_shared_key_of_another_id_or_an_unknown_algorithm_is_refused(client: Client, signed: None, settings) -> None:
    body = "CallSid=CA6"
    settings.SESIS_IVR_SHARED_KEY_ID = "webhooks_sharedkey_1"
    signature = RequestValidator(SHARED).compute_signature(URL, QueryDict(body), algorithm="HMAC_SHA256")
    other = {"X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_2,algorithm=HMAC_SHA256"}
    assert _post(client, body, signature, **other).status_code == 403
    unknown = {"X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_1,algorithm=HMAC_MD5"}
    assert _post(client, body, signature, **unknown).status_code == 403
    named = {"X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"}
    assert _post(client, body, signature, **named).status_code == 200


def test_no_secret_configured_refuses_every_call(client: Client, signed: None, settings) -> None:
    settings.SESIS_IVR_AUTH_TOKEN = ""
    body = "CallSid=CA5"
    assert _post(client, body, RequestValidator("").compute_signature(URL, QueryDict(body))).status_code == 403


def test_the_url_is_accepted_with_or_without_its_default_port(client: Client, signed: None, settings) -> None:
    settings.SESIS_IVR_BASE_URL = "https://sesis.example.org"
    body = "CallSid=CA4"
    for url in ("https://sesis.example.org/ivr/voice/", "https://sesis.example.org:443/ivr/voice/"):
        signature = RequestValidator(TOKEN).compute_signature(url, QueryDict(body))
        assert RequestValidator(TOKEN).validate("https://sesis.example.org/ivr/voice/", QueryDict(body), signature)
        assert _post(client, body, signature).status_code == 200, url
    wrong_host = RequestValidator(TOKEN).compute_signature("https://evil.example.org/ivr/voice/", QueryDict(body))
    assert _post(client, body, wrong_host).status_code == 403


def test_url_forms() -> None:
    assert url_forms("https://a.org/x?y=1") == ["https://a.org/x?y=1", "https://a.org:443/x?y=1"]
    assert url_forms("http://a.org:8000/x") == ["http://a.org:8000/x", "http://a.org/x"]


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@given(
    params=st.dictionaries(st.text("ABCDXYZabc", min_size=1, max_size=6), st.lists(_text, min_size=1, max_size=4)),
    algorithm=st.sampled_from(["HMAC_SHA1", "HMAC_SHA256"]),
)
def test_our_signature_is_twilios_for_any_parameters(params: dict[str, list[str]], algorithm: str) -> None:
    query = QueryDict(mutable=True)
    for name, values in params.items():
        query.setlist(name, values)
    theirs = RequestValidator(TOKEN).compute_signature(URL, query, algorithm=algorithm)
    assert expected_signature(TOKEN, URL, params, algorithm) == theirs
