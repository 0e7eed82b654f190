"""The names of the files in bench/results: what ran, the date and the commit, so that
runs of one day at different commits are kept side by side (a run at the same commit
on the same day replaces the earlier one)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def commit() -> str:
    """The short commit of the checkout, saying so when it has uncommitted changes."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: S603, S607

    return git("rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if git("status", "--porcelain") else "")


def results_file(kind: str, *details: str) -> Path:
    """bench/results/<kind>-<date>-<commit>[-<detail>...].md, the folder made if need be."""
    RESULTS.mkdir(exist_ok=True)
    name = "-".join([kind, dt.datetime.now(dt.UTC).date().isoformat(), commit().split()[0], *details])
    return RESULTS / f"{name}.md"
