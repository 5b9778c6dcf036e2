"""What the voice loop needs of its parts, and the records it passes between its threads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from voice_interviewer.messages import Move, ReplyText, SpeechAudio


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
class Speculate:
    """Think-thread request: answer the turn so far, ``text``, ahead of the endpoint."""

    text: str
    serial: int
    stt_s: float | None


@dataclass
class TurnTiming:
    """The per-turn timestamps of DESIGN.md's latency definitions (session clock, seconds)."""

    turn: int = -1
    t_speech_end: float | None = None
    t_endpoint: float | None = None
    stt_last_segment_s: float | None = None
    t_move: float | None = None
    t_first_text: float | None = None
    t_first_clause: float | None = None
    tts_first_chunk_s: float | None = None
    t_first_audio: float | None = None
    authored: bool | None = None
    speculative: bool = False
