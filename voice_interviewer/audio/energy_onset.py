"""An early, undoable cue that the candidate has started to talk: a rise in level.

webrtcvad needs about 60 ms of voice before the endpointer opens a segment, and an
interruption that starts on an unvoiced consonant ("Sorry", "Quick") is heard as speech only
60-80 ms after its first loud frame. For barge-in that is too late (issue 11: playback held
within 150 ms p95 of the onset, and ~65 ms of it is the sound server's output buffer). A hold
costs nothing to undo, so in headset mode playback is held at a sudden rise in level, and
let go again when the speech detector does not confirm speech within ``confirm_ms``.

Pure and clock-free like the VAD: frames in, a verdict per frame out.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from voice_interviewer.audio.vad import rms_dbfs
from voice_interviewer.messages import AudioFrame


@dataclass(frozen=True)
class EarlyHoldConfig:
    """Headset mode: hold the interviewer's playback at a rise in level, before the VAD is
    sure it is speech ([audio.early_hold] in the config file)."""

    enabled: bool = True
    """Off: playback is held only once the speech detector opens a segment (60 ms of voice)."""

    min_dbfs: float = -45.0
    """A frame must be at least this loud (RMS, dB full scale) to count; a headset microphone
    puts speech at -30 to -15 dBFS, and the burst of a "k" or "t" that starts a word at -45 to
    -40 dBFS (the quiet closure after it is why ``window`` is more than ``frames``)."""

    above_floor_db: float = 12.0
    """...and this much louder than the room's recent level, so a steady noise (a fan, a
    hum) never holds playback however loud it is."""

    frames: int = 2
    """Loud frames within ``window`` that hold playback (a click is one frame)."""

    window: int = 4
    """The last this many frames (20 ms each) are counted: "Quick" is a burst, 40 ms of
    near-silence, then the vowel."""

    confirm_ms: float = 300.0
    """How long the speech detector has to confirm speech before playback goes on."""

    cooldown_ms: float = 1000.0
    """After an unconfirmed hold, how long rises are ignored (a noisy room must not make the
    interviewer stutter)."""

    def __post_init__(self) -> None:
        if not 1 <= self.frames <= self.window:
            raise ValueError("frames must be at least 1 and at most window")
        if self.confirm_ms <= 0 or self.cooldown_ms < 0:
            raise ValueError("confirm_ms must be positive and cooldown_ms not negative")


_FLOOR_START = -90.0
_FLOOR_RISE = 0.02  # per frame: the floor follows a louder room over a second or two


class EnergyOnset:
    """Tracks the room's level and reports the frame at which a rise begins to look like
    speech; see the module docstring."""

    def __init__(self, config: EarlyHoldConfig) -> None:
        self.config = config
        self.floor_dbfs: float | None = None  # the room's level, from the first frame on
        self._recent: deque[bool] = deque(maxlen=config.window)  # loud or not, per frame
        self._quiet_until = -math.inf

    def push(self, frame: AudioFrame) -> bool:
        """True on the loud frame that makes ``frames`` loud ones within ``window``, when the
        rise before it had not already done so."""
        level = rms_dbfs(frame.pcm)
        if self.floor_dbfs is None:  # the first frame is the room (digital silence: a quiet one)
            self.floor_dbfs = max(level, _FLOOR_START)
        c = self.config
        loud = level >= c.min_dbfs and level >= self.floor_dbfs + c.above_floor_db
        self._track_floor(level)
        before = sum(self._recent)
        self._recent.append(loud)
        rising = loud and before < c.frames <= sum(self._recent)
        return c.enabled and rising and frame.t >= self._quiet_until

    def unconfirmed(self, t: float) -> None:
        """The rise at ``t`` was not speech: ignore rises for ``cooldown_ms``."""
        self._quiet_until = t + self.config.cooldown_ms / 1000.0

    def _track_floor(self, level: float) -> None:
        assert self.floor_dbfs is not None
        if level == -math.inf:
            return  # digital silence (a virtual device) says nothing about the room
        if level < self.floor_dbfs:
            self.floor_dbfs = level  # a quieter moment: that is the room
        else:
            # Up slowly, loud frames included: a fan that starts is the room after a second
            # or two, while speech (with its pauses) keeps pulling the floor back down.
            self.floor_dbfs += (level - self.floor_dbfs) * _FLOOR_RISE
