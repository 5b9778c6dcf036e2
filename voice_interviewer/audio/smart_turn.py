"""Smart Turn v3.2: the probability that the candidate's turn is complete, from its audio alone.

Pipecat's Smart Turn v3.2 is a Whisper-tiny encoder with a linear head (8 M parameters, int8
ONNX, 8.7 MB, BSD-2). The model file ships inside the ``pipecat-ai`` wheel; we install that
wheel with ``--no-deps`` as a model carrier (``scripts/setup.sh``), because pipecat-ai pulls
numba, resampy, openai, aiohttp, pydantic and more, none of which this file needs. Nothing is
fetched at run time.

The input matches pipecat's own inference code (``local_smart_turn_v3.py`` and
``_whisper_features.py`` in pipecat-ai 1.14.0) exactly: 16 kHz float audio in [-1, 1]; the last
8 s of the turn, zero-padded at the *start* when shorter; zero-mean unit-variance normalisation
of the whole 8 s window; Whisper's log-mel spectrogram (80 Slaney mel bins, 25 ms periodic Hann
window, 10 ms hop, centre reflect padding, last frame dropped, floored at max - 8, then
``(x + 4) / 4``), shape (1, 80, 800). The model's output is already a sigmoid probability.

One ONNX Runtime thread (pipecat's default too): about 50 ms a call on this 2-core CPU, which
leaves the other core to speech recognition.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import Any

import numpy as np

from voice_interviewer.audio.config import PIPELINE_RATE, SmartTurnConfig
from voice_interviewer.audio.errors import AudioBackendUnavailable

WINDOW_SECONDS = 8
"""The model sees the last 8 s of the turn."""
WINDOW_SAMPLES = WINDOW_SECONDS * PIPELINE_RATE
BUNDLED_MODEL = "pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx"
"""Where the model file lies inside the pipecat-ai distribution."""
CARRIER = "pipecat-ai"

_N_FFT = 400
_HOP = 160
_N_MELS = 80
_MEL_FLOOR = 1e-10
_NORM_EPS = 1e-7


def _hz_to_mel(freq: np.ndarray | float) -> np.ndarray:
    """Slaney's mel scale: linear below 1 kHz, logarithmic above."""
    freq = np.atleast_1d(np.asarray(freq, dtype=np.float64))
    mels = 3.0 * freq / 200.0
    log = freq >= 1000.0
    mels[log] = 15.0 + np.log(freq[log] / 1000.0) * (27.0 / np.log(6.4))
    return mels


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    mels = np.atleast_1d(np.asarray(mels, dtype=np.float64))
    freq = 200.0 * mels / 3.0
    log = mels >= 15.0
    freq[log] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mels[log] - 15.0))
    return freq


