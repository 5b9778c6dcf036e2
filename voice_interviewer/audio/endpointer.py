"""The endpointer: a pure state machine that turns classified frames into segments and turns.

It has no threads and never reads a clock: every decision is made on the timestamps of the
frames it is fed (``AudioFrame.t`` plus the frame's length), so a test replays an hour of audio
in a second and gets the same answer every time.

States: IDLE (no turn open), SPEECH (a segment is open), PAUSE (a turn is open, its last
segment closed). From IDLE or PAUSE, ``speech_start_ms`` of consecutive voiced frames opens a
segment whose audio starts ``preroll_ms`` earlier. In SPEECH, ``segment_pause_ms`` of unvoiced
audio closes the segment (``SpeechSegment`` goes out, so STT can start on it at once). In
PAUSE, ``turn_end_ms`` of silence since the last voiced frame ends the turn (``TurnEnded``).

How much silence ends the turn is the end-of-turn policy's call (``turn_policy.py``). The
runtime feeds back, for the segment that began the pause (matched on its ``t_end``):

- ``note_transcript(text)``: a done phrase ("that's my answer") ends the turn at once; a hold
  phrase ("so", "um", "let me think") stretches the wait. With ``expect_transcripts`` a
  silence does not end the turn while that transcript is still due (up to
  ``hold_turn_end_ms``): on a busy CPU the recognition of "um, let me think" can take longer
  than ``turn_end_ms``. This costs no latency: the reply needs that transcript anyway.
- ``note_turn_probability(p)``: Smart Turn's p(complete) for ``turn_audio()`` taken when the
  segment closed. Complete: the turn ends after a short silence; incomplete: the thinking
  hold. Without it (no model, or a late one) the waits are those of before Smart Turn.
- ``note_context(expects_long_answer)``: whether the interviewer's question invites a long
  answer with pauses; it lengthens or shortens the policy's waits until changed.
"""

from __future__ import annotations

import enum
from collections import deque

import numpy as np

from voice_interviewer.audio.config import EndpointerConfig
from voice_interviewer.audio.turn_policy import TurnPolicy
from voice_interviewer.messages import AudioFrame, SpeechSegment, SpeechStarted, TurnEnded

SpeechEvent = SpeechStarted | SpeechSegment | TurnEnded
"""What the endpointer emits, in the order it happened."""

_EPS = 1e-9
TURN_AUDIO_SECONDS = 8.0
"""How much of the turn's audio ``turn_audio`` keeps: Smart Turn reads the last 8 s."""


class EndpointState(str, enum.Enum):
    """Where the endpointer is in a turn."""

    IDLE = "idle"
    SPEECH = "speech"
    PAUSE = "pause"


def _end(frame: AudioFrame) -> float:
    return frame.t + len(frame.pcm) / frame.sample_rate


def _dur(frame: AudioFrame) -> float:
    return len(frame.pcm) / frame.sample_rate


