from __future__ import annotations

from sesis.services.tests.conftest import Sessions, sessions

__all__ = ["Sessions", "sessions"]
