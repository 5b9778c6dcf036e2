"""Per-frame speech classification: webrtcvad behind a band-limited energy gate.

webrtcvad alone calls almost any steady sound speech: a tone, loud white noise and mains hum
all pass it in every mode. The gate measures the frame's RMS in the speech band (250-4000 Hz
by default) and refuses anything below ``energy_floor_dbfs``, so a quiet room, a fan, a hum
or a distant TV never open a turn however webrtcvad scores them.
"""

from __future__ import annotations

import math

import numpy as np

from voice_interviewer.audio.config import PIPELINE_RATE, VadConfig
from voice_interviewer.audio.errors import AudioBackendUnavailable

_VAD_RATES = (8000, 16000, 32000, 48000)


def _webrtcvad():  # type: ignore[no-untyped-def]
    try:
        import webrtcvad
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
        self._band_cache: dict[int, np.ndarray] = {}

    def band_dbfs(self, pcm: np.ndarray) -> float:
        """RMS of the frame in the configured band, in dB full scale (Parseval over an rfft)."""
        n = len(pcm)
        mask = self._band_cache.get(n)
        if mask is None:
            freqs = np.fft.rfftfreq(n, 1.0 / self.sample_rate)
            mask = (freqs >= self.config.band_low_hz) & (freqs <= self.config.band_high_hz)
            self._band_cache[n] = mask
        spec = np.fft.rfft(pcm.astype(np.float64) / 32768.0)
        power = np.abs(spec[mask]) ** 2
        # One-sided spectrum: bins other than DC and Nyquist stand for two, hence the 2.
        ms = 2.0 * float(power.sum()) / (n * n)
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
