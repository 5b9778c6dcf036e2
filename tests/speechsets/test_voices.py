"""The candidate voices: real engines, deterministic, with pauses where the text asks."""

from __future__ import annotations

import numpy as np
import pytest

from voice_interviewer.speechsets.voices import (
    SAMPLE_RATE,
    VOICES,
    SpeechCache,
    available_voices,
    synthesize,
    voice,
)


def _voiced_seconds(pcm: np.ndarray) -> float:
    frames = pcm[: len(pcm) // 320 * 320].reshape(-1, 320).astype(np.float64)
    loud = np.sqrt((frames**2).mean(axis=1)) > 300
    return float(loud.sum()) * 0.02


def test_every_listed_voice_is_installed_here():
    # scripts/setup.sh installs flite and espeak-ng; a missing engine is a set-up defect.
    assert [v.name for v in available_voices()] == [v.name for v in VOICES]


@pytest.mark.parametrize("name", [v.name for v in VOICES])
def test_each_voice_speaks_a_sentence(name):
    pcm = synthesize("The feature store serves online features from Redis.", voice(name))
    assert pcm.dtype == np.int16
    seconds = len(pcm) / SAMPLE_RATE
    assert 1.5 < seconds < 6.0
    assert _voiced_seconds(pcm) > 1.0


def test_pause_marks_insert_silence_and_synthesis_is_deterministic():
    slt = voice("flite-slt")
    plain = synthesize("First part. Second part.", slt)
    paused = synthesize("First part. [pause 1.5] Second part.", slt)
    assert len(paused) - len(plain) > 1.2 * SAMPLE_RATE
    assert np.array_equal(synthesize("First part.", slt), synthesize("First part.", slt))


def test_cache_returns_the_same_samples(tmp_path):
    cache = SpeechCache(tmp_path)
    first = cache.get("Canary at one percent.", voice("espeak-us"))
    assert list(tmp_path.iterdir())
    assert np.array_equal(cache.get("Canary at one percent.", voice("espeak-us")), first)


def test_unknown_voice_names_the_choices():
    with pytest.raises(KeyError, match="flite-slt"):
        voice("nobody")
