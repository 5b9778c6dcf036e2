"""What the director records as the interview goes: turns, events and hints taken."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Turn:
    """One side's words, with the phase they fell in and the interview clock time."""

    index: int
    speaker: str  # "interviewer" | "candidate"
    text: str
    phase: str
    t: float


@dataclass(frozen=True)
class Event:
    """Something the scorecard and the export report: a hint, probe, pushback, command, ..."""

    type: str
    turn: int
    detail: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HintTaken:
    turn: int
    problem: str
    level: int
    reveals: tuple[str, ...]