def _mel_filters() -> np.ndarray:
    """Slaney-normalised triangular filters, shape (n_fft/2 + 1, 80), as Whisper builds them."""
    n_bins = _N_FFT // 2 + 1
    edges = _mel_to_hz(
        np.linspace(_hz_to_mel(0.0)[0], _hz_to_mel(PIPELINE_RATE / 2)[0], _N_MELS + 2)
    )
    fft_freqs = np.linspace(0, PIPELINE_RATE // 2, n_bins)
    slopes = edges[None, :] - fft_freqs[:, None]
    widths = np.diff(edges)
    down = -slopes[:, :-2] / widths[:-1]
    up = slopes[:, 2:] / widths[1:]
    filters = np.maximum(0.0, np.minimum(down, up))
    return filters * (2.0 / (edges[2 : _N_MELS + 2] - edges[:_N_MELS]))[None, :]


_FILTERS = _mel_filters()
_WINDOW = np.hanning(_N_FFT + 1)[:-1]  # periodic Hann, as torch.hann_window


def last_window(pcm: np.ndarray) -> np.ndarray:
    """The last 8 s of int16 PCM as float32 in [-1, 1], zero-padded at the start."""
    x = pcm[-WINDOW_SAMPLES:].astype(np.float32) / 32768.0
    if len(x) < WINDOW_SAMPLES:
        x = np.concatenate([np.zeros(WINDOW_SAMPLES - len(x), dtype=np.float32), x])
    return x


def features(window: np.ndarray) -> np.ndarray:
    """Whisper log-mel features of one 8 s float window, shape (80, 800), float32."""
    if window.shape != (WINDOW_SAMPLES,):
        raise ValueError(f"expected {WINDOW_SAMPLES} samples, got {window.shape}")
    # Normalised in float32 before the spectrogram, as transformers' WhisperFeatureExtractor
    # (and pipecat's copy of it) does; the model was trained on exactly these numbers.
    x = (window - window.mean()) / np.sqrt(window.var() + _NORM_EPS)
    padded = np.pad(x.astype(np.float64), (_N_FFT // 2, _N_FFT // 2), mode="reflect")
    frames = np.lib.stride_tricks.sliding_window_view(padded, _N_FFT)[::_HOP]
    power = np.abs(np.fft.rfft(frames * _WINDOW, axis=-1)) ** 2  # (frames, bins)
    mel = np.log10(np.maximum(_MEL_FLOOR, power @ _FILTERS)).T[:, :-1]
    mel = np.maximum(mel, mel.max() - 8.0)
    return ((mel + 4.0) / 4.0).astype(np.float32)


def bundled_model_path() -> Path:
    """The Smart Turn v3.2 file inside the installed pipecat-ai wheel (not imported: its
    package ``__init__`` needs dependencies we do not install)."""
    try:
        dist = importlib.metadata.distribution(CARRIER)
    except importlib.metadata.PackageNotFoundError as err:
        raise AudioBackendUnavailable(
            "Smart Turn's model file comes from the pipecat-ai wheel, which is not installed:"
            f" run scripts/setup.sh, or `pip install --no-deps '{CARRIER}==1.14.0'`"
        ) from err
    path = Path(str(dist.locate_file(BUNDLED_MODEL)))
    if not path.is_file():
        raise AudioBackendUnavailable(
            f"{CARRIER} {dist.version} has no {BUNDLED_MODEL}; install the version"
            f" scripts/setup.sh names (`pip install --no-deps '{CARRIER}==1.14.0'`)"
        )
    return path


class SmartTurn:
    """Loads the model once; ``probability(pcm)`` says how likely the turn is complete."""

    def __init__(self, config: SmartTurnConfig | None = None) -> None:
        self.config = config or SmartTurnConfig()
        path = Path(self.config.model_path) if self.config.model_path else bundled_model_path()
        if not path.is_file():
            raise AudioBackendUnavailable(f"Smart Turn model file {path} not found")
        self.model_path = path
        self._session = _session(path, self.config.threads)
        self._input = self._session.get_inputs()[0].name

    def probability(self, pcm: np.ndarray, sample_rate: int = PIPELINE_RATE) -> float:
        """p(complete) for the turn's audio so far: mono int16 at 16 kHz, up to and including
        the pause after the last word (only the last 8 s are used)."""
        if pcm.dtype != np.int16 or pcm.ndim != 1:
            raise TypeError(f"expected mono int16 PCM, got {pcm.dtype} {pcm.shape}")
        if sample_rate != PIPELINE_RATE:
            raise ValueError(f"Smart Turn takes {PIPELINE_RATE} Hz audio, got {sample_rate} Hz")
        if len(pcm) == 0:
            raise ValueError("Smart Turn needs some audio, got none")
        feats = features(last_window(pcm))[None, :, :]
        out = self._session.run(None, {self._input: feats})
        return float(np.asarray(out[0]).reshape(-1)[0])

    def warm(self) -> None:
        """Run once on silence so the first real call does not pay ONNX Runtime's set-up."""
        self.probability(np.zeros(PIPELINE_RATE, dtype=np.int16))


def _session(path: Path, threads: int) -> Any:
    try:
        import onnxruntime as ort
    except ImportError as err:
        raise AudioBackendUnavailable(
            "onnxruntime is not installed; install the voice extra:"
            " `pip install 'voice-interviewer[voice]'`"
        ) from err
    options = ort.SessionOptions()
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
