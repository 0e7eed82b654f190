"""Progress bars for long commands (tqdm): shown on a terminal, quiet otherwise (a
cron job's log, a pipe), so logs keep only the outcome."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

Progress = Callable[[int, int], None]


@contextmanager
def progress_bar(what: str, *, quiet: bool = False, unit: str = "rows") -> Iterator[Progress]:
    """A progress(done, total) callback drawing a bar on stderr when it is a terminal."""
    shown = not quiet and sys.stderr.isatty()
    bar: tqdm | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not shown:
            return
        if bar is None or bar.total != total:
            if bar is not None:
                bar.close()
            bar = tqdm(total=total, desc=what, unit=f" {unit}", unit_scale=True, file=sys.stderr, leave=True)
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.close()
