"""The hardware seams ``AudioSource`` and ``AudioSink``, and helpers their implementations share.

Time base: every ``AudioFrame.t`` is the time of the frame's *first* sample, in seconds on one
monotonic session clock. Sources take that clock as a ``Callable[[], float]`` (for example
``voice_interviewer.clock.RealClock().now``) and default to ``time.monotonic``. Sources that
are not paced in real time (a file or an array read as fast as possible) stamp frames on a
virtual timeline instead: ``t0 + samples_so_far / 16000``, where ``t0`` is given (default 0).
A frame covers ``[t, t + len(pcm) / sample_rate)``.

Sources deliver 16 kHz mono int16 frames of a fixed length (10, 20 or 30 ms, as webrtcvad
needs); sinks take mono int16 or float32 PCM at any rate and resample it themselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np

from voice_interviewer.audio.config import PIPELINE_RATE
from voice_interviewer.messages import AudioFrame


@runtime_checkable
class AudioSource(Protocol):
    """Where the candidate's voice comes from: a microphone, a file, an array."""

    @property
    def sample_rate(self) -> int:
        """Rate of the frames ``read`` returns; always 16 kHz in this project."""
        ...

    @property
    def overruns(self) -> int:
        """Blocks dropped because the reader fell behind (0 for sources that cannot drop)."""
        ...

    @property
    def ended(self) -> bool:
        """True once a finite source (file, array) has delivered its last frame."""
        ...

    def start(self) -> None:
        """Open the underlying device or file and start the clock of the frames."""
        ...

    def read(self, timeout: float | None = None) -> AudioFrame | None:
        """The next frame, waiting at most ``timeout`` seconds (None: wait as long as it takes).

        Returns None when nothing arrived in time or the source has ``ended``.
        """
        ...

    def stop(self) -> None:
        """Release the device or file; safe to call twice."""
        ...


@runtime_checkable
class AudioSink(Protocol):
    """Where the interviewer's voice goes: speakers, a file, an array."""

    @property
    def samples_played(self) -> int:
        """Samples, counted as written (at the rate they were written in), handed to the device.

        Only grows; samples dropped by ``flush`` never count. The runtime keeps the running
        total of what it wrote per clause, so it can tell how much of an interrupted reply the
        candidate actually heard.
        """
        ...

    @property
    def underruns(self) -> int:
        """Times the device asked for audio in the middle of a write and none was queued."""
        ...

    def start(self) -> None:
        """Open the device or file."""
        ...

    def write(self, pcm: np.ndarray, sample_rate: int) -> None:
        """Queue mono PCM (int16, or float32 in [-1, 1]) for playback and return at once.

        Waits only if the sink's buffer is full (backpressure on the player thread).
        """
        ...

    def flush(self) -> int:
        """Stop at once: drop everything queued and return how many written samples were dropped."""
        ...

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until everything written has been handed to the device; False on timeout."""
        ...

    def stop(self) -> None:
        """Release the device or close the file; queued audio is dropped. Safe to call twice."""
        ...


VALID_FRAME_MS = (10, 20, 30)


def frame_samples(frame_ms: float, sample_rate: int = PIPELINE_RATE) -> int:
    """Samples in one frame; webrtcvad only takes 10, 20 or 30 ms frames, so only those pass."""
    if frame_ms not in VALID_FRAME_MS:
        raise ValueError(f"frame_ms must be one of {VALID_FRAME_MS} (webrtcvad), got {frame_ms}")
    return int(sample_rate * frame_ms // 1000)


def to_int16(pcm: np.ndarray) -> np.ndarray:
    """Mono int16 from int16 or float PCM; 2-D (frames, channels) input is averaged to mono."""
    x = np.asarray(pcm)
    if x.ndim == 2:
        if x.dtype == np.int16:
            x = x.astype(np.int32).mean(axis=1).round().astype(np.int16)
        else:
            x = x.mean(axis=1)
    elif x.ndim != 1:
        raise ValueError(f"expected mono (n,) or (n, channels) PCM, got shape {x.shape}")
    if x.dtype == np.int16:
        return x
    if x.dtype.kind == "f":
        return (np.clip(x, -1.0, 1.0) * 32767.0).round().astype(np.int16)
    raise TypeError(f"expected int16 or float PCM, got {x.dtype}")


class Framer:
    """Cuts a stream of arbitrary-length chunks into fixed frames, each stamped with its time.

    Each chunk carries the clock time of its first sample; the framer re-anchors on every chunk,
    so frame times follow the clock rather than drifting with a device's sample clock.
    """

    def __init__(self, frame_len: int, sample_rate: int = PIPELINE_RATE) -> None:
        self.frame_len = frame_len
        self.sample_rate = sample_rate
        self._buf = np.zeros(0, dtype=np.int16)
        self._t_buf = 0.0

    def push(self, pcm: np.ndarray, t: float, generation: int = 0) -> list[AudioFrame]:
        """Add a chunk whose first sample was captured at ``t``; return the frames now complete."""
        pcm = to_int16(pcm)
        self._t_buf = t - len(self._buf) / self.sample_rate
        self._buf = np.concatenate([self._buf, pcm]) if len(self._buf) else pcm
        frames: list[AudioFrame] = []
        n = self.frame_len
        full = len(self._buf) // n
        for i in range(full):
            chunk = self._buf[i * n : (i + 1) * n].copy()
            t_frame = self._t_buf + i * n / self.sample_rate
            frames.append(AudioFrame(chunk, self.sample_rate, t_frame, generation))
        if full:
            self._t_buf += full * n / self.sample_rate
            self._buf = self._buf[full * n :]
        return frames

    def flush(self, generation: int = 0) -> AudioFrame | None:
        """The zero-padded remainder as one last frame, or None if nothing is buffered."""
        if not len(self._buf):
            return None
        pcm = np.zeros(self.frame_len, dtype=np.int16)
        pcm[: len(self._buf)] = self._buf
        self._buf = np.zeros(0, dtype=np.int16)
        return AudioFrame(pcm, self.sample_rate, self._t_buf, generation)

    def reset(self) -> None:
        """Forget buffered samples (after a device restart)."""
        self._buf = np.zeros(0, dtype=np.int16)


class Pacer:
    """Releases frames of a finite source at real-time speed, or at once when not paced.

    The waiting happens in the reader's thread, through an injectable ``sleep``, so a test can
    pace on a virtual clock.
    """

    def __init__(
        self,
        realtime: bool,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.realtime = realtime
        self.clock = clock
        self.sleep = sleep

    def origin(self, t0: float) -> float:
        """Time of the first sample: now on the clock when paced, else ``t0`` (virtual)."""
        return self.clock() if self.realtime else t0

    def wait_until(self, t_ready: float, timeout: float | None) -> bool:
        """Sleep until ``t_ready``; False (after sleeping ``timeout``) if that is too long."""
        if not self.realtime:
            return True
        wait = t_ready - self.clock()
        if wait <= 0:
            return True
        if timeout is not None and wait > timeout:
            self.sleep(timeout)
            return False
        self.sleep(wait)
        return True
