"""Even loudness across synthesized chunks.

Piper peak-normalises every sentence by default, so a sentence with one loud syllable comes
out quieter than its neighbours; unnormalised, its raw level still varies by ~5 dB from clause
to clause (measured on en_US-joe-medium). Each chunk is instead scaled toward one target RMS,
measured over its voiced frames only (pauses would otherwise make a chunk look quiet).
Speech peaks sit 17-24 dB above its voiced RMS (measured), more than the 19 dB between the
target and the ceiling, so a gain capped by the peak alone left such clauses 3 dB quiet;
instead a soft limiter bends the few peaks above a knee (under 0.5% of samples) down under
the ceiling, and only peaks that would need more than ``limiter_range_db`` lower the gain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LoudnessConfig:
    """How each synthesized chunk is levelled."""

    target_rms_dbfs: float = -20.0
    """RMS level of the voiced frames, in dB full scale, that every chunk is scaled toward."""

    peak_dbfs: float = -1.0
    """Ceiling: no sample exceeds this level (nothing clips)."""

    limiter_range_db: float = 6.0
    """The soft limiter starts this far below the ceiling and may absorb peaks up to this far
    above it; a chunk with higher peaks gets less gain instead. 0 disables the limiter."""

    max_gain_db: float = 24.0
    """Largest boost, so a near-silent chunk is not blown up into audible noise."""

    frame_seconds: float = 0.02
    """Frame length for finding the voiced frames."""

    voiced_within_db: float = 30.0
    """Frames within this many dB of the loudest frame count as voiced."""


def db_to_gain(db: float) -> float:
    """Amplitude ratio for a level in dB."""
    return float(10.0 ** (db / 20.0))


def voiced_rms(audio: np.ndarray, sample_rate: int, config: LoudnessConfig) -> float:
    """RMS of the frames within ``voiced_within_db`` of the loudest one (0.0 for silence)."""
    x = np.asarray(audio, dtype=np.float64)
    if x.size == 0:
        return 0.0
    n = max(1, int(sample_rate * config.frame_seconds))
    usable = (x.size // n) * n
    frames = x[:usable].reshape(-1, n) if usable else x.reshape(1, -1)
    energies = np.mean(frames * frames, axis=1)
    loudest = float(energies.max())
    if loudest <= 0.0:
        return 0.0
    voiced = energies[energies >= loudest * db_to_gain(-config.voiced_within_db) ** 2]
    return float(np.sqrt(voiced.mean()))


def loudness_gain(
    audio: np.ndarray, sample_rate: int, config: LoudnessConfig, volume: float = 1.0
) -> float:
    """The gain that brings ``audio`` to the target level times ``volume``, capped so that
    the limiter can still hold its peaks under the ceiling."""
    rms = voiced_rms(audio, sample_rate, config)
    if rms <= 0.0:
        return 1.0
    gain = db_to_gain(config.target_rms_dbfs) * volume / rms
    gain = min(gain, db_to_gain(config.max_gain_db))
    peak = float(np.max(np.abs(audio)))
    if peak > 0.0:
        gain = min(gain, db_to_gain(config.peak_dbfs + config.limiter_range_db) / peak)
    return gain


def soft_limit(audio: np.ndarray, config: LoudnessConfig) -> np.ndarray:
    """Samples above the knee bent smoothly (tanh) toward the ceiling; the rest untouched."""
    ceiling = db_to_gain(config.peak_dbfs)
    if config.limiter_range_db <= 0.0:
        return np.clip(audio, -ceiling, ceiling)
    knee = db_to_gain(config.peak_dbfs - config.limiter_range_db)
    magnitude = np.abs(audio)
    over = magnitude > knee
    if not over.any():
        return audio
    out = audio.copy()
    # Slope 1 at the knee, so the bend is continuous; approaches the ceiling asymptotically.
    span = ceiling - knee
    out[over] = np.sign(audio[over]) * (knee + span * np.tanh((magnitude[over] - knee) / span))
    return out


def normalize_loudness(
    audio: np.ndarray, sample_rate: int, config: LoudnessConfig, volume: float = 1.0
) -> np.ndarray:
    """``audio`` (float, [-1, 1]) levelled to the target loudness and limited; float32."""
    gain = loudness_gain(audio, sample_rate, config, volume)
    scaled = np.asarray(audio, dtype=np.float32) * np.float32(gain)
    return soft_limit(scaled, config).astype(np.float32)


def float_to_int16(audio: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] to int16 PCM (clipped, so an overshoot cannot wrap around)."""
    return np.clip(np.asarray(audio) * 32767.0, -32767.0, 32767.0).astype(np.int16)
