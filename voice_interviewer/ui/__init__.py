"""What the candidate sees in the terminal during an interview.

One narrow interface, ``Screen`` (screen.py), with two implementations chosen by ``make_screen``:

- ``RichScreen`` (rich_screen.py) on a terminal: a live status area (phase, phase clock, whole
  interview's clock, hint level, listening / thinking / speaking, input level meter, the words
  being spoken or recognised) above which the finished lines scroll, and the scorecard as a
  table. No colour when ``NO_COLOR`` is set (rich reads it).
- ``PlainScreen`` (plain.py) when stdout is not a terminal (pipes, logs, tests): plain lines.

textmode.py and runtime/display.py talk only to ``Screen``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO

from voice_interviewer.ui.screen import Screen


def is_terminal(out: TextIO) -> bool:
    """Whether ``out`` is an interactive terminal worth drawing on."""
    try:
        tty = out.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and os.environ.get("TERM", "") != "dumb"


def make_screen(
    now: Callable[[], float],
    *,
    out: TextIO | None = None,
    live: bool = False,
    show_latency: bool = False,
    keys: bool = True,
) -> Screen:
    """The rich screen on a terminal, plain lines elsewhere.

    ``now`` is the interview's clock (seconds since it began); ``live`` keeps a status area
    redrawn at the bottom (spoken interviews); text mode prints its status with each line,
    since a redrawn area would fight with the typed answer. ``keys``: the live area lists
    the spoken interview's keys (not in a replay, which reads none).
    """
    out = out or sys.stdout
    if is_terminal(out):
        from voice_interviewer.ui.rich_screen import RichScreen

        return RichScreen(now, out=out, live=live, show_latency=show_latency, keys=keys)
    from voice_interviewer.ui.plain import PlainScreen

    return PlainScreen(now, out=out, show_latency=show_latency)


__all__ = ["Screen", "is_terminal", "make_screen"]
