"""Production's HTTP security: the Content-Security-Policy (no inline script or style
anywhere), HTTPS only with HSTS, secure cookies, and `manage.py check --deploy` with
production settings reporting nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, District

ROOT = Path(__file__).resolve().parents[3]


def test_every_response_carries_a_strict_content_security_policy(client: Client, district: District) -> None:
    client.force_login(district.doe_speech)
    for url in (reverse("login"), reverse("home"), "/api/v1/docs", "/api/v1/openapi.json"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == "'self'", url
        assert directives["style-src"] == "'self'", url
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'", url
        assert "unsafe" not in policy, url


def test_no_template_holds_inline_script_style_or_event_handlers() -> None:
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=|\son[a-z]+=", text):
            offenders.append(template.name)
    assert offenders == []


def test_other_security_headers(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_https_gets_hsts_and_the_session_cookie_is_secure_and_http_only(client: Client, district: District) -> None:
    response = client.post(reverse("login"), {"username": "300", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_except_the_health_check(client: Client, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True  # production's default (the test settings turn it off)
    response = client.get(reverse("login"))
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get(reverse("ping")).status_code != 301
    assert client.get(reverse("healthz")).status_code == 200


def _check_deploy(**variables: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SESIS_", "DJANGO_", "DATABASE_URL"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SESIS_SECRET_KEY": "k8-Qe2vN7!xZp4Lr9sTw1yUb6Hc3Jd0Fg5Mn8Ai2Ok7Pl4Ws1Ex9Rv6Ty3Gz0Hq5",
        "SESIS_ALLOWED_HOSTS": "sesis.example.org",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("proxy", [False, True])
def test_check_deploy_with_production_settings_reports_nothing(proxy: bool) -> None:
    variables = {"SESIS_IVR_AUTH_TOKEN": "telephony-account-token"}
    if proxy:
        variables["SESIS_PROXY_SSL_HEADER"] = "HTTP_X_FORWARDED_PROTO"
    result = _check_deploy(**variables)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("variables", "error"),
    [
        ({}, "sesis.ivr.E001"),  # enabled, nothing to verify a call with: every call would be 403
        ({"SESIS_IVR_VERIFY_SIGNATURE": "false", "SESIS_IVR_AUTH_TOKEN": "t"}, "sesis.ivr.E002"),
        ({"SESIS_IVR_ENABLED": "false"}, None),
        ({"SESIS_IVR_SHARED_KEY": "shared-key-secret"}, None),
    ],
)
def test_check_deploy_reports_an_ivr_that_cannot_verify_calls(variables: dict[str, str], error: str | None) -> None:
    result = _check_deploy(**variables)
    if error is None:
        assert result.returncode == 0, result.stdout + result.stderr
    else:
        assert result.returncode != 0 and error in result.stderr + result.stdout
