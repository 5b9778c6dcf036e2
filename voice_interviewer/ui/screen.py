"""The interface between the interview and the terminal, and the state both screens share."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from voice_interviewer.interview.scorecard_types import Scorecard
from voice_interviewer.messages import InterviewSnapshot

STATES = ("listening", "thinking", "speaking")


class Screen(Protocol):
    """What the interview shows; every method may be called from any thread."""

    def phase(self, snapshot: InterviewSnapshot, diagram: bool = False) -> None:
        """The interview entered a phase (or began): show its title and clocks."""

    def status(self, snapshot: InterviewSnapshot) -> None:
        """The interview's state after a move: phase clock and hint level are read from it."""

    def hint(self, level: int) -> None:
        """A hint of ``level`` (1-4 of the problem's ladder) was just given."""

    def interviewer(self, text: str, final: bool = True) -> None:
        """The interviewer's words: a clause being spoken (``final=False``) or a whole reply."""

    def candidate(self, text: str, final: bool) -> None:
        """The candidate's words: recognised so far (``final=False``) or the whole turn."""

    def state(self, name: str) -> None:
        """listening, thinking or speaking (spoken interviews)."""

    def level(self, rms: float) -> None:
        """The microphone's input level, RMS of int16 samples scaled to 0..1."""

    def latency(self, voice_to_voice_s: float, response_s: float | None) -> None:
        """One turn's latency, shown only when the user asked for it (--show-latency)."""

    def note(self, text: str) -> None:
        """A line of information (keys, saved session, what was loaded)."""

    def error(self, text: str) -> None:
        """Something went wrong; the interview goes on."""

    def scorecard(self, card: Scorecard) -> None:
        """The end-of-interview scorecard."""

    def close(self) -> None:
        """Stop drawing; finish any line in progress."""


def clock_text(seconds: float) -> str:
    """``mm:ss`` (or ``h:mm:ss`` past an hour) for a clock that never shows negative time."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


@dataclass
class PhaseClock:
    """The phase's and the interview's clocks, from the last snapshot and the running clock.

    A snapshot's minutes left are rounded to a tenth of a minute; counting on from the
    moment it was taken keeps the seconds moving between moves.
    """

    now: Callable[[], float]
    snapshot: InterviewSnapshot | None = None
    taken_at: float = 0.0

    def update(self, snapshot: InterviewSnapshot) -> None:
        self.snapshot = snapshot
        self.taken_at = self.now()

    def phase_elapsed(self) -> float:
        s = self.snapshot
        if s is None:
            return 0.0
        now = self.now()
        left = s.minutes_left_in_phase * 60.0 - (now - self.taken_at)
        # Minutes left come rounded to a tenth: never show more of the phase than of it all.
        return max(0.0, min(now, s.phase_minutes * 60.0 - left))

    def header(self) -> str:
        """``Requirements 03:12 / 10:00 · total 12:40 · hint level 1``."""
        s = self.snapshot
        if s is None:
            return f"total {clock_text(self.now())}"
        parts = [
            f"{s.phase_title} {clock_text(self.phase_elapsed())} / {clock_text(s.phase_minutes * 60)}",
            f"total {clock_text(self.now())}",
        ]
        if s.hint_level_earned:
            parts.append(f"hint level {s.hint_level_earned}")
        if s.paused:
            parts.append("paused")
        return " · ".join(parts)


def rms_level(pcm: np.ndarray) -> float:
    """A frame's loudness on a 0..1 scale: dBFS mapped linearly from -60 dB (0) to 0 dB (1)."""
    if pcm.size == 0:
        return 0.0
    samples = pcm.astype(np.float32)
    if pcm.dtype == np.int16:
        samples /= 32768.0
    rms = float(np.sqrt(np.mean(samples * samples)))
    if rms <= 1e-6:
        return 0.0
    return min(1.0, max(0.0, (20.0 * math.log10(rms) + 60.0) / 60.0))


def meter(level: float, cells: int = 10) -> str:
    """A small bar: ``▮▮▮▯▯▯▯▯▯▯`` for a level of 0.3."""
    filled = round(max(0.0, min(1.0, level)) * cells)
    return "▮" * filled + "▯" * (cells - filled)
