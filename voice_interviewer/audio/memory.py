"""In-memory source and sink: the fakes that unit tests, benchmarks and replays run on.

Both take an injectable ``clock`` and ``sleep``, so a test can pass a ``VirtualClock``'s
``now`` and ``advance`` and run "real-time" playback and capture instantly and exactly.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from voice_interviewer.audio.base import Pacer, frame_samples, to_int16
from voice_interviewer.audio.config import PIPELINE_RATE
from voice_interviewer.audio.resample import resample
from voice_interviewer.messages import AudioFrame


class MemorySource:
    """Frames from a numpy array (or a list of arrays played back to back).

    With ``realtime`` each frame is released only once the clock has passed its end, as a
    microphone would deliver it, and frames are stamped on that clock; otherwise frames come
    as fast as they are read, stamped ``t0 + samples / 16000``.
    """

    def __init__(
        self,
        audio: np.ndarray | Sequence[np.ndarray],
        sample_rate: int = PIPELINE_RATE,
        *,
        frame_ms: int = 20,
        realtime: bool = False,
        t0: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = [audio] if isinstance(audio, np.ndarray) else list(audio)
        mono = [to_int16(p) for p in parts]
        pcm = np.concatenate(mono) if mono else np.zeros(0, dtype=np.int16)
        self._pcm = resample(pcm, sample_rate, PIPELINE_RATE)
        self._n = frame_samples(frame_ms)
        self._pacer = Pacer(realtime, clock, sleep)
        self._t0 = t0
        self._origin = t0
        self._i = 0
        self._started = False

    @property
    def sample_rate(self) -> int:
        """Always 16 kHz."""
        return PIPELINE_RATE

    @property
    def overruns(self) -> int:
        """Always 0: an array cannot overflow."""
        return 0

    @property
    def ended(self) -> bool:
        """True once every frame has been read."""
        return self._i * self._n >= len(self._pcm)

    @property
    def duration(self) -> float:
        """Seconds of audio this source holds."""
        return len(self._pcm) / PIPELINE_RATE

    def start(self) -> None:
        """Start the timeline (now, on the clock, when paced in real time)."""
        self._origin = self._pacer.origin(self._t0)
        self._started = True

    def read(self, timeout: float | None = None) -> AudioFrame | None:
        """The next frame; the last one is zero-padded to full length. None once ``ended``."""
        if not self._started:
            raise RuntimeError("call start() before read()")
        if self.ended:
            return None
        dur = self._n / PIPELINE_RATE
        t = self._origin + self._i * dur
        if not self._pacer.wait_until(t + dur, timeout):
            return None
        chunk = self._pcm[self._i * self._n : (self._i + 1) * self._n]
        if len(chunk) < self._n:
            chunk = np.concatenate([chunk, np.zeros(self._n - len(chunk), dtype=np.int16)])
        self._i += 1
        return AudioFrame(chunk.copy(), PIPELINE_RATE, t)

    def stop(self) -> None:
        """Nothing to release."""
        self._started = False


@dataclass(frozen=True)
class SinkChunk:
    """One ``write`` (or the heard part of one) as a memory sink recorded it."""

    pcm: np.ndarray
    sample_rate: int


@dataclass
class _Queued:
    pcm: np.ndarray
    sample_rate: int
    pos: int = 0


class MemorySink:
    """Collects what is written; optionally "plays" it in real time on a clock.

    Without ``realtime`` everything written counts as played at once and ``flush`` drops
    nothing. With it, playback advances with the clock, so a test can interrupt a reply
    part-way and check that ``samples_played`` and ``heard`` hold only what came before the
    interruption.

    A long replay passes ``keep=False`` and an ``on_heard`` callback (a file writer): what is
    played then goes to the callback as it plays and nothing piles up in memory.
    """

    def __init__(
        self,
        *,
        realtime: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        keep: bool = True,
        on_heard: Callable[[np.ndarray, int], None] | None = None,
    ) -> None:
        self._realtime = realtime
        self._keep = keep
        self._on_heard = on_heard
        self._clock = clock
        self._sleep = sleep
        self._queue: deque[_Queued] = deque()
        self._t_play = 0.0
        self._played = 0
        self._written = 0
        self.written: list[SinkChunk] = []
        """Every chunk passed to ``write``, in order (including ones later flushed)."""
        self.heard: list[SinkChunk] = []
        """The parts of written chunks that were played (what the candidate heard)."""
        self.flushes = 0
        """How many times ``flush`` was called."""

    @property
    def samples_played(self) -> int:
        """Written samples played so far (see ``AudioSink.samples_played``)."""
        self._advance()
        return self._played

    @property
    def samples_written(self) -> int:
        """Samples passed to ``write`` so far."""
        return self._written

    @property
    def underruns(self) -> int:
        """Always 0: simulated playback never starves."""
        return 0

    def start(self) -> None:
        """Start the playback clock."""
        self._t_play = self._clock()

    def write(self, pcm: np.ndarray, sample_rate: int) -> None:
        """Record ``pcm`` and queue it behind whatever is still playing."""
        x = np.asarray(pcm)
        if x.ndim != 1:
            raise ValueError(f"sinks take mono PCM, got shape {x.shape}")
        x = x.copy()
        if self._keep:
            self.written.append(SinkChunk(x, sample_rate))
        self._written += len(x)
        if not self._realtime:
            self._played += len(x)
            self._heard(x, sample_rate)
            return
        self._advance()
        self._queue.append(_Queued(x, sample_rate))

    def flush(self) -> int:
        """Drop what has not been played yet and return how many samples that was."""
        self.flushes += 1
        self._advance()
        dropped = sum(len(q.pcm) - q.pos for q in self._queue)
        self._queue.clear()
        return dropped

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Sleep (on the injected ``sleep``) until playback has caught up; False on timeout."""
        self._advance()
        remaining = sum((len(q.pcm) - q.pos) / q.sample_rate for q in self._queue)
        remaining -= self._clock() - self._t_play  # part of a sample already under way
        if remaining <= 0:
            return True
        if timeout is not None and timeout < remaining:
            self._sleep(timeout)
            self._advance()
            return False
        self._sleep(remaining)
        self._advance()
        # Float time steps can leave a sample or two: anything under one sample is played.
        for q in self._queue:
            self._finish(q, len(q.pcm) - q.pos)
        self._queue.clear()
        return True

    def stop(self) -> None:
        """Drop anything still queued."""
        self._advance()
        self._queue.clear()

    def heard_audio(self, sample_rate: int = PIPELINE_RATE) -> np.ndarray:
        """Everything that was played, as one int16 array at ``sample_rate``."""
        parts = [resample(to_int16(c.pcm), c.sample_rate, sample_rate) for c in self.heard]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)

    def _finish(self, q: _Queued, n: int) -> None:
        if n > 0:
            self._heard(q.pcm[q.pos : q.pos + n], q.sample_rate)
            q.pos += n
            self._played += n

    def _heard(self, pcm: np.ndarray, sample_rate: int) -> None:
        if self._keep:
            self.heard.append(SinkChunk(pcm, sample_rate))
        if self._on_heard is not None:
            self._on_heard(pcm, sample_rate)

    def _advance(self) -> None:
        """Play, in simulation, whatever the clock says has been played since the last look."""
        if not self._realtime:
            return
        now = self._clock()
        elapsed = now - self._t_play
        self._t_play = now
        while self._queue and elapsed > 0:
            q = self._queue[0]
            left = len(q.pcm) - q.pos
            need = left / q.sample_rate
            if elapsed >= need:
                self._finish(q, left)
                self._queue.popleft()
                elapsed -= need
            else:
                n = int(elapsed * q.sample_rate)
                self._finish(q, n)
                # Carry the part of a sample not yet played, so frequent polling cannot slow
                # the simulated playback down by truncating every time.
                self._t_play = now - (elapsed - n / q.sample_rate)
                elapsed = 0.0
