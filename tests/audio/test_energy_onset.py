"""The early barge-in cue: a rise in level, not a steady noise, not a click."""

from __future__ import annotations

import numpy as np
import pytest

from voice_interviewer.audio.energy_onset import EarlyHoldConfig, EnergyOnset
from voice_interviewer.messages import AudioFrame

FRAME = 320  # 20 ms at 16 kHz


def tone(dbfs: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(FRAME)
    noise *= 10 ** (dbfs / 20) / np.sqrt(np.mean(noise**2))
    return (noise * 32768).astype(np.int16)


def frames(levels: list[float]) -> list[AudioFrame]:
    return [
        AudioFrame(tone(level, i) if level > -200 else np.zeros(FRAME, np.int16), 16000, i * 0.02)
        for i, level in enumerate(levels)
    ]


def onsets(levels: list[float], config: EarlyHoldConfig | None = None) -> list[int]:
    detector = EnergyOnset(config or EarlyHoldConfig())
    return [i for i, f in enumerate(frames(levels)) if detector.push(f)]


def test_a_rise_from_a_quiet_room_is_an_onset_on_the_second_loud_frame() -> None:
    assert onsets([-60.0] * 20 + [-25.0] * 10) == [21]


def test_digital_silence_then_speech_is_an_onset() -> None:
    assert onsets([-300.0] * 10 + [-30.0] * 5) == [11]


def test_a_click_of_one_frame_is_not() -> None:
    assert onsets([-60.0] * 20 + [-20.0] + [-60.0] * 20) == []


def test_quiet_sounds_and_a_steady_loud_room_are_not() -> None:
    assert onsets([-60.0] * 20 + [-45.0] * 20) == []  # breathing: below min_dbfs
    # A fan that starts holds once at most, then is the room: later frames are no onset.
    levels = [-60.0] * 10 + [-30.0] * 300
    found = onsets(levels)
    assert len(found) <= 1
    assert onsets([-30.0] * 300 + [-29.0] * 20) == []  # speech-loud but steady: the room


def test_after_an_unconfirmed_rise_rises_are_ignored_for_the_cooldown() -> None:
    config = EarlyHoldConfig(cooldown_ms=1000.0)
    detector = EnergyOnset(config)
    clip = frames(
        [-60.0] * 20 + [-25.0] * 3 + [-60.0] * 10 + [-25.0] * 3 + [-60.0] * 60 + [-25.0] * 3
    )
    hits = []
    for f in clip:
        if detector.push(f):
            hits.append(round(f.t, 2))
            detector.unconfirmed(f.t)
    # The second rise comes 0.26 s after the first (within the cooldown); the third after it.
    assert hits == [0.42, 1.94]


def test_switched_off_it_never_fires_and_bad_settings_are_refused() -> None:
    assert onsets([-60.0] * 20 + [-25.0] * 10, EarlyHoldConfig(enabled=False)) == []
    with pytest.raises(ValueError):
        EarlyHoldConfig(frames=0)
    with pytest.raises(ValueError):
        EarlyHoldConfig(confirm_ms=0)


def test_a_word_that_starts_with_a_plosive_is_an_onset_at_its_vowel() -> None:
    # flite's "Quick": the burst of the k (one frame), 40 ms of closure, then the vowel.
    assert onsets([-60.0] * 20 + [-43.0, -51.0, -53.0, -31.0, -19.0, -16.0]) == [23]
