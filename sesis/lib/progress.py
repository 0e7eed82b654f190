"""Progress of long commands: a bar (tqdm) on a terminal; off a terminal (a cron job's
log, a pipe) nothing, so logs keep only the outcome, unless asked with -v2: then a
plain line now and then ("students: 30,000 of 100,000 rows"), for a log or a watcher;
with -v3 a line at every step (a watcher that acts on progress, as the kill test does)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from tqdm import tqdm

Progress = Callable[[int, int], None]
T = TypeVar("T")
LINE_EVERY = 0.5  # seconds between plain progress lines


@contextmanager
def progress_bar(what: str, *, verbosity: int = 1, unit: str = "rows") -> Iterator[Progress]:
    """A progress(done, total) callback for `what`. A new total starts a new bar (a
    command's second phase)."""
    terminal = sys.stderr.isatty()
    bar: tqdm | None = None
    last = [0.0]

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if verbosity < 1:
            return
        if terminal:
            if bar is None or bar.total != total or done < bar.n:
                if bar is not None:
                    bar.close()
                bar = tqdm(total=total, desc=what, unit=f" {unit}", unit_scale=True, file=sys.stderr)
            bar.update(done - bar.n)
        elif verbosity >= 2:
            now = time.monotonic()
            if verbosity >= 3 or done >= total or now - last[0] >= LINE_EVERY:
                last[0] = now
                sys.stderr.write(f"{what}: {done:,} of {total:,} {unit}\n")
                sys.stderr.flush()

    try:
        yield progress
    finally:
        if bar is not None:
            bar.close()


def counted(items: Iterable[T], total: int, progress: Progress, every: int = 10_000) -> Iterator[T]:
    """items, reporting progress every `every` items and at the end."""
    done = 0
    for done, item in enumerate(items, start=1):
        if done % every == 0:
            progress(done, total)
        yield item
    progress(done, total)
