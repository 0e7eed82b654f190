"""Progress of long commands: a bar on a terminal, silence in a log, lines when asked."""

from __future__ import annotations

import io

import pytest

from sesis.lib.progress import counted, progress_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(verbosity: int) -> None:
    with progress_bar("students", verbosity=verbosity) as progress:
        for done in range(0, 30_001, 10_000):
            progress(done, 30_000)


def test_a_terminal_gets_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    run(verbosity=1)
    text = terminal.getvalue()
    assert "students: 100%" in text and "30.0k/30.0k" in text and "\r" in text


def test_a_log_gets_nothing_unless_asked_and_then_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    log = io.StringIO()
    monkeypatch.setattr("sys.stderr", log)
    run(verbosity=1)
    assert log.getvalue() == ""
    run(verbosity=2)
    lines = log.getvalue().splitlines()
    assert lines[0] == "students: 0 of 30,000 rows" and lines[-1] == "students: 30,000 of 30,000 rows"
    assert "\r" not in log.getvalue()


def test_quiet_is_quiet_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    run(verbosity=0)
    assert terminal.getvalue() == ""


def test_counted_reports_every_so_often_and_at_the_end() -> None:
    seen: list[tuple[int, int]] = []
    assert list(counted(range(25), 25, lambda done, total: seen.append((done, total)), every=10)) == list(range(25))
    assert seen == [(10, 25), (20, 25), (25, 25)]
