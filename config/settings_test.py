"""Settings for the test suite: production settings with DEBUG off, plus a test key,
plain static storage and a fast password hasher."""

from __future__ import annotations

import os

os.environ.setdefault("SESIS_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SESIS_SIMPLE_STATIC", "true")
os.environ.setdefault("SESIS_SSL_REDIRECT", "false")  # the test client and live server speak plain HTTP

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; tests hold no real secrets
WHITENOISE_USE_FINDERS = True  # serve static files from the source folders; no collectstatic in tests
WHITENOISE_AUTOREFRESH = True
