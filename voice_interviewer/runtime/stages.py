"""What the voice loop needs of its parts, and the typed messages its stages pass."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from voice_interviewer.messages import CandidateTurn, Move, ReplyText, SpeechAudio
from voice_interviewer.runtime.runner import Control


class Renderer(Protocol):
    def render(self, move: Move, candidate_text: str = "") -> Iterator[ReplyText]: ...

    def heard(self, text: str) -> None: ...

    def refresh_cache(self, wait: bool = False) -> object: ...

    def interrupt(self, generation: int) -> None: ...

    def checkpoint(self) -> object: ...

    def restore(self, token: object) -> None: ...


class Speech(Protocol):
    def synthesize(self, text: str) -> Iterator[SpeechAudio]: ...


class Splitter(Protocol):
    def process(self, reply: ReplyText) -> Iterator[str]: ...


@dataclass(frozen=True)
class EndTurnNow(Control):
    """Push-to-talk: the candidate says the turn is over (to the listen stage)."""


@dataclass(frozen=True)
class InputEnded:
    """The source has no more audio (a replay ran out of answers): each stage finishes what
    it holds and passes this on; the loop ends when the last reply has played."""


@dataclass(frozen=True)
class SegmentHeard:
    """A segment's transcript, back to the listen stage: the endpointer weighs its words."""

    text: str
    segment_end: float


@dataclass(frozen=True)
class Say:
    """The loop's own move for the think stage: the greeting, or a resumed session's."""

    move: Move


@dataclass(frozen=True)
class TurnReady:
    """A finished candidate turn for the think stage; ``stt_s`` is the last segment's STT
    time (None for a typed turn)."""

    turn: CandidateTurn
    stt_s: float | None = None


@dataclass(frozen=True)
class Clause:
    """One clause of reply ``generation`` to synthesize; ``last`` closes the reply."""

    generation: int
    text: str
    last: bool = False


@dataclass(frozen=True)
class ReplyPlayed:
    """The player has played every sample of reply ``generation``."""

    generation: int


@dataclass(frozen=True)
class Speculate:
    """Think-thread request: answer the turn so far, ``text``, ahead of the endpoint."""

    text: str
    serial: int
    stt_s: float | None
