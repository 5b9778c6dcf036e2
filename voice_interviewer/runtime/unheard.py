"""Candidate speech that did not become part of a turn, journaled with the reason.

The rule (issue 11): every stretch of the candidate's speech either ends up in a turn or has an
``unheard`` line in the journal saying why, so an answer can never vanish without a trace. A
coach reading the journal (or the export) sees when and why the interviewer did not take
something in; a test can account for all the speech in the recording.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from voice_interviewer.audio.vad import rms_dbfs
from voice_interviewer.session.events import UnheardLine

NO_WORDS = "no_words"
"""Speech recognition heard no words in a segment (too quiet, or judged noise by its gate)."""
OVER_INTERVIEWER = "over_interviewer"
"""Speakers mode: a sound over the interviewer louder than its echo, too short to be a start of
speech, so the interviewer did not yield to it."""
BACKCHANNEL = "backchannel"
"""Headset mode: a listening noise ("mm-hm") the interviewer talked on through."""
AFTER_END = "after_end"
"""Said after the interview had ended."""
UNRESOLVED = "unresolved"
"""Headset mode: the turn ended while playback was still held for it (its words arrived too
late to decide between a backchannel and an interruption)."""

REASONS = {
    NO_WORDS: "speech recognition heard no words in it",
    OVER_INTERVIEWER: "spoken over the interviewer (speakers mode), too short to stop it",
    BACKCHANNEL: "a backchannel while the interviewer spoke",
    AFTER_END: "said after the interview had ended",
    UNRESOLVED: "the turn ended before the interruption was resolved",
}
"""Each reason, as a person reads it (the journal keeps both)."""


class UnheardJournal:
    """Writes ``unheard`` journal lines; callable from any of the loop's threads."""

    def __init__(
        self,
        record: Callable[[UnheardLine], None],
        emit: Callable[[str, dict[str, Any]], None],
        quiet_dbfs: float,
    ) -> None:
        self._record = record
        self._emit = emit
        self._quiet = quiet_dbfs
        self._lock = threading.Lock()
        self.count = 0
        """Lines written so far."""

    def note(
        self,
        t_start: float,
        t_end: float,
        reason: str,
        text: str = "",
        *,
        level_dbfs: float | None = None,
        too_quiet: bool | None = None,
    ) -> None:
        """Journal the stretch ``[t_start, t_end]`` (session clock) as unheard for ``reason``."""
        line = UnheardLine(
            t_start=round(t_start, 3),
            t_end=round(t_end, 3),
            reason=reason,
            why=REASONS.get(reason, reason),
            text=text,
            level_dbfs=level_dbfs,
            too_quiet=too_quiet,
        )
        with self._lock:
            self.count += 1
            self._record(line)
        self._emit("unheard", {k: v for k, v in line.__dict__.items() if v not in (None, "")})

    def no_words(self, pcm: np.ndarray, t_start: float, t_end: float) -> None:
        """A segment that STT returned without words; says whether it was simply too quiet."""
        level = rms_dbfs(pcm)
        quiet = level < self._quiet
        self.note(
            t_start,
            t_end,
            NO_WORDS,
            level_dbfs=round(level, 1) if np.isfinite(level) else None,
            too_quiet=quiet,
        )
