"""Barge-in latency through a real sound server: how soon the speaker goes quiet after the
candidate starts talking over the interviewer (issue 11: 150 ms p95 of the speech onset).

The room is two PulseAudio null sinks. The candidate's voice is played into ``vi_mic``, whose
monitor is the app's microphone; the app's speaker plays into ``vi_spk``, whose monitor is the
bench's ear. Both microphones stamp frames on the same session clock, so one interruption
gives: its onset (the first loud frame the app's microphone captured), when the loop held
playback (the clock time of its ``barge_in_onset`` event), and when the speaker went quiet (the end of the last loud frame the
ear heard before the silence). Used by ``scripts/bench_bargein.py`` and the PulseAudio
end-to-end test.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from voice_interviewer.audio.vad import rms_dbfs
from voice_interviewer.llm.renderer import AuthoredRenderer
from voice_interviewer.messages import AudioFrame, Move, ReplyText

MIC_SINK = "vi_mic"
SPK_SINK = "vi_spk"
LOUD_DBFS = -45.0
"""A frame louder than this is sound (the null sinks are digitally silent otherwise)."""


class PulseUnavailable(RuntimeError):
    """PulseAudio (or its tools) is missing or cannot start; the message says what to install."""


def pactl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10)


def ensure_pulse(*sinks: str) -> list[str]:
    """Start PulseAudio unless it runs and load a null sink for each name not loaded yet;
    returns the module ids to unload."""
    if not (shutil.which("pulseaudio") and shutil.which("pactl")):
        raise PulseUnavailable("needs PulseAudio: apt-get install pulseaudio pulseaudio-utils")
    if subprocess.run(["pulseaudio", "--check"], capture_output=True).returncode != 0:
        started = subprocess.run(
            ["pulseaudio", "--start", "--exit-idle-time=-1"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if started.returncode != 0:
            raise PulseUnavailable(f"pulseaudio --start failed: {started.stderr.strip()}")
    deadline = time.monotonic() + 10
    while pactl("info").returncode != 0:
        if time.monotonic() > deadline:
            raise PulseUnavailable("PulseAudio started but pactl cannot reach it")
        time.sleep(0.1)
    present = pactl("list", "short", "sinks").stdout.split()
    modules = []
    for name in sinks:
        if name not in present:
            loaded = pactl("load-module", "module-null-sink", f"sink_name={name}")
            if loaded.returncode != 0:
                raise PulseUnavailable(f"cannot load a null sink: {loaded.stderr.strip()}")
            modules.append(loaded.stdout.strip())
    return modules


def unload(modules: list[str]) -> None:
    for module in modules:
        pactl("unload-module", module)


class Tee:
    """The app's microphone, keeping a copy of every frame the loop read."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.frames: list[AudioFrame] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def read(self, timeout: float | None = None) -> AudioFrame | None:
        frame = self.inner.read(timeout)
        if frame is not None:
            self.frames.append(frame)
        return frame


class Ear(threading.Thread):
    """Records a monitor source through sounddevice, frames stamped on the session clock."""

    def __init__(self, source: Any) -> None:
        super().__init__(daemon=True, name="ear")
        self.source = source
        self.frames: list[AudioFrame] = []
        self.halt = threading.Event()
        self.lost: str | None = None
        """Why the recording stopped early, if it did."""

    def run(self) -> None:
        from voice_interviewer.audio.errors import AudioDeviceLost

        while not self.halt.is_set():
            try:
                frame = self.source.read(timeout=0.2)
            except AudioDeviceLost as e:
                # PulseAudio under heavy load can stall a stream for seconds: what was heard
                # so far still counts; the caller sees ``lost``.
                self.lost = str(e)
                return
            if frame is not None:
                self.frames.append(frame)

    def audio(self, t0: float, t1: float) -> np.ndarray:
        return np.concatenate(
            [f.pcm for f in self.frames if t0 <= f.t < t1] or [np.zeros(0, np.int16)]
        )


def loud(frames: list[AudioFrame], t0: float, t1: float) -> list[AudioFrame]:
    """The frames in ``[t0, t1)`` louder than ``LOUD_DBFS``."""
    return [f for f in list(frames) if t0 <= f.t < t1 and rms_dbfs(f.pcm) > LOUD_DBFS]


@dataclass(frozen=True)
class Hold:
    """One interruption: when the candidate's voice reached the mic, when the loop saw it, and
    when the speaker went quiet (session clock, seconds)."""

    onset: float
    detected: float | None
    quiet: float

    @property
    def latency(self) -> float:
        """Speech onset to a quiet speaker: what the candidate hears. 0 when the interviewer
        was between two words at the onset and the hold kept the next one from playing."""
        return max(0.0, self.quiet - self.onset)


def measure_hold(
    mic: list[AudioFrame],
    ear: list[AudioFrame],
    said_at: float,
    detections: list[float],
    window_s: float = 1.5,
) -> Hold | None:
    """The hold for the interruption played at ``said_at``; None when the interviewer was not
    speaking when it reached the mic (nothing to hold)."""
    voice = loud(mic, said_at, said_at + 3.0)
    if not voice:
        return None
    onset = voice[0].t
    before = loud(ear, onset - window_s, onset + window_s)
    if not [f for f in before if f.t < onset]:
        return None
    last = max(before, key=lambda f: f.t)
    quiet = last.t + len(last.pcm) / last.sample_rate
    detected = next((t for t in detections if t >= onset - 0.05), None)
    return Hold(onset, detected, quiet)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation."""
    return float(np.percentile(np.asarray(values, dtype=float), q))


def summary(holds: list[Hold]) -> dict[str, float]:
    """p50 / p95 / max of the hold latency and of the detection delay, in milliseconds."""
    lat = [h.latency * 1000 for h in holds]
    det = [(h.detected - h.onset) * 1000 for h in holds if h.detected is not None]
    out = {
        "n": float(len(holds)),
        "p50_ms": percentile(lat, 50),
        "p95_ms": percentile(lat, 95),
        "max_ms": max(lat),
        "mean_ms": statistics.fmean(lat),
    }
    if det:
        out["detect_p50_ms"] = percentile(det, 50)
        out["detect_p95_ms"] = percentile(det, 95)
    return out


class MonologueRenderer(AuthoredRenderer):
    """Speaks one long paragraph for every move, so each reply lasts long enough to be cut
    into (the benchmark measures the audio path, not the words)."""

    TEXT = (
        "Let me describe the setting in some detail before you start. The platform processes "
        "ten thousand transactions per second, and every decision has to be made within one "
        "hundred milliseconds. Fraud is rare, well under one percent of traffic, and the labels "
        "arrive weeks later through chargebacks. Take a moment and tell me where you would start."
    )

    def render(self, move: Move, candidate_text: str = "") -> Iterator[ReplyText]:
        yield ReplyText(self.TEXT, is_final=True, authored=True, generation=move.generation)
