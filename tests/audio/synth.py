"""Synthetic test audio at 16 kHz: a voice-like vowel, tones, noise, hum and silence.

webrtcvad scores a harmonic signal with a wobbling pitch and a syllable-rate envelope as
speech, which makes precise, repeatable "speech" for endpointer tests.
"""

from __future__ import annotations

import numpy as np

SR = 16_000


def _scale(x: np.ndarray, rms_dbfs: float) -> np.ndarray:
    rms = np.sqrt(np.mean(x**2))
    return x * (10 ** (rms_dbfs / 20) / rms)


def to_pcm(x: np.ndarray) -> np.ndarray:
    """Float in [-1, 1] to int16."""
    return np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)


def vowel(seconds: float, rms_dbfs: float = -22.0, f0: float = 140.0, seed: int = 0) -> np.ndarray:
    """A voiced sound: 24 harmonics of a vibrating pitch, modulated at a syllable rate."""
    t = np.arange(int(seconds * SR)) / SR
    rng = np.random.default_rng(seed)
    pitch = f0 * (1 + 0.08 * np.sin(2 * np.pi * 3.1 * t + rng.uniform(0, 6)))
    phase = 2 * np.pi * np.cumsum(pitch) / SR
    x = sum(np.sin(k * phase) / k for k in range(1, 25))
    x = x * (0.65 + 0.35 * np.sin(2 * np.pi * 4.0 * t))
    return to_pcm(_scale(x, rms_dbfs))


def tone(freq: float, seconds: float, rms_dbfs: float = -20.0, sr: int = SR) -> np.ndarray:
    """A pure sine."""
    t = np.arange(int(seconds * sr)) / sr
    return to_pcm(_scale(np.sin(2 * np.pi * freq * t), rms_dbfs))


def noise(seconds: float, rms_dbfs: float, seed: int = 1) -> np.ndarray:
    """White noise."""
    x = np.random.default_rng(seed).standard_normal(int(seconds * SR))
    return to_pcm(_scale(x, rms_dbfs))


def hum(seconds: float, rms_dbfs: float = -16.0, mains: float = 60.0) -> np.ndarray:
    """Mains hum: the fundamental and its second to fourth harmonics."""
    t = np.arange(int(seconds * SR)) / SR
    x = sum(
        a * np.sin(2 * np.pi * mains * k * t) for k, a in ((1, 1), (2, 0.5), (3, 0.3), (4, 0.2))
    )
    return to_pcm(_scale(x, rms_dbfs))


def silence(seconds: float) -> np.ndarray:
    """Digital silence."""
    return np.zeros(int(seconds * SR), dtype=np.int16)


def peak_hz(pcm: np.ndarray, sr: int) -> float:
    """Frequency of the strongest FFT bin."""
    x = pcm.astype(np.float64)
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spec) * sr / len(x))
