"""The interviewer's replies by generation: their moves and timings, and what was heard.

Several stages touch one reply: think registers it, speak and the player stamp its timings,
the player reports its first sample and what the candidate heard. This ledger is the one
place those meet (under a lock), and the one writer of the ``timing`` and ``said`` lines.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from voice_interviewer.messages import Move
from voice_interviewer.runtime.player import Heard
from voice_interviewer.runtime.stages import Renderer, TurnTiming
from voice_interviewer.session.events import SaidLine, TimingLine
from voice_interviewer.session.live import InterviewSession


class Replies:
    """Moves and timings by generation; journals timings at first audio and what was heard."""

    def __init__(
        self,
        session: InterviewSession,
        renderer: Renderer,
        emit: Callable[[str, dict[str, Any]], None],
        on_heard_start: Callable[[Move], None],
    ) -> None:
        """``on_heard_start(move)``: a reply began to play (the context of the next turn)."""
        self._session = session
        self._renderer = renderer
        self._emit = emit
        self._on_heard_start = on_heard_start
        self._lock = threading.Lock()
        self._timings: dict[int, TurnTiming] = {}
        self._moves: dict[int, Move] = {}

    def start(self, generation: int, move: Move, timing: TurnTiming) -> None:
        with self._lock:
            self._timings[generation] = timing
            self._moves[generation] = move

    def timing(self, generation: int) -> TurnTiming | None:
        with self._lock:
            return self._timings.get(generation)

    def move(self, generation: int) -> Move | None:
        with self._lock:
            return self._moves.get(generation)

    def first_audio(self, generation: int, t: float) -> None:
        """The player handed reply ``generation``'s first sample to the device at ``t``."""
        with self._lock:
            timing = self._timings.get(generation)
            move = self._moves.get(generation)
        if move is not None:
            self._on_heard_start(move)
        if timing is None:
            return
        timing.t_first_audio = t
        fields: dict[str, Any] = {
            k: (round(v, 4) if isinstance(v, float) else v) for k, v in timing.__dict__.items()
        }
        if timing.t_endpoint is not None:
            fields["response_latency"] = round(t - timing.t_endpoint, 4)
        if timing.t_speech_end is not None:
            fields["voice_to_voice"] = round(t - timing.t_speech_end, 4)
        self._session.record(TimingLine(**fields))
        self._emit("timing", fields)

    def heard(self, heard: Heard | None) -> None:
        """Journal what the candidate heard of a reply (all of it, or up to an interruption)."""
        if heard is None:
            return
        if heard.interrupted:
            self._renderer.heard(heard.text)  # the LLM's history holds what was actually said
        move = self.move(heard.generation)
        self._session.record(
            SaidLine(move.turn if move else None, heard.text, heard.full_text, heard.interrupted)
        )
        self._emit("said", {"text": heard.text, "interrupted": heard.interrupted})
