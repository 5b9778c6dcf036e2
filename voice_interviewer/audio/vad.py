"""Per-frame speech classification: webrtcvad behind a band-limited energy gate.

webrtcvad alone calls almost any steady sound speech: a tone, loud white noise and mains hum
pass it in every mode, and it flags some frames of noise as quiet as -60 dBFS. So a frame is
speech only if its RMS in the speech band (100-4000 Hz by default, measured with a Hann window
so a loud low hum does not leak into the band) reaches ``energy_floor_dbfs``, and webrtcvad
calls it speech. A quiet room, line noise, rumble and 50/60 Hz hum below the floor never start a
turn. The gate is stateless: a loud steady noise above the floor (a fan next to the mic, a
strong 60 Hz buzz whose harmonics reach the band) is not learnt as background.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from voice_interviewer.audio.config import PIPELINE_RATE, VadConfig
from voice_interviewer.audio.errors import AudioBackendUnavailable

_VAD_RATES = (8000, 16000, 32000, 48000)


def _webrtcvad() -> Any:
    try:
        import webrtcvad  # type: ignore[import-untyped]
    except ImportError as err:
        raise AudioBackendUnavailable(
            "webrtcvad is not installed; install the voice extra: `pip install"
            " 'voice-interviewer[voice]'` (it brings webrtcvad-wheels), or use `--text`"
        ) from err
    return webrtcvad


def rms_dbfs(pcm: np.ndarray) -> float:
    """RMS level of int16 PCM in dB full scale (-inf for digital silence)."""
    x = pcm.astype(np.float64) / 32768.0
    ms = float(np.mean(x * x)) if len(x) else 0.0
    return 10.0 * math.log10(ms) if ms > 0 else -math.inf


class FrameClassifier:
    """Says whether one 10, 20 or 30 ms int16 frame is speech."""

    def __init__(self, config: VadConfig | None = None, sample_rate: int = PIPELINE_RATE) -> None:
        self.config = config or VadConfig()
        if not 0 <= self.config.aggressiveness <= 3:
            raise ValueError(f"aggressiveness must be 0-3, got {self.config.aggressiveness}")
        if sample_rate not in _VAD_RATES:
            raise ValueError(f"webrtcvad takes {_VAD_RATES} Hz, got {sample_rate}")
        self.sample_rate = sample_rate
        self._vad = _webrtcvad().Vad(self.config.aggressiveness)
        self._valid_lengths = {sample_rate * ms // 1000 for ms in (10, 20, 30)}
        self._band_cache: dict[int, tuple[np.ndarray, np.ndarray, float]] = {}

    def band_dbfs(self, pcm: np.ndarray) -> float:
        """RMS of the frame in the configured band, in dB full scale (Parseval over an rfft)."""
        n = len(pcm)
        cached = self._band_cache.get(n)
        if cached is None:
            freqs = np.fft.rfftfreq(n, 1.0 / self.sample_rate)
            mask = (freqs >= self.config.band_low_hz) & (freqs <= self.config.band_high_hz)
            # A Hann window: without one, a loud hum leaks across a 20 ms frame's spectrum
            # into the speech band and passes the gate.
            window = np.hanning(n)
            cached = self._band_cache[n] = (mask, window, float(np.sum(window**2)))
        mask, window, wpow = cached
        spec = np.fft.rfft(window * (pcm.astype(np.float64) / 32768.0))
        power = np.abs(spec[mask]) ** 2
        # One-sided spectrum: bins other than DC and Nyquist stand for two, hence the 2;
        # dividing by the window's power undoes its attenuation (Parseval).
        ms = 2.0 * float(power.sum()) / (n * wpow)
        return 10.0 * math.log10(ms) if ms > 0 else -math.inf

    def is_speech(self, pcm: np.ndarray) -> bool:
        """True if the frame is loud enough in the speech band and webrtcvad calls it speech."""
        if pcm.dtype != np.int16 or pcm.ndim != 1:
            raise TypeError(f"expected mono int16 PCM, got {pcm.dtype} {pcm.shape}")
        if len(pcm) not in self._valid_lengths:
            raise ValueError(
                f"webrtcvad takes 10, 20 or 30 ms frames ({sorted(self._valid_lengths)} samples"
                f" at {self.sample_rate} Hz), got {len(pcm)}"
            )
        if self.band_dbfs(pcm) < self.config.energy_floor_dbfs:
            return False
        return bool(self._vad.is_speech(pcm.tobytes(), self.sample_rate))
