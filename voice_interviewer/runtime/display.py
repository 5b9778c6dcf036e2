"""The live terminal display of a spoken interview.

Prints, as they happen: the phase and minutes left, the interviewer's words clause by clause
as they are spoken, the candidate's words as each segment is transcribed (and the final pass's
re-reading of the turn when it heard something else), the hint level,
and the seed's architecture diagram when a phase that uses it begins.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

from voice_interviewer.messages import Move, MoveKind
from voice_interviewer.session.live import InterviewSession
from voice_interviewer.text import safe_text


class TerminalDisplay:
    """Receives the loop's events (``on_event``) and writes them to a terminal or a log."""

    def __init__(
        self, session: InterviewSession, out: TextIO | None = None, show_timings: bool = True
    ) -> None:
        self.session = session
        self.out = out or sys.stdout
        self.show_timings = show_timings
        self._lock = threading.Lock()
        self._phase = ""
        self._speaking = False
        self._timing: dict[str, Any] | None = None

    def on_event(self, kind: str, data: dict[str, Any]) -> None:
        with self._lock:
            handler = getattr(self, f"_on_{kind}", None)
            if handler is not None:
                handler(data)
                self.out.flush()

    def _on_move(self, data: dict[str, Any]) -> None:
        move: Move = data["move"]
        view = self.session.snapshot()
        if view.phase != self._phase or move.kind in (
            MoveKind.GREETING,
            MoveKind.PHASE_CHANGE,
        ):
            self._phase = view.phase
            minutes = view.minutes_left_in_phase
            hints = view.hint_level_earned
            self._line(
                f"\n== {view.phase_title}: {minutes:.0f} min left"
                f"{' | hint level ' + str(hints) if hints else ''} =="
            )
            if view.diagram and move.kind == MoveKind.PHASE_CHANGE:
                self._line(view.diagram)
        if move.kind == MoveKind.HINT:
            self._line(f"[hint level {view.hint_level_earned}]")
        self.out.write("\nInterviewer: ")
        self._speaking = True

    def _on_speaking(self, data: dict[str, Any]) -> None:
        self.out.write(safe_text(data["text"]) + " ")

    def _on_listening(self, data: dict[str, Any]) -> None:
        self._end_speech()
        timing, self._timing = self._timing, None
        if self.show_timings and timing and timing.get("voice_to_voice") is not None:
            self._line(
                f"  (reply began {timing['voice_to_voice'] * 1000:.0f} ms after you stopped; "
                f"{timing.get('response_latency', 0) * 1000:.0f} ms after the endpoint)"
            )
        self._line("(listening... space: end my turn, h: hint, q: end)")

    def _on_candidate_partial(self, data: dict[str, Any]) -> None:
        self._end_speech()
        self._line(f"You: {safe_text(data['text'])}")

    def _on_candidate_final(self, data: dict[str, Any]) -> None:
        # The accurate re-reading of a turn, shown only when it heard something else.
        if data.get("changed"):
            self._end_speech()
            self._line(f"You (final): {data['text']}")

    def _on_barge_in(self, data: dict[str, Any]) -> None:
        self._end_speech()
        self._line("[interrupted]")

    def _on_timing(self, data: dict[str, Any]) -> None:
        self._timing = data  # shown once the reply has been spoken, not in the middle of it

    def _on_error(self, data: dict[str, Any]) -> None:
        self._end_speech()
        self._line(f"! {safe_text(str(data['message']))}")

    def _end_speech(self) -> None:
        if self._speaking:
            self.out.write("\n")
            self._speaking = False

    def _line(self, text: str) -> None:
        self.out.write(text + "\n")
