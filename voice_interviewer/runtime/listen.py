"""The listen stage: mic frames -> speech segments and turn ends.

It is the only stage that touches the speech detector (VAD + end-of-turn policy), so the
notes the other stages send back about a pause (its transcript, Smart Turn's probability, the
interviewer's question) come here, on the inbox's priority lane, ahead of queued frames.
While the interviewer speaks it runs the speakers gate (speakers mode) or holds playback at a
speech onset (headset mode: barge-in, resolved by the transcribe stage).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from voice_interviewer.audio.detector import SpeechDetector
from voice_interviewer.audio.endpointer import EndpointState
from voice_interviewer.audio.energy_onset import EarlyHoldConfig, EnergyOnset
from voice_interviewer.messages import AudioFrame, SpeechSegment, SpeechStarted, TurnEnded
from voice_interviewer.runtime.bargein import BargeIn
from voice_interviewer.runtime.player import Player
from voice_interviewer.runtime.speakers import SpeakersGate
from voice_interviewer.runtime.speculative import SpeculativeReplies
from voice_interviewer.runtime.stages import EndTurnNow, InputEnded, SegmentHeard
from voice_interviewer.runtime.turn_model import TurnContext, TurnModel, TurnProbability
from voice_interviewer.session.recording import StereoRecorder

NOTES = (SegmentHeard, TurnProbability, TurnContext)
"""What the other stages tell the detector; they skip the frames queued in the inbox."""


class ListenStage:
    """Frames, notes and push-to-talk in; ``SpeechSegment`` / ``TurnEnded`` out."""

    def __init__(
        self,
        detector: SpeechDetector,
        player: Player,
        barge_in: BargeIn,
        turn_model: TurnModel,
        speculative: SpeculativeReplies,
        awaiting_answer: threading.Event,
        emit: Callable[[str, dict[str, Any]], None],
        clock: Callable[[], float],
        *,
        speakers_gate: SpeakersGate | None,
        recorder: StereoRecorder | None,
        early_hold: EarlyHoldConfig | None = None,
    ) -> None:
        """``speakers_gate``: speakers mode's gate, None in headset mode, where
        ``early_hold`` holds playback at a rise in level (audio/energy_onset.py)."""
        self.detector = detector
        self._player = player
        self._barge_in = barge_in
        self._turn_model = turn_model
        self._speculative = speculative
        self._awaiting = awaiting_answer
        self._emit = emit
        self._clock = clock
        self._gate = speakers_gate
        self._recorder = recorder
        self._early = EnergyOnset(early_hold) if early_hold and speakers_gate is None else None
        self._early_at: float | None = None  # the frame time of a hold not yet confirmed

    def process(self, message: Any) -> Iterator[Any]:
        if isinstance(message, AudioFrame):
            yield from self._frame(message)
        elif isinstance(message, SegmentHeard):
            yield from self._events(
                self.detector.note_transcript(message.text, segment_end=message.segment_end)
            )
        elif isinstance(message, TurnProbability | TurnContext):
            yield from self._events(self._turn_model.apply(self.detector, message))
        elif isinstance(message, EndTurnNow):
            yield from self._events(self.detector.end_turn())
        elif isinstance(message, InputEnded):
            yield from self._events(self.detector.end_turn())
            self._early_at = None
            self._release_unheard_hold(None)
            yield message
        else:
            raise TypeError(f"listen: unexpected {type(message).__name__}")

    def _frame(self, frame: AudioFrame) -> Iterator[Any]:
        if self._recorder is not None:
            self._recorder.candidate(frame.pcm, frame.sample_rate, frame.t)
        if self._early is not None and self._early.push(frame) and self._player.speaking:
            self._early_at = frame.t
            self._barge_in.onset(self._clock())
        for heard in self._gate.frames(frame) if self._gate is not None else [frame]:
            yield from self._events(self.detector.process(heard))
        self._release_unheard_hold(frame.t)

    def _events(self, events: Iterable[Any]) -> Iterator[Any]:
        for event in events:
            if isinstance(event, SpeechStarted):
                self._awaiting.clear()
                if self._speculative.drop():
                    self._emit("speculation_dropped", {"t": event.t_detected})
                if self._player.speaking and self._gate is None:
                    self._barge_in.onset(event.t_detected)
                continue
            if isinstance(event, TurnEnded):  # which signal ended it, for displays and tests
                wait = round(event.t_endpoint - event.t_speech_end, 3)
                self._emit("turn_end", {"reason": event.reason, "silence_s": wait})
            if isinstance(event, SpeechSegment):
                self._barge_in.segment_sent()
                if self.detector.state is EndpointState.PAUSE:  # a pause began: Smart Turn's cue
                    self._turn_model.segment_closed(self.detector.turn_audio(), event.t_end)
            yield event

    def _release_unheard_hold(self, t: float | None) -> None:
        in_speech = self.detector.endpointer.state is EndpointState.SPEECH
        if in_speech and self._gate is None and self._player.speaking:
            # Hold as soon as a segment opens (``speech_start_ms`` of voice), not at
            # ``SpeechStarted`` (``onset_ms``): 60 ms sooner, and a hold costs nothing to
            # undo; a cough too short to be a segment is released below.
            self._barge_in.onset(self._clock())
        if self._early_at is not None and self._early is not None and t is not None:
            if in_speech or self._barge_in.holding is None:
                self._early_at = None  # the detector confirmed it (or it was resolved)
            elif t - self._early_at < self._early.config.confirm_ms / 1000.0:
                return  # the detector has not had its chance yet
            else:
                self._early.unconfirmed(t)
                self._early_at = None
        self._barge_in.release_if_unheard(in_speech)
