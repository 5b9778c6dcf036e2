"""Replay: recorded candidate answers played into the loop as if spoken, turn by turn.

Answer i starts (after a short human-like gap) once the interviewer's reply i has finished
playing, and frames arrive at real-time pace on the session clock, so the loop, its
endpointer and its latency figures behave exactly as with a microphone. The gap is measured
on the session clock from when the reply finished, so an answer never starts, on the
recording's timeline, before the interviewer has stopped, however far behind the reader runs.
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


SILENT_DBFS = -50.0
"""An answer whose loudest sample is below this holds no speech (the replay's own noise floor
is -70 dBFS); it is skipped, since the loop would wait for ever for a turn to end."""
STALL_S = 90.0
"""How long after an answer the replay waits for the interviewer to reply before it moves on
(the loop heard no speech in that answer); longer than any reply takes to say."""


def usable_answers(
    files: Sequence[Path], note: Callable[[str], None]
) -> tuple[list[Path], list[np.ndarray]]:
    """The answers worth playing, loaded; each empty, silent or unreadable file is skipped
    with a ``note`` that says why. An error when none is left."""
    kept: list[Path] = []
    audio: list[np.ndarray] = []
    for path in files:
        reason = None
        try:
            pcm = load_answer(path)
        except AudioFileError as e:
            pcm, reason = None, f"it cannot be read ({e})"
        if pcm is not None and len(pcm) == 0:
            reason = "it holds no audio (an empty file or a header without samples)"
        elif pcm is not None and _peak_dbfs(pcm) < SILENT_DBFS:
            reason = f"it is silent (peak {_peak_dbfs(pcm):.0f} dBFS)"
        if reason is not None or pcm is None:
            note(f"skipping {path.name}: {reason}")
            continue
        kept.append(path)
        audio.append(pcm)
    if not kept:
        folder = files[0].parent if files else "the folder"
        raise AudioFileError(f"no answer in {folder} holds any speech; nothing to replay")
    return kept, audio


def _peak_dbfs(pcm: np.ndarray) -> float:
    peak = int(np.abs(pcm.astype(np.int32)).max()) if len(pcm) else 0
    return 20 * float(np.log10(max(peak, 1) / 32768))


def load_answer(path: Path) -> np.ndarray:
    """One answer as 16 kHz mono int16."""
    import soundfile

    from voice_interviewer.audio.base import to_int16
    from voice_interviewer.audio.resample import resample

    if path.stat().st_size == 0:
        return np.zeros(0, dtype=np.int16)  # libsndfile cannot even open it; it is empty
    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=False)
    except (RuntimeError, soundfile.LibsndfileError) as e:
        raise AudioFileError(f"cannot read {path}: {e}") from e
    if data.ndim == 2:
        data = data.mean(axis=1)  # a stereo answer is mixed to mono
    if len(data) == 0:
        return np.zeros(0, dtype=np.int16)
    return to_int16(resample(to_int16(data), rate, PIPELINE_RATE))


class ReplaySource:
    """An ``AudioSource`` that speaks each answer when ``ready`` is set, silence otherwise.

    A watchdog keeps a replay from waiting for ever: when ``stall_s`` pass after an answer
    without ``ready`` and without ``turn_heard`` (the loop heard no turn in it, so no reply
    comes), ``on_stall`` is told and the next answer plays; after the last one the source
    ends, and with it the replay. A turn the loop heard always gets its reply, however slow
    the machine, so ``turn_heard`` disarms the watchdog until the next answer.
    """

    def __init__(
        self,
        answers: Sequence[np.ndarray],
        ready: threading.Event,
        clock: Callable[[], float],
        *,
        gap_s: float | Sequence[float] = 0.4,
        frame_ms: int = 20,
        noise_dbfs: float | None = -70.0,
        stall_s: float = STALL_S,
        on_stall: Callable[[str], None] | None = None,
    ) -> None:
        self._answers = list(answers)
        self._ready = ready
        self._clock = clock
        self._pacer = Pacer(True, clock)
        # One gap for every answer, or one per answer (a test of quick answers).
        self._gaps = (
            [gap_s] * len(self._answers) if isinstance(gap_s, (int, float)) else list(gap_s)
        )
        if len(self._gaps) != len(self._answers):
            raise ValueError(f"{len(self._answers)} answers but {len(self._gaps)} gaps")
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
        self._stall_s = stall_s
        self._on_stall = on_stall or (lambda message: None)
        self._stalled = False
        self._turn_heard = False
        self.answer_started: list[float] = []
        self.answer_ended: list[float] = []
        self.stalls: list[int] = []
        """Indexes of the answers after which no reply came within ``stall_s``."""

    @property
    def sample_rate(self) -> int:
        return PIPELINE_RATE

    @property
    def overruns(self) -> int:
        return 0

    @property
    def ended(self) -> bool:
        return (
            self._stopped
            or self._stalled
            or (
                self._next >= len(self._answers)
                and self._pos is None
                and self._ready.is_set()
                and self._ready_since is not None
                and self._clock() - self._ready_since > self._gap
            )
        )

    @property
    def _gap(self) -> float:
        """The gap before the next answer (after the last one: the last answer's)."""
        if not self._gaps:
            return 0.0
        return float(self._gaps[min(self._next, len(self._gaps) - 1)])

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
        self._watch(t)
        if self._pos is None:
            if self._ready.is_set():
                if self._ready_since is None:
                    # On the clock, not on ``t``: on a busy CPU the reader runs behind and ``t``
                    # lags the clock; an answer placed at ``t + gap`` would then start on the
                    # session's timeline while the interviewer was still talking (issue 11).
                    # (A frame is read once the clock passes its end: without any lag this is
                    # ``t`` itself.)
                    self._ready_since = max(t, self._clock() - self._n / PIPELINE_RATE)
                if self._next < len(self._answers) and t - self._ready_since >= self._gap:
                    self._pos = 0
                    self._ready_since = None
                    self._ready.clear()
                    self._turn_heard = False
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

    def turn_heard(self) -> None:
        """The loop heard words of the answer playing (or just played): a turn and its reply
        will come, so the watchdog waits for them."""
        self._turn_heard = True

    def _watch(self, t: float) -> None:
        """Act on a stall: no reply (``ready``) ``stall_s`` after the last answer ended."""
        if self._pos is not None or self._ready.is_set() or not self.answer_ended:
            return
        if self._turn_heard:
            return
        done = len(self.answer_ended)
        if done - 1 in self.stalls or t - self.answer_ended[-1] < self._stall_s:
            return
        self.stalls.append(done - 1)
        if self._next < len(self._answers):
            self._on_stall(
                f"no reply {self._stall_s:.0f} s after answer {done}: it was not heard as "
                f"speech; playing answer {done + 1}"
            )
            self._ready.set()
        else:
            self._on_stall(
                f"no reply {self._stall_s:.0f} s after the last answer ({done}): it was not "
                "heard as speech; ending the replay"
            )
            self._stalled = True
