"""The interviewer's replies by generation: their moves and timings, and what was heard.

Several stages touch one reply: think registers it, speak and the player stamp its timings,
the player reports its first sample and what the candidate heard. This ledger is the one
place those meet (under a lock), and the one writer of the ``timing`` and ``said`` lines.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from voice_interviewer.messages import Move
from voice_interviewer.runtime.player import Heard
from voice_interviewer.runtime.stages import Renderer
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
        self._timings: dict[int, TimingLine] = {}
        self._moves: dict[int, Move] = {}

    def start(self, generation: int, move: Move, timing: TimingLine) -> None:
        """Reply ``generation`` is ``move``; ``timing`` holds what is known of its times."""
        with self._lock:
            self._timings[generation] = timing
            self._moves[generation] = move

    def stamp(self, generation: int, *, first: bool = False, **fields: Any) -> None:
        """Set times of reply ``generation`` (several stages stamp one reply); with ``first``
        only those not set yet."""
        with self._lock:
            timing = self._timings.get(generation)
            if timing is None:
                return
            if first:
                fields = {k: v for k, v in fields.items() if getattr(timing, k) is None}
            self._timings[generation] = replace(timing, **fields)

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
        timing = replace(
            timing,
            t_first_audio=t,
            response_latency=None if timing.t_endpoint is None else t - timing.t_endpoint,
            voice_to_voice=None if timing.t_speech_end is None else t - timing.t_speech_end,
        )
        fields: dict[str, Any] = {
            k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(timing).items()
        }
        line = TimingLine(**fields)
        with self._lock:
            self._timings[generation] = line
        self._session.record(line)
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
