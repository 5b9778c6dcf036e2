"""The session recording: one stereo file, candidate on the left, interviewer on the right.

Both sides are placed on the session clock by their timestamps, so the recording lines up with
the journal's times and the exported subtitles. Audio is written out as the session goes, so a
crash loses at most the last few seconds.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from voice_interviewer.session.store import file_mode

RATE = 16_000
_KEEP_BEHIND_S = 2.0  # audio this recent may still get the other side mixed in


class StereoRecorder:
    """Mixes timestamped mono chunks into a stereo WAV at 16 kHz."""

    def __init__(self, path: Path, t0: float = 0.0) -> None:
        import soundfile  # part of the voice extra; text mode never records

        self.path = path
        self._t0 = t0
        self._file = soundfile.SoundFile(
            str(path), "w", samplerate=RATE, channels=2, subtype="PCM_16"
        )
        # The candidate's voice: private whatever the umask (store.SessionConfig.private).
        os.chmod(path, file_mode())
        self._buf = np.zeros((0, 2), dtype=np.float32)
        self._written = 0  # samples already in the file
        self._lock = threading.Lock()

    def add(self, channel: int, pcm: np.ndarray, sample_rate: int, t: float) -> None:
        """Place mono ``pcm`` (int16 or float) starting at session time ``t`` on ``channel``
        (0 = candidate, 1 = interviewer)."""
        from voice_interviewer.audio.resample import resample

        x = np.asarray(pcm)
        x = x.astype(np.float32) / 32768.0 if x.dtype == np.int16 else x.astype(np.float32)
        if sample_rate != RATE:
            x = resample(x, sample_rate, RATE)
        start = int(round((t - self._t0) * RATE))
        with self._lock:
            offset = start - self._written
            if offset < 0:  # older than what is already on disk: keep what still fits
                x = x[-offset:]
                offset = 0
            end = offset + len(x)
            if end > len(self._buf):
                grown = np.zeros((end, 2), dtype=np.float32)
                grown[: len(self._buf)] = self._buf
                self._buf = grown
            self._buf[offset:end, channel] += x
            self._write_until(len(self._buf) - int(_KEEP_BEHIND_S * RATE))

    def candidate(self, pcm: np.ndarray, sample_rate: int, t: float) -> None:
        self.add(0, pcm, sample_rate, t)

    def interviewer(self, pcm: np.ndarray, sample_rate: int, t: float) -> None:
        self.add(1, pcm, sample_rate, t)

    def _write_until(self, n: int) -> None:
        if n <= 0:
            return
        block = np.clip(self._buf[:n], -1.0, 1.0)
        self._file.write((block * 32767).astype(np.int16))
        self._buf = self._buf[n:]
        self._written += n

    @property
    def seconds(self) -> float:
        with self._lock:
            return (self._written + len(self._buf)) / RATE

    def close(self) -> None:
        with self._lock:
            if self._file.closed:
                return
            self._write_until(len(self._buf))
            self._file.close()
