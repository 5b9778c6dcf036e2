"""Sample-rate conversion with soxr: one-shot for whole buffers, streaming for live devices."""

from __future__ import annotations

from typing import Any

import numpy as np

from voice_interviewer.audio.errors import AudioBackendUnavailable

_DTYPES = (np.int16, np.float32, np.float64)


def _soxr() -> Any:
    # Imported on first use so the audio package (and text mode) loads without the voice extra.
    try:
        import soxr  # type: ignore[import-untyped]
    except ImportError as err:
        raise AudioBackendUnavailable(
            "soxr is not installed: `pip install 'voice-interviewer[voice]'`"
        ) from err
    return soxr


def _check_dtype(x: np.ndarray) -> None:
    if x.dtype not in _DTYPES:
        raise TypeError(f"resample takes int16, float32 or float64 PCM, got {x.dtype}")


def resample(pcm: np.ndarray, from_rate: int, to_rate: int, quality: str = "HQ") -> np.ndarray:
    """``pcm`` converted from ``from_rate`` to ``to_rate``, keeping its dtype and layout.

    1-D input gives 1-D output; 2-D ``(frames, channels)`` gives 2-D. int16 stays int16 (soxr
    clips rather than wraps). Equal rates return the input itself, not a copy.
    """
    x = np.asarray(pcm)
    _check_dtype(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"expected (frames,) or (frames, channels) PCM, got shape {x.shape}")
    if from_rate <= 0 or to_rate <= 0:
        raise ValueError(f"sample rates must be positive, got {from_rate} -> {to_rate}")
    if from_rate == to_rate:
        return x
    if len(x) == 0:
        return np.zeros((0,) + x.shape[1:], dtype=x.dtype)
    return _soxr().resample(np.ascontiguousarray(x), from_rate, to_rate, quality=quality)


class StreamResampler:
    """Resamples a live stream chunk by chunk, without clicks at the chunk edges.

    Runs in the reader's thread (never in the PortAudio callback, though it would be cheap
    enough). ``pending_seconds`` is the audio still inside the filter, which the sources
    subtract when they timestamp what comes out.
    """

    def __init__(
        self,
        from_rate: int,
        to_rate: int,
        channels: int = 1,
        dtype: type = np.int16,
        quality: str = "HQ",
    ) -> None:
        self.from_rate = from_rate
        self.to_rate = to_rate
        self.channels = channels
        self.dtype = np.dtype(dtype)
        self.quality = quality
        self._in = 0
        self._out = 0
        self._stream: Any = None
        if from_rate != to_rate:
            self._stream = _soxr().ResampleStream(
                from_rate, to_rate, channels, dtype=self.dtype.name, quality=quality
            )

    def process(self, pcm: np.ndarray, last: bool = False) -> np.ndarray:
        """Feed one chunk (same layout and dtype every time); return what is ready so far.

        ``last=True`` drains the filter at the end of the stream.
        """
        x = np.asarray(pcm)
        if x.dtype != self.dtype:
            raise TypeError(f"this resampler was built for {self.dtype}, got {x.dtype}")
        self._in += len(x)
        if self._stream is None:
            self._out += len(x)
            return x
        y = self._stream.resample_chunk(np.ascontiguousarray(x), last=last)
        self._out += len(y)
        return y

    @property
    def pending_seconds(self) -> float:
        """Input time fed in but not yet out (the filter's delay), in seconds."""
        return max(0.0, self._in / self.from_rate - self._out / self.to_rate)

    def reset(self) -> None:
        """Forget the filter state and counters (after a flush or a device restart)."""
        self._in = self._out = 0
        if self._stream is not None:
            self._stream.clear()
