"""The mutation score of each rule module, from the last `mutmut run` (make mutation).

    .venv/bin/python bench/mutation.py

A mutant is killed when some test fails on it (a timeout or a type-check error counts
as killed too); it survives when every test passes, and has no tests when no test runs
its function. The score is killed / all mutants checked: a mutant with no tests counts
against it, as a rule no test exercises is a rule no test would catch going wrong."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KILLED = {"killed", "timeout", "caught by type check", "segfault"}


def main() -> int:
    from mutmut.stats import status_by_exit_code

    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover (Python 3.11 has it)
        return 2
    modules = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]["only_mutate"]
    rows = []
    for module in modules:
        meta = ROOT / "mutants" / f"{module}.meta"
        if not meta.exists():
            print(f"{module}: no results (run make mutation)", file=sys.stderr)
            return 1
        codes = json.loads(meta.read_text())["exit_code_by_key"].values()
        counts = Counter(status_by_exit_code[code] for code in codes)
        killed = sum(counts[s] for s in KILLED)
        checked = sum(n for s, n in counts.items() if s not in ("not checked", "skipped"))
        score = 100 * killed / checked if checked else 0.0
        rows.append((module, len(codes), killed, counts["survived"], counts["no tests"], score))
    print("| module | mutants | killed | survived | no tests | score |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for module, total, killed, survived, untested, score in rows:
        print(f"| `{module}` | {total} | {killed} | {survived} | {untested} | {score:.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
