"""The VAD stage: classify each frame, feed the endpointer, yield its events.

This is the stage the runtime wires between the source and STT (one generator method, no
threads, no clock); the endpointer stays reachable for ``note_transcript``,
``note_turn_probability``, ``note_context``, ``turn_audio``, ``end_turn`` and ``reset``, which
the runtime calls from the same thread that drives ``process``.

With Smart Turn, at each ``SpeechSegment`` the runtime takes ``turn_audio()`` (at once, before
the next frame), runs ``SmartTurn.probability`` on it off this thread, and feeds the result back
with ``note_turn_probability(p, segment_end=segment.t_end)``, as it does transcripts.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from voice_interviewer.audio.config import EndpointerConfig, VadConfig
from voice_interviewer.audio.endpointer import Endpointer, EndpointState, SpeechEvent
from voice_interviewer.audio.vad import FrameClassifier
from voice_interviewer.messages import AudioFrame


class SpeechDetector:
    """``AudioFrame`` in, ``SpeechStarted`` / ``SpeechSegment`` / ``TurnEnded`` out."""

    def __init__(
        self,
        vad: VadConfig | None = None,
        endpointer: EndpointerConfig | None = None,
        *,
        expect_transcripts: bool = False,
    ) -> None:
        self.classifier = FrameClassifier(vad)
        self.endpointer = Endpointer(endpointer, expect_transcripts=expect_transcripts)
        self.frames = 0
        """Frames seen."""
        self.voiced_frames = 0
        """Frames the classifier called speech (for `doctor` and the session's analytics)."""

    def process(self, frame: AudioFrame) -> Iterator[SpeechEvent]:
        """Classify ``frame`` and yield whatever the endpointer decided because of it."""
        voiced = self.classifier.is_speech(frame.pcm)
        self.frames += 1
        self.voiced_frames += voiced
        yield from self.endpointer.push(frame, voiced)

    def note_transcript(
        self, text: str, *, segment_end: float | None = None, now: float | None = None
    ) -> list[SpeechEvent]:
        """See ``Endpointer.note_transcript``."""
        return self.endpointer.note_transcript(text, segment_end=segment_end, now=now)

    def note_turn_probability(
        self, p: float, *, segment_end: float | None = None, now: float | None = None
    ) -> list[SpeechEvent]:
        """See ``Endpointer.note_turn_probability``."""
        return self.endpointer.note_turn_probability(p, segment_end=segment_end, now=now)

    def note_context(self, expects_long_answer: bool | None) -> None:
        """See ``Endpointer.note_context``."""
        self.endpointer.note_context(expects_long_answer)

    def turn_audio(self) -> np.ndarray:
        """See ``Endpointer.turn_audio``: the input for Smart Turn at a segment close."""
        return self.endpointer.turn_audio()

    @property
    def state(self) -> EndpointState:
        """The endpointer's state (IDLE, SPEECH, PAUSE)."""
        return self.endpointer.state

    @property
    def in_turn(self) -> bool:
        """True while the candidate holds the floor."""
        return self.endpointer.in_turn

    def end_turn(self, now: float | None = None) -> list[SpeechEvent]:
        """See ``Endpointer.end_turn``."""
        return self.endpointer.end_turn(now)

    def reset(self) -> None:
        """Forget any open segment or turn (after a pause, or when the mode changes)."""
        self.endpointer.reset()
