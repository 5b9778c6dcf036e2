"""Plain lines, for when stdout is not a terminal: pipes, logs, tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TextIO

from voice_interviewer.interview.scorecard_types import Scorecard
from voice_interviewer.messages import InterviewSnapshot
from voice_interviewer.ui.screen import PhaseClock, clock_text


class PlainScreen:
    """Writes each event as a line; nothing is redrawn, so a log reads like a transcript."""

    def __init__(
        self, now: Callable[[], float], *, out: TextIO, show_latency: bool = False
    ) -> None:
        self.out = out
        self.clock = PhaseClock(now)
        self.show_latency = show_latency
        self._lock = threading.Lock()
        self._speaking = False  # a spoken reply's line is open: its clauses are appended
        self._partials = False  # this turn's recognised segments were shown already

    def phase(self, snapshot: InterviewSnapshot, diagram: bool = False) -> None:
        with self._lock:
            self.clock.update(snapshot)
            self._end_line()
            total = clock_text(self.clock.now())
            self._write(
                f"\n== {snapshot.phase_title} ({snapshot.phase_minutes:g} min) == {total}\n"
            )
            if diagram and snapshot.diagram:
                self._write(snapshot.diagram + "\n")

    def status(self, snapshot: InterviewSnapshot) -> None:
        with self._lock:
            self.clock.update(snapshot)

    def hint(self, level: int) -> None:
        self._line(f"[hint level {level}]")

    def interviewer(self, text: str, final: bool = True) -> None:
        with self._lock:
            if final:
                self._end_line()
                self._write(f"\nInterviewer: {text}\n")
                return
            if not self._speaking:
                self._write("\nInterviewer: ")
                self._speaking = True
            self._write(text + " ")

    def candidate(self, text: str, final: bool) -> None:
        # A spoken turn's segments were shown as they were recognised; its final text
        # repeats them, so only a turn that had no partials (typed, scripted) is written.
        with self._lock:
            self._end_line()
            if not final:
                self._write(f"You: {text}\n")
                self._partials = True
            elif not self._partials:
                self._write(f"\nCandidate: {text}\n")
            else:
                self._partials = False

    def state(self, name: str) -> None:
        if name == "listening":
            self._line("(listening...)")

    def level(self, rms: float) -> None:
        """Not shown: a log has no use for a meter."""

    def latency(self, voice_to_voice_s: float, response_s: float | None) -> None:
        if not self.show_latency:
            return
        after = "" if response_s is None else f"; {response_s * 1000:.0f} ms after the endpoint"
        self._line(f"  (reply began {voice_to_voice_s * 1000:.0f} ms after you stopped{after})")

    def note(self, text: str) -> None:
        self._line(text)

    def error(self, text: str) -> None:
        self._line(f"! {text}")

    def scorecard(self, card: Scorecard) -> None:
        from voice_interviewer.textmode import format_scorecard

        self._line("\n" + format_scorecard(card))

    def close(self) -> None:
        with self._lock:
            self._end_line()
            self.out.flush()

    def _line(self, text: str) -> None:
        with self._lock:
            self._end_line()
            self._write(text + "\n")

    def _end_line(self) -> None:
        if self._speaking:
            self.out.write("\n")
            self._speaking = False

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()