class Endpointer:
    """Segments and turn ends from ``(frame, is_speech)`` pairs; see the module docstring."""

    def __init__(
        self, config: EndpointerConfig | None = None, *, expect_transcripts: bool = False
    ) -> None:
        self.config = config or EndpointerConfig()
        self.expect_transcripts = expect_transcripts
        """Whether every segment's transcript will come back through ``note_transcript``."""
        self.policy = TurnPolicy(self.config)
        """Decides how much silence ends the turn (see ``turn_policy.py``)."""
        self.reset()

    # -- public ------------------------------------------------------------------------------

    @property
    def state(self) -> EndpointState:
        """IDLE, SPEECH or PAUSE."""
        return self._state

    @property
    def in_turn(self) -> bool:
        """True while the candidate holds the floor (speaking, or pausing inside a turn)."""
        return self._state is not EndpointState.IDLE

    @property
    def turn_wait(self) -> float:
        """Seconds of silence that will end the current pause, as the notes so far decide."""
        return self.policy.required_silence().seconds

    def turn_audio(self) -> np.ndarray:
        """The turn's audio so far (from its pre-roll up to the last frame pushed), at most the
        last ``TURN_AUDIO_SECONDS``: what Smart Turn reads when a segment closes. Empty
        outside a turn."""
        if not self._turn_frames:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate([f.pcm for f in self._turn_frames])

    def reset(self) -> None:
        """Forget everything: pre-roll, any open segment, any open turn."""
        self._state = EndpointState.IDLE
        self._preroll: deque[AudioFrame] = deque()
        self._preroll_s = 0.0
        self._run: list[AudioFrame] = []
        self._run_s = 0.0
        self._seg: list[AudioFrame] = []
        self._seg_t_start = 0.0
        self._seg_voiced_s = 0.0
        self._seg_new_turn = True
        self._onset_sent = False
        self._last_voiced_end = 0.0
        self._turn_voice_end: float | None = None
        self._last_segment_end: float | None = None
        self._turn_frames: deque[AudioFrame] = deque()
        self._turn_frames_s = 0.0
        self.policy.reset()
        self._now = 0.0
        self._generation = 0

    def push(self, frame: AudioFrame, is_speech: bool) -> list[SpeechEvent]:
        """Feed one frame and its VAD decision; return the events it caused."""
        self._now = _end(frame)
        self._generation = frame.generation
        if self._state is not EndpointState.IDLE:
            self._keep_turn_audio(frame)
        if self._state is EndpointState.SPEECH:
            return self._push_speech(frame, is_speech)
        return self._push_waiting(frame, is_speech)

    def note_transcript(
        self, text: str, *, segment_end: float | None = None, now: float | None = None
    ) -> list[SpeechEvent]:
        """Tell the endpointer what the segment that just ended said.

        ``segment_end`` is that segment's ``t_end``; a transcript for an older segment, or one
        that arrives after the candidate resumed or the turn ended, changes nothing. ``now``
        stamps an immediate turn end (default: the end of the last frame pushed).
        """
        if not self._about_this_pause(segment_end):
            return []
        self.policy.note_transcript(text)
        return self._recheck(now)

    def note_turn_probability(
        self, p: float, *, segment_end: float | None = None, now: float | None = None
    ) -> list[SpeechEvent]:
        """Smart Turn's p(complete) for ``turn_audio()`` as it was when the segment ending at
        ``segment_end`` closed. Stale ones (an older segment, the candidate resumed, the turn
        ended) change nothing; ``now`` stamps a turn end it causes (default: the end of the
        last frame pushed)."""
        if not self._about_this_pause(segment_end):
            return []
        self.policy.note_probability(p)
        return self._recheck(now)

    def note_context(self, expects_long_answer: bool | None) -> None:
        """Whether the interviewer's last question invites a long answer with thinking pauses
        (an open design question) or a word or two ("Ready?"); None: unknown. Holds for the
        following turns until changed; ``reset`` keeps it."""
        self.policy.note_context(expects_long_answer)

    def _about_this_pause(self, segment_end: float | None) -> bool:
        """Whether a note about the segment ending at ``segment_end`` applies now."""
        if self._state is not EndpointState.PAUSE:
            return False
        return segment_end is None or (
            self._last_segment_end is not None and abs(segment_end - self._last_segment_end) <= 1e-6
        )

    def _recheck(self, now: float | None) -> list[SpeechEvent]:
        """After a note: end the turn if the silence so far is already enough."""
        t = self._now if now is None else now
        wait = self.policy.required_silence()
        if wait.seconds <= 0.0:
            return self._end_turn(t, wait.reason)
        if self._silence_ended_turn(self._now):
            # The wait may have run out between the note's time and the last frame.
            assert self._turn_voice_end is not None
            return self._end_turn(max(t, self._turn_voice_end + wait.seconds), wait.reason)
        return []

    def end_turn(self, now: float | None = None) -> list[SpeechEvent]:
        """End the turn now (push-to-talk released, phase clock ran out); reason ``"forced"``."""
        t = self._now if now is None else now
        events: list[SpeechEvent] = []
        if self._state is EndpointState.SPEECH:
            events += self._close_segment(ends_turn=True)
        if self._state is EndpointState.PAUSE:
            events += self._end_turn(t, "forced")
        return events

    # -- states ------------------------------------------------------------------------------

    def _push_waiting(self, frame: AudioFrame, is_speech: bool) -> list[SpeechEvent]:
        """IDLE or PAUSE: watch for a voiced run long enough to open a segment."""
        cfg = self.config
        if is_speech:
            self._run.append(frame)
            self._run_s += _dur(frame)
            if self._run_s + _EPS >= cfg.speech_start_ms / 1000.0:
                return self._open_segment()
            return []
        if self._run:
            for f in self._run:
                self._remember(f)
            self._run, self._run_s = [], 0.0
        self._remember(frame)
        if self._state is EndpointState.PAUSE and self._silence_ended_turn(_end(frame)):
            return self._end_turn(_end(frame), self.policy.required_silence().reason)
        return []

    def _silence_ended_turn(self, t: float) -> bool:
        """Whether the silence up to ``t`` ends the open turn (the policy says how long)."""
        if self._turn_voice_end is None:
            return False
        wait = self.policy.required_silence().seconds
        return t - self._turn_voice_end + _EPS >= wait

    def _push_speech(self, frame: AudioFrame, is_speech: bool) -> list[SpeechEvent]:
        """SPEECH: grow the segment; close it after a short pause or at the length limit."""
        cfg = self.config
        events: list[SpeechEvent] = []
        self._seg.append(frame)
        if is_speech:
            self._seg_voiced_s += _dur(frame)
            self._last_voiced_end = _end(frame)
            if not self._onset_sent and self._seg_voiced_s + _EPS >= cfg.onset_ms / 1000.0:
                self._onset_sent = True
                events.append(
                    SpeechStarted(
                        self._seg_t_start, _end(frame), self._seg_new_turn, frame.generation
                    )
                )
        elif _end(frame) - self._last_voiced_end + _EPS >= cfg.segment_pause_ms / 1000.0:
            events += self._close_segment()
            if self._state is EndpointState.PAUSE and self._silence_ended_turn(_end(frame)):
                events += self._end_turn(_end(frame), self.policy.required_silence().reason)
            return events
        if _end(frame) - self._seg[0].t + _EPS >= cfg.max_segment_ms / 1000.0:
            events += self._cut_segment(frame)
        return events

    # -- transitions -------------------------------------------------------------------------

    def _remember(self, frame: AudioFrame) -> None:
        """Keep ``frame`` in the pre-roll ring, dropping the oldest beyond ``preroll_ms``."""
        self._preroll.append(frame)
        self._preroll_s += _dur(frame)
        keep = self.config.preroll_ms / 1000.0
        while self._preroll and self._preroll_s - _dur(self._preroll[0]) + _EPS >= keep:
            self._preroll_s -= _dur(self._preroll.popleft())

    def _keep_turn_audio(self, frame: AudioFrame) -> None:
        self._turn_frames.append(frame)
        self._turn_frames_s += _dur(frame)
        while self._turn_frames_s - _dur(self._turn_frames[0]) + _EPS >= TURN_AUDIO_SECONDS:
            self._turn_frames_s -= _dur(self._turn_frames.popleft())

    def _open_segment(self) -> list[SpeechEvent]:
        self._seg_new_turn = self._state is EndpointState.IDLE
        if self._seg_new_turn:
            self._turn_frames.clear()
            self._turn_frames_s = 0.0
            for f in [*self._preroll, *self._run]:
                self._keep_turn_audio(f)
        self._seg = list(self._preroll) + self._run
        self._seg_t_start = self._run[0].t
        self._seg_voiced_s = self._run_s
        self._last_voiced_end = _end(self._run[-1])
        self._preroll.clear()
        self._preroll_s = 0.0
        self._run, self._run_s = [], 0.0
        self._onset_sent = False
        self._state = EndpointState.SPEECH
        # A resumed turn starts a fresh pause: a hold phrase or a probability covered the last
        # pause only.
        self.policy.speech_resumed()
        events: list[SpeechEvent] = []
        if self._seg_voiced_s + _EPS >= self.config.onset_ms / 1000.0:
            self._onset_sent = True
            last = self._seg[-1]
            events.append(
                SpeechStarted(self._seg_t_start, _end(last), self._seg_new_turn, last.generation)
            )
        return events

    def _close_segment(self, ends_turn: bool = False) -> list[SpeechEvent]:
        """Emit the open segment (or drop it if too short) and move to PAUSE or IDLE."""
        cfg = self.config
        frames = self._seg
        voice_end = self._last_voiced_end
        tail_end = voice_end + cfg.tail_ms / 1000.0
        kept = [f for f in frames if f.t < tail_end - _EPS]
        after = [f for f in frames if f.t + _EPS >= voice_end]
        self._seg = []
        self._preroll.clear()
        self._preroll_s = 0.0
        for f in after:
            self._remember(f)
        if self._seg_voiced_s + _EPS < cfg.min_speech_ms / 1000.0:
            # A click or a cough: forget it, and let the turn (if any) go on as before it.
            in_turn = self._turn_voice_end is not None
            self._state = EndpointState.PAUSE if in_turn else EndpointState.IDLE
            return []
        self._turn_voice_end = voice_end
        self._last_segment_end = voice_end
        self.policy.pause_began(transcript_due=self.expect_transcripts)
        self._state = EndpointState.PAUSE
        seg = SpeechSegment(
            pcm=np.concatenate([f.pcm for f in kept]),
            sample_rate=kept[0].sample_rate,
            t_start=self._seg_t_start,
            t_end=voice_end,
            ends_turn=ends_turn,
            generation=kept[-1].generation,
            pcm_start=kept[0].t,
        )
        return [seg]

    def _cut_segment(self, frame: AudioFrame) -> list[SpeechEvent]:
        """A long monologue: send what we have and go on with a fresh segment, no pause needed."""
        frames = self._seg
        self._seg = []
        voice_end = self._last_voiced_end
        seg = SpeechSegment(
            pcm=np.concatenate([f.pcm for f in frames]),
            sample_rate=frame.sample_rate,
            t_start=self._seg_t_start,
            t_end=voice_end,
            generation=frame.generation,
            pcm_start=frames[0].t,
        )
        self._turn_voice_end = voice_end
        self._last_segment_end = voice_end
        self._seg_t_start = _end(frame)
        self._seg_voiced_s = 0.0
        self._seg_new_turn = False
        return [seg]

    def _end_turn(self, t_endpoint: float, reason: str) -> list[SpeechEvent]:
        assert self._turn_voice_end is not None
        event = TurnEnded(self._turn_voice_end, t_endpoint, reason, self._generation)
        self._state = EndpointState.IDLE
        self._turn_voice_end = None
        self._last_segment_end = None
        self._turn_frames.clear()
        self._turn_frames_s = 0.0
        self.policy.reset()
        return [event]
