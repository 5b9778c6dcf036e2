"""Speculative turns: answer at the short pause, speak at the endpoint, or drop it.

When a pause ends a speech segment, its transcript is ready well before the longer silence
that ends the turn. The loop then lets a fork of the director answer as if the turn had
ended, renders and synthesizes the reply, and keeps the audio here. At the endpoint, if
nothing was said since, the fork becomes the director and the audio goes to the player at
once; if the candidate resumed, the speculation's generation is bumped and its audio is never
played (a stale reply is never spoken).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from voice_interviewer.messages import CandidateTurn, Move, SpeechAudio
from voice_interviewer.runtime.generation import Generation
from voice_interviewer.session.live import InterviewSession, Speculation


@dataclass
class _Pending:
    generation: int
    speculation: Speculation
    audio: list[SpeechAudio] = field(default_factory=list)
    committed: bool = False


class Speculator:
    """Holds at most one speculative reply and decides its fate; thread-safe."""

    def __init__(
        self, session: InterviewSession, generation: Generation, play: Callable[[SpeechAudio], None]
    ) -> None:
        self._session = session
        self._generation = generation
        self._play = play
        self._lock = threading.Lock()
        self._pending: _Pending | None = None
        self._committed: set[int] = set()
        self.started = 0
        self.committed = 0
        self.dropped = 0

    def begin(self, text: str) -> tuple[int, Move]:
        """Fork the director on ``text`` under a new generation (which cancels any older one)."""
        with self._lock:
            generation = self._generation.bump()
            speculation = self._session.speculate(text)
            if self._pending is not None and not self._pending.committed:
                self.dropped += 1
            self._pending = _Pending(generation, speculation)
            self.started += 1
            return generation, speculation.move

    def hold_back(self, audio: SpeechAudio) -> bool:
        """True when ``audio`` belongs to an uncommitted speculation (kept here, not played)."""
        with self._lock:
            p = self._pending
            if p is None or p.generation != audio.generation or p.committed:
                return False
            p.audio.append(audio)
            return True

    def commit(
        self, text: str, turn: CandidateTurn, before_play: Callable[[int], None] | None = None
    ) -> tuple[int, Move] | None:
        """At the endpoint: if the turn is what was speculated on, make it real and play its
        audio; returns the generation and move, or None when the turn must be answered anew.
        ``before_play(generation)`` runs first (the player journals timings on first audio)."""
        with self._lock:
            p = self._pending
            if p is None or p.committed or p.speculation.text != text:
                return None
            if not self._generation.is_current(p.generation):
                return None
            move = self._session.commit(p.speculation, turn)
            if before_play is not None:
                before_play(p.generation)
            p.committed = True
            self._committed.add(p.generation)
            self.committed += 1
            for audio in p.audio:
                self._play(audio)
            p.audio.clear()
            return p.generation, move

    def revise(self, turn_index: int, text: str) -> None:
        """A turn's final text replaces its fast one, in the session and in a pending
        speculation's fork of the director (which would otherwise, once committed, bring
        the fast text back). Under the lock, so no speculation begins or commits meanwhile."""
        with self._lock:
            self._session.revise_turn(turn_index, text)
            p = self._pending
            if p is not None and not p.committed:
                p.speculation.director.revise_turn(turn_index, text)

    def was_committed(self, generation: int) -> bool:
        with self._lock:
            return generation in self._committed

    def cancel(self) -> int | None:
        """The candidate went on talking: drop the speculation (its audio is never played).
        Returns the dropped speculation's generation, None when there was none."""
        with self._lock:
            p = self._pending
            if p is None or p.committed:
                return None
            if self._generation.is_current(p.generation):
                self._generation.bump()
            self._pending = None
            self.dropped += 1
            return p.generation
