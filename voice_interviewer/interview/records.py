"""What the director records as the interview goes (turns, events, hints taken), and the
reply a policy decides on before the director makes it a Move."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voice_interviewer.messages import MoveKind


class _Immutable:
    """Frozen records are shared, not copied, when the interview state is forked."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Immutable:
        return self


@dataclass(frozen=True)
class Turn(_Immutable):
    """One side's words, with the phase they fell in and the interview clock time."""

    index: int
    speaker: str  # "interviewer" | "candidate"
    text: str
    phase: str
    t: float


@dataclass(frozen=True)
class Event(_Immutable):
    """Something the scorecard and the export report: a hint, probe, pushback, command, ...
    (``data`` is never changed after the event is made)."""

    type: str
    turn: int
    detail: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HintTaken(_Immutable):
    turn: int
    problem: str
    level: int
    reveals: tuple[str, ...]


@dataclass(frozen=True)
class Reply:
    """What a policy decided to say; the director records it and makes it a Move."""

    kind: MoveKind
    text: str
    question: str = ""
    """The question the candidate should answer next ("" when none is asked)."""
    keep_question: bool = False
    """Keep the open question as it is (a hint, a scope answer, a pause)."""
    ends: bool = False
