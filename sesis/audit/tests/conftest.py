from __future__ import annotations

from sesis.api.tests.conftest import api_as  # noqa: F401 (a fixture)
from sesis.services.tests.conftest import sessions  # noqa: F401 (a fixture)
