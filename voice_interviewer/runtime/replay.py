"""Replay: recorded candidate answers played into the loop as if spoken, turn by turn.

Answer i starts (after a short human-like gap) once the interviewer's reply i has finished
playing, and frames arrive at real-time pace on the session clock, so the loop, its
endpointer and its latency figures behave exactly as with a microphone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from voice_interviewer.audio.base import Pacer, frame_samples
from voice_interviewer.audio.config import PIPELINE_RATE
from voice_interviewer.audio.errors import AudioFileError
from voice_interviewer.messages import AudioFrame

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")


def answer_files(folder: Path) -> list[Path]:
    """The answers in a folder, sorted by name; a clear error when there are none."""
    if not folder.is_dir():
        raise AudioFileError(f"{folder} is not a folder of recorded answers")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
    if not files:
        raise AudioFileError(f"no WAV/FLAC answers in {folder}; name them 01.wav, 02.wav, ...")
    return files


def load_answer(path: Path) -> np.ndarray:
    """One answer as 16 kHz mono int16."""
    import soundfile

    from voice_interviewer.audio.base import to_int16
    from voice_interviewer.audio.resample import resample

    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=False)
    except (RuntimeError, soundfile.LibsndfileError) as e:
        raise AudioFileError(f"cannot read {path}: {e}") from e
    return to_int16(resample(to_int16(data), rate, PIPELINE_RATE))


class ReplaySource:
    """An ``AudioSource`` that speaks each answer when ``ready`` is set, silence otherwise."""

    def __init__(
        self,
        answers: Sequence[np.ndarray],
        ready: threading.Event,
        clock: Callable[[], float],
        *,
        gap_s: float = 0.4,
        frame_ms: int = 20,
        noise_dbfs: float | None = -70.0,
    ) -> None:
        self._answers = list(answers)
        self._ready = ready
        self._clock = clock
        self._pacer = Pacer(True, clock)
        self._gap = gap_s
        self._n = frame_samples(frame_ms)
        self._next = 0  # answer index
        self._pos: int | None = None  # sample position inside the answer being played
        self._ready_since: float | None = None
        self._origin = 0.0
        self._frames = 0
        self._stopped = False
        rng = np.random.default_rng(0)
        # A faint noise floor, as a real room has; exact digital silence is not realistic.
        level = 0 if noise_dbfs is None else 32768 * 10 ** (noise_dbfs / 20)
        self._floor = (rng.standard_normal(self._n) * level).astype(np.int16)
        self.answer_started: list[float] = []
        self.answer_ended: list[float] = []

    @property
    def sample_rate(self) -> int:
        return PIPELINE_RATE

    @property
    def overruns(self) -> int:
        return 0

    @property
    def ended(self) -> bool:
        return self._stopped or (
            self._next >= len(self._answers)
            and self._pos is None
            and self._ready.is_set()
            and self._ready_since is not None
            and self._clock() - self._ready_since > self._gap
        )

    def start(self) -> None:
        self._origin = self._clock()
        self._frames = 0

    def stop(self) -> None:
        self._stopped = True

    def read(self, timeout: float | None = None) -> AudioFrame | None:
        if self.ended:
            return None
        t = self._origin + self._frames * self._n / PIPELINE_RATE
        if not self._pacer.wait_until(t + self._n / PIPELINE_RATE, timeout):
            return None
        self._frames += 1
        return AudioFrame(self._next_pcm(t), PIPELINE_RATE, t)

    def _next_pcm(self, t: float) -> np.ndarray:
        if self._pos is None:
            if self._ready.is_set():
                if self._ready_since is None:
                    self._ready_since = t
                if self._next < len(self._answers) and t - self._ready_since >= self._gap:
                    self._pos = 0
                    self._ready_since = None
                    self._ready.clear()
                    self.answer_started.append(t)
            else:
                self._ready_since = None
        if self._pos is None:
            return self._floor.copy()
        answer = self._answers[self._next]
        chunk = answer[self._pos : self._pos + self._n]
        self._pos += self._n
        if self._pos >= len(answer):
            self._pos = None
            self._next += 1
            self.answer_ended.append(t + len(chunk) / PIPELINE_RATE)
        if len(chunk) < self._n:
            chunk = np.concatenate([chunk, self._floor[: self._n - len(chunk)]])
        mixed = chunk.astype(np.int32) + self._floor
        return np.clip(mixed, -32768, 32767).astype(np.int16)
