"""Piper synthesis with the bundled voice (real model)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from voice_interviewer.tts import LoudnessConfig, SynthesizerConfig, VoiceNotAvailableError
from voice_interviewer.tts.loudness import voiced_rms

from .helpers import rms_dbfs


def test_speech_is_audible_at_the_voice_rate(synthesizer):
    config = json.loads(synthesizer.voice_config_path.read_text())
    chunks = list(synthesizer.synthesize("Let's start with the problem statement."))
    assert chunks
    for chunk in chunks:
        assert chunk.sample_rate == synthesizer.sample_rate == config["audio"]["sample_rate"]
        assert chunk.pcm.dtype == np.int16 and chunk.pcm.ndim == 1
    pcm = np.concatenate([c.pcm for c in chunks])
    assert 1.0 < pcm.size / synthesizer.sample_rate < 5.0
    assert rms_dbfs(pcm) > -35.0


def test_one_chunk_per_sentence_streamed_with_its_own_text(synthesizer):
    text = "Good. How would you keep features consistent? Walk me through the **serving** path!"
    chunks = list(synthesizer.synthesize(text, is_last=True, generation=4))
    assert [c.text for c in chunks] == [
        "Good.",
        "How would you keep features consistent?",
        "Walk me through the **serving** path!",
    ]
    assert [c.is_last for c in chunks] == [False, False, True]
    assert {c.generation for c in chunks} == {4}
    assert all(c.meta["synth_seconds"] > 0 and c.meta["audio_seconds"] > 0 for c in chunks)


def test_clauses_come_out_at_an_even_loudness(synthesizer):
    text = (
        "That's a good start. How would you keep the features consistent between training "
        "and serving? Walk me through it, please!"
    )
    cfg = LoudnessConfig()
    levels = [
        20 * np.log10(voiced_rms(c.pcm / 32768.0, c.sample_rate, cfg))
        for c in synthesizer.synthesize(text)
    ]
    print("voiced RMS per chunk (dBFS):", [round(x, 1) for x in levels])
    assert max(levels) - min(levels) < 3.0
    assert all(abs(x - cfg.target_rms_dbfs) < 3.0 for x in levels)


def test_nothing_to_say_still_ends_the_reply(synthesizer):
    assert list(synthesizer.synthesize("**")) == []
    (end,) = synthesizer.synthesize("  ", is_last=True, generation=2)
    assert end.is_last and end.pcm.size == 0 and end.generation == 2


def test_speed_and_volume_are_configurable(synthesizer):
    from voice_interviewer.tts import Synthesizer

    text = "We would retrain the model every night."
    normal = np.concatenate([c.pcm for c in synthesizer.synthesize(text)])
    slow_quiet = Synthesizer(SynthesizerConfig(length_scale=1.5, volume=0.5))
    slow = np.concatenate([c.pcm for c in slow_quiet.synthesize(text)])
    assert slow.size > 1.2 * normal.size  # pauses do not stretch, so not the full 1.5
    assert rms_dbfs(slow) < rms_dbfs(normal) - 4.0


def test_missing_voice_file_is_a_clear_error(tmp_path):
    from voice_interviewer.tts import Synthesizer

    with pytest.raises(VoiceNotAvailableError, match="not found"):
        Synthesizer(SynthesizerConfig(voice=str(tmp_path / "nobody.onnx")))
