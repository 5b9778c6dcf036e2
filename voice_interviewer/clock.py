"""Clocks for the interview: a real monotonic one and a virtual one for tests and scripts."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Seconds since the interview started."""

    def now(self) -> float: ...


class RealClock:
    """Wall-clock seconds since creation, optionally starting at ``offset`` (for resume)."""

    def __init__(self, offset: float = 0.0) -> None:
        self._start = time.monotonic() - offset

    def now(self) -> float:
        return time.monotonic() - self._start


class VirtualClock:
    """A clock that only moves when told to, so tests run an hour-long interview instantly."""

    def __init__(self, start: float = 0.0) -> None:
        self._t = start

    def now(self) -> float:
        return self._t

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._t += seconds

    def set(self, t: float) -> None:
        self._t = max(self._t, t)
