"""The frame classifier: webrtcvad behind a band-limited energy gate."""

from __future__ import annotations

import numpy as np
import pytest

from voice_interviewer.audio.config import VadConfig
from voice_interviewer.audio.vad import FrameClassifier, rms_dbfs

from .synth import hum, noise, silence, tone, vowel


def frames(pcm: np.ndarray, n: int = 320) -> list[np.ndarray]:
    return [pcm[i : i + n] for i in range(0, len(pcm) - n + 1, n)]


def voiced_fraction(clf: FrameClassifier, pcm: np.ndarray, n: int = 320) -> float:
    fs = frames(pcm, n)
    return sum(clf.is_speech(f) for f in fs) / len(fs)


@pytest.mark.parametrize("mode", [0, 1, 2, 3])
def test_voice_is_speech_in_every_mode(mode: int) -> None:
    clf = FrameClassifier(VadConfig(aggressiveness=mode))
    assert voiced_fraction(clf, vowel(1.0)) > 0.9


@pytest.mark.parametrize("ms", [10, 20, 30])
def test_frame_lengths(ms: int) -> None:
    clf = FrameClassifier()
    assert voiced_fraction(clf, vowel(1.0), n=16 * ms) > 0.9


def test_silence_and_quiet_noise_are_never_speech() -> None:
    clf = FrameClassifier()
    assert voiced_fraction(clf, silence(1.0)) == 0
    # webrtcvad alone flags ~10% of these frames; the energy gate flags none.
    assert voiced_fraction(clf, noise(5.0, rms_dbfs=-55.0)) == 0


def test_hum_is_not_speech() -> None:
    import webrtcvad

    clf = FrameClassifier()
    raw = webrtcvad.Vad(2)
    # A buzzing 50 Hz hum at -30 dBFS: webrtcvad calls every frame speech; the gate's band
    # starts above the mains fundamental, and the harmonics that reach it are under the floor.
    loud50 = hum(3.0, rms_dbfs=-30.0, mains=50.0)
    assert all(raw.is_speech(f.tobytes(), 16000) for f in frames(loud50))
    assert voiced_fraction(clf, loud50) == 0
    for mains in (50.0, 60.0):
        assert voiced_fraction(clf, hum(3.0, rms_dbfs=-45.0, mains=mains)) == 0


def test_energy_gate_is_what_keeps_noise_out() -> None:
    import webrtcvad

    x = noise(5.0, rms_dbfs=-58.0, seed=3)
    raw = webrtcvad.Vad(2)
    assert sum(raw.is_speech(f.tobytes(), 16000) for f in frames(x)) > 0
    assert voiced_fraction(FrameClassifier(), x) == 0
    assert voiced_fraction(FrameClassifier(VadConfig(energy_floor_dbfs=-90.0)), x) > 0


def test_band_level_of_a_tone() -> None:
    clf = FrameClassifier()
    x = tone(1000.0, 0.02, rms_dbfs=-20.0)
    assert clf.band_dbfs(x) == pytest.approx(-20.0, abs=0.3)
    assert rms_dbfs(x) == pytest.approx(-20.0, abs=0.1)
    assert clf.band_dbfs(tone(6000.0, 0.02, rms_dbfs=-20.0)) < -40.0


def test_bad_input_is_refused() -> None:
    clf = FrameClassifier()
    with pytest.raises(ValueError, match="10, 20 or 30 ms"):
        clf.is_speech(np.zeros(100, dtype=np.int16))
    with pytest.raises(TypeError):
        clf.is_speech(np.zeros(320, dtype=np.float32))
    with pytest.raises(ValueError):
        FrameClassifier(VadConfig(aggressiveness=4))
