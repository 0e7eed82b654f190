"""Production serves hashed, compressed static files; collectstatic fails if a
stylesheet refers to a file that is not vendored (USWDS fonts, images, source map)."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_collectstatic_with_the_production_storage_resolves_every_reference(tmp_path: Path) -> None:
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST):
        call_command("collectstatic", "--no-input", verbosity=0, stdout=io.StringIO())
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/uswds/css/uswds.min.css" in manifest
    assert "sesis/sesis.css" in manifest
    assert list(tmp_path.glob("vendor/uswds/css/uswds.min.*.css.gz"))
