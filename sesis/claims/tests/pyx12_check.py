"""Run pyx12, the open-source X12 validator, on a file and collect its errors."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyx12.params
import pyx12.x12n_document


def pyx12_errors(path: Path) -> tuple[bool, list[dict[str, Any]]]:
    """(pyx12's verdict, every error it reports at any level of the file)."""
    report = io.StringIO()
    ok = pyx12.x12n_document.x12n_document(
        param=pyx12.params.params(),
        src_file=str(path),
        fd_997=None,
        fd_html=None,
        fd_xmldoc=None,
        fd_json=report,
        map_path=None,
    )
    errors: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "errors" and value:
                    errors.extend(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(report.getvalue()))
    return bool(ok), errors
