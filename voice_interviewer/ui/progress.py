"""Progress bars for long work (model loading, export, bench, the quality gate).

Drawn on stderr, and only when stderr is a terminal, so piped output and logs stay as they
were. A bar appears only once the work has taken ``delay_s`` (1 s): quick work shows nothing.
Work started inside other work (models loaded by the benchmark) becomes a second line of the
same display, since a terminal has room for one live display at a time.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from voice_interviewer.ui import is_terminal

T = TypeVar("T")

_lock = threading.Lock()
_shared: Progress | None = None  # the display every bar of this process draws into
_users = 0


class Task:
    """One bar: ``advance`` as work is done; a no-op when nothing is drawn."""

    def __init__(self, progress: Progress | None, task: TaskID | None) -> None:
        self._progress = progress
        self._task = task

    def advance(self, steps: float = 1, description: str | None = None) -> None:
        if self._progress is None or self._task is None:
            return
        if description is None:
            self._progress.advance(self._task, steps)
        else:
            self._progress.update(self._task, advance=steps, description=description)

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """Yield ``items``, advancing the bar after each one is done."""
        for item in items:
            yield item
            self.advance()


def _new_display(out: TextIO) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=out),
        transient=True,
    )


@contextmanager
def progress(
    description: str,
    total: float | None = None,
    *,
    out: TextIO | None = None,
    delay_s: float = 1.0,
) -> Iterator[Task]:
    """A bar for ``total`` steps (None: a spinner with no end) while the block runs."""
    global _shared, _users
    out = out or sys.stderr
    if not is_terminal(out):
        yield Task(None, None)
        return
    with _lock:
        if _shared is None:
            _shared = _new_display(out)
        display = _shared
        _users += 1
    task = display.add_task(description, total=total, visible=False)
    # Shown only if the work outlasts delay_s; the timer is cancelled when it ends sooner.
    timer = threading.Timer(delay_s, _show, (display, task))
    timer.daemon = True
    timer.start()
    try:
        yield Task(display, task)
    finally:
        timer.cancel()
        display.remove_task(task)
        with _lock:
            _users -= 1
            if _users == 0:
                if display.live.is_started:
                    display.stop()
                _shared = None


def _show(display: Progress, task: TaskID) -> None:
    with _lock:
        if task not in display.task_ids:
            return
        display.update(task, visible=True)
        if not display.live.is_started:
            display.start()
