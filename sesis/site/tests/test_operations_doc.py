"""docs/operations.md's table names every environment variable the settings read."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_setting_is_in_the_operations_table() -> None:
    settings = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', settings))
    table = {
        row.split("|")[1].strip().strip("`")
        for row in (ROOT / "docs" / "operations.md").read_text().splitlines()
        if row.startswith("| `")
    }
    assert len(read) > 20  # the pattern finds the settings at all
    assert sorted(read - table) == []
