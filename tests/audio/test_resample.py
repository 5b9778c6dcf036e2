"""soxr resampling: frequency kept, dtype and layout kept, streaming equals one-shot."""

from __future__ import annotations

import numpy as np
import pytest

from voice_interviewer.audio.resample import StreamResampler, resample

from .synth import peak_hz, tone


@pytest.mark.parametrize(
    "src,dst", [(44100, 16000), (22050, 16000), (16000, 48000), (48000, 16000)]
)
def test_a_1khz_tone_keeps_its_frequency(src: int, dst: int) -> None:
    x = tone(1000.0, 1.0, sr=src)
    y = resample(x, src, dst)
    assert y.dtype == np.int16 and y.ndim == 1
    assert len(y) == pytest.approx(dst, abs=2)
    assert peak_hz(y, dst) == pytest.approx(1000.0, abs=2.0)
    # Level is kept too (ignore the filter's edges).
    mid = y[len(y) // 4 : -len(y) // 4].astype(np.float64)
    ref = x[len(x) // 4 : -len(x) // 4].astype(np.float64)
    assert np.sqrt(np.mean(mid**2)) == pytest.approx(np.sqrt(np.mean(ref**2)), rel=0.02)


def test_float32_and_2d_shapes_are_kept() -> None:
    x = (tone(1000.0, 0.5, sr=48000) / 32768.0).astype(np.float32)
    y = resample(x, 48000, 16000)
    assert y.dtype == np.float32 and y.shape == (8000,)
    stereo = np.stack([x, x], axis=1)
    y2 = resample(stereo, 48000, 16000)
    assert y2.dtype == np.float32 and y2.shape == (8000, 2)
    assert np.allclose(y2[:, 0], y, atol=1e-6)


def test_same_rate_and_empty_input() -> None:
    x = tone(440.0, 0.1)
    assert resample(x, 16000, 16000) is x
    assert resample(np.zeros(0, dtype=np.int16), 22050, 16000).shape == (0,)


def test_bad_input_is_refused() -> None:
    with pytest.raises(TypeError):
        resample(np.zeros(10, dtype=np.int32), 8000, 16000)
    with pytest.raises(ValueError):
        resample(np.zeros((2, 2, 2), dtype=np.int16), 8000, 16000)
    with pytest.raises(ValueError):
        resample(np.zeros(10, dtype=np.int16), 0, 16000)


def test_streaming_matches_one_shot_and_reports_its_delay() -> None:
    x = tone(1000.0, 1.0, sr=44100)
    rs = StreamResampler(44100, 16000)
    parts = []
    for i in range(0, len(x), 441):  # 10 ms device blocks
        parts.append(rs.process(x[i : i + 441]))
        assert 0.0 <= rs.pending_seconds < 0.05
    parts.append(rs.process(np.zeros(0, dtype=np.int16), last=True))
    y = np.concatenate(parts)
    assert len(y) == pytest.approx(16000, abs=2)
    assert peak_hz(y, 16000) == pytest.approx(1000.0, abs=2.0)
    one = resample(x, 44100, 16000)
    n = min(len(y), len(one))
    assert np.max(np.abs(y[200 : n - 200].astype(int) - one[200 : n - 200].astype(int))) <= 2
    rs.reset()
    assert rs.pending_seconds == 0.0


def test_streaming_passthrough_and_dtype_check() -> None:
    rs = StreamResampler(16000, 16000)
    x = tone(440.0, 0.02)
    assert rs.process(x) is x
    with pytest.raises(TypeError):
        rs.process(x.astype(np.float32))
