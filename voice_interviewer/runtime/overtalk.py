"""Speakers mode: telling the candidate's voice from the interviewer's echo while it speaks.

With laptop speakers the microphone hears the interviewer, so the loop cannot let those frames
reach the speech detector (it would answer itself). It used to drop them; then a candidate who
started talking while the interviewer spoke, or within the echo tail after it, lost those
words without a trace. This stage keeps the frames instead and watches them:

- the echo's level is learnt from the frames heard while the interviewer speaks (a high
  percentile over the last seconds, so the candidate's own voice hardly moves it); in the echo
  tail after the interviewer stops, the expected echo decays as a room's reverberation does;
- a run of voiced frames louder than the expected echo by ``margin_db`` is the candidate:
  ``push`` says so once (``OverTalkStep.onset``), and the loop asks the interviewer to yield at
  the end of its clause;
- when the interviewer has stopped, ``reopen`` hands back the kept frames from just before
  that onset, so the detector hears the candidate's words from their first syllable.

Without echo cancellation a candidate speaking more quietly than the echo cannot be told from
it; such speech is not claimed (the journal cannot say it was there).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from voice_interviewer.audio.vad import FrameClassifier, rms_dbfs
from voice_interviewer.messages import AudioFrame


@dataclass(frozen=True)
class OverTalkConfig:
    """How speakers mode tells the candidate from the echo ([audio.overtalk] in the config)."""

    margin_db: float = 8.0
    """How much louder than the expected echo a voiced frame must be to count as the candidate."""

    onset_ms: float = 200.0
    """Voiced audio above the echo that makes a real start of speech (not a cough or a click)."""

    min_claim_ms: float = 100.0
    """A shorter run above the echo is taken for a click and not journaled as unheard."""

    gap_ms: float = 300.0
    """A quieter stretch this long ends a run of candidate frames before it reaches onset."""

    echo_percentile: float = 95.0
    """The echo's level: this percentile of the frames heard while the interviewer spoke."""

    echo_window_s: float = 10.0
    """How many seconds of the interviewer's speech the echo level is learnt from."""

    min_echo_s: float = 1.0
    """Until this much of the interviewer's speech has been heard, the echo level is unknown
    and nothing counts as the candidate (the greeting's first second)."""

    reverb_decay_db_per_s: float = 120.0
    """After the interviewer stops, the expected echo falls this fast (a room whose echo dies
    in half a second)."""

    preroll_ms: float = 400.0
    """Frames kept from before the onset when they are handed to the detector."""

    keep_s: float = 30.0
    """At most this much audio is kept while the interviewer speaks."""


@dataclass(frozen=True)
class OverTalkStep:
    """What one muted frame told: the candidate started (``onset``, once per run) at ``t``."""

    onset: bool = False
    t: float = 0.0


@dataclass(frozen=True)
class Claimed:
    """A stretch that sounded like the candidate over the interviewer but was too short to be
    a start of speech; the loop journals it as unheard."""

    t_start: float
    t_end: float


class OverTalk:
    """Watches the muted microphone in speakers mode; used from the listen thread only."""

    def __init__(self, config: OverTalkConfig | None = None, vad: FrameClassifier | None = None):
        self.config = config or OverTalkConfig()
        self.classifier = vad or FrameClassifier()
        window = max(1, int(self.config.echo_window_s / 0.02))
        self._echo: deque[float] = deque(maxlen=window)
        self._frames: deque[tuple[AudioFrame, bool]] = deque()  # (frame, only echo in it)
        self._kept_s = 0.0
        self._run_start: float | None = None
        self._run_voiced = 0.0
        self._run_last = 0.0
        self.onset_t: float | None = None
        """When the candidate's speech over the interviewer began, if it did."""
        self.claimed: list[Claimed] = []
        """Short stretches above the echo that never made an onset (collected for the journal)."""

    @property
    def echo_dbfs(self) -> float | None:
        """The learnt echo level, or None until enough of the interviewer has been heard."""
        if len(self._echo) * 0.02 < self.config.min_echo_s:
            return None
        return float(np.percentile(np.fromiter(self._echo, float), self.config.echo_percentile))

    def push(self, frame: AudioFrame, tail_s: float | None) -> OverTalkStep:
        """One muted frame: ``tail_s`` is None while the interviewer plays, else the seconds
        since it stopped (the echo tail)."""
        cfg = self.config
        level = rms_dbfs(frame.pcm)
        voiced = self.classifier.is_speech(frame.pcm)
        echo = self.echo_dbfs
        if echo is not None and tail_s is not None:
            echo -= cfg.reverb_decay_db_per_s * tail_s
        above = echo is not None and level > echo + cfg.margin_db
        # A frame the detector must not hear: it may hold nothing but echo loud enough to pass
        # the VAD's energy floor (an unknown echo is assumed to be loud).
        floor = self.classifier.config.energy_floor_dbfs
        self._keep(frame, not above and (echo is None or echo + cfg.margin_db > floor))
        candidate = voiced and above
        end = frame.t + len(frame.pcm) / frame.sample_rate
        if not candidate and tail_s is None and self._run_start is None:
            self._echo.append(level)  # the candidate is silent: this is what the echo sounds like
        if candidate:
            if self._run_start is None:
                self._run_start, self._run_voiced = frame.t, 0.0
            self._run_voiced += end - frame.t
            self._run_last = end
            if self.onset_t is None and self._run_voiced + 1e-9 >= cfg.onset_ms / 1000.0:
                self.onset_t = self._run_start
                return OverTalkStep(True, self._run_start)
        elif self._run_start is not None and end - self._run_last >= cfg.gap_ms / 1000.0:
            self._close_run()
        return OverTalkStep()

    def reopen(self, since: float | None = None) -> list[AudioFrame]:
        """The interviewer is quiet again: the frames for the detector, from ``since`` (a turn
        the detector kept open) or from just before the onset if the candidate started over
        the interviewer; none otherwise. Frames that may hold only echo come back silent.
        Resets for the next reply."""
        starts = [] if since is None else [since]
        if self.onset_t is not None:
            starts.append(self.onset_t - self.config.preroll_ms / 1000.0)
        frames: list[AudioFrame] = []
        if starts:
            t0 = min(starts) - 1e-9
            frames = [silent_like(f) if echo else f for f, echo in self._frames if f.t >= t0]
        if self.onset_t is None and self._run_start is not None:
            self._close_run()
        self._frames.clear()
        self._kept_s = 0.0
        self._run_start = None
        self.onset_t = None
        return frames

    def take_claimed(self) -> list[Claimed]:
        """Short stretches above the echo since the last call (for the journal)."""
        out, self.claimed = self.claimed, []
        return out

    def _close_run(self) -> None:
        assert self._run_start is not None
        if self.onset_t is None and self._run_voiced + 1e-9 >= self.config.min_claim_ms / 1000.0:
            self.claimed.append(Claimed(self._run_start, self._run_last))
        self._run_start = None

    def _keep(self, frame: AudioFrame, echo_only: bool) -> None:
        self._frames.append((frame, echo_only))
        self._kept_s += len(frame.pcm) / frame.sample_rate
        while self._kept_s > self.config.keep_s and self._frames:
            old, _ = self._frames.popleft()
            self._kept_s -= len(old.pcm) / old.sample_rate


def silent_like(frame: AudioFrame) -> AudioFrame:
    """``frame`` with its samples replaced by silence (an echo the detector must not hear)."""
    return AudioFrame(np.zeros_like(frame.pcm), frame.sample_rate, frame.t, frame.generation)
