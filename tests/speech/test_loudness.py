"""Loudness levelling of synthesized chunks (no model)."""

from __future__ import annotations

import numpy as np
import pytest

from voice_interviewer.tts.loudness import (
    LoudnessConfig,
    float_to_int16,
    loudness_gain,
    normalize_loudness,
    voiced_rms,
)

RATE = 22_050


def _tone(level: float, seconds: float = 1.0, pause: float = 0.0) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    speech = level * np.sin(2 * np.pi * 180 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    return np.concatenate([speech, np.zeros(int(RATE * pause))]).astype(np.float32)


def _db(x: float) -> float:
    return 20 * float(np.log10(x))


def test_quiet_and_loud_chunks_come_out_at_the_same_level():
    cfg = LoudnessConfig()
    chunks = [_tone(0.02), _tone(0.5), _tone(0.1, pause=1.5)]
    levels = [_db(voiced_rms(normalize_loudness(c, RATE, cfg), RATE, cfg)) for c in chunks]
    assert levels == pytest.approx([cfg.target_rms_dbfs] * 3, abs=0.5)


def test_pauses_do_not_make_a_chunk_look_quiet():
    cfg = LoudnessConfig()
    assert voiced_rms(_tone(0.1, pause=2.0), RATE, cfg) == pytest.approx(
        voiced_rms(_tone(0.1), RATE, cfg), rel=0.05
    )


def test_peaks_are_limited_rather_than_clipped():
    cfg = LoudnessConfig()
    ceiling = 10 ** (cfg.peak_dbfs / 20)
    spiky = _tone(0.05)
    spiky[100:110] = 0.3  # 22 dB over the voiced level: more than the 19 dB of headroom
    out = normalize_loudness(spiky, RATE, cfg)
    assert np.abs(out).max() < ceiling
    # The limiter absorbed the peak, so the chunk still reaches the target level.
    assert _db(voiced_rms(out, RATE, cfg)) == pytest.approx(cfg.target_rms_dbfs, abs=0.5)
    # Below the knee the waveform is only scaled, not bent.
    gain = out[5000] / spiky[5000]
    assert np.allclose(out[1000:2000], spiky[1000:2000] * gain, atol=1e-6)


def test_a_huge_peak_lowers_the_gain_instead():
    cfg = LoudnessConfig()
    spiky = _tone(0.01)
    spiky[100] = 1.0
    out = normalize_loudness(spiky, RATE, cfg)
    assert np.abs(out).max() < 10 ** (cfg.peak_dbfs / 20)
    assert _db(voiced_rms(out, RATE, cfg)) < cfg.target_rms_dbfs - 3


def test_volume_scales_and_gain_is_capped():
    cfg = LoudnessConfig()
    loud = _db(voiced_rms(normalize_loudness(_tone(0.1), RATE, cfg, volume=1.0), RATE, cfg))
    half = _db(voiced_rms(normalize_loudness(_tone(0.1), RATE, cfg, volume=0.5), RATE, cfg))
    assert loud - half == pytest.approx(6.02, abs=0.1)
    assert loudness_gain(_tone(1e-5), RATE, cfg) == pytest.approx(10 ** (24 / 20))
    assert loudness_gain(np.zeros(100, np.float32), RATE, cfg) == 1.0


def test_float_to_int16_clips_instead_of_wrapping():
    pcm = float_to_int16(np.array([1.5, -1.5, 0.5]))
    assert pcm.tolist() == [32767, -32767, 16383]
