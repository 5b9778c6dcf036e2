"""Microphone and speakers through sounddevice (PortAudio); the speakers live in
``sounddevice_sink`` and are re-exported here.

The PortAudio callbacks only copy: the input callback ``put_nowait``s a copy of the block on a
bounded queue (a full queue drops the block and counts an overrun), the output callback
``get_nowait``s one prepared block (an empty queue plays silence and, mid-write, counts an
underrun). Resampling, mixing down, framing and timestamp arithmetic run in the reader's or
writer's thread, never in the callback.
"""

from __future__ import annotations

import math
import queue
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from voice_interviewer.audio.base import Framer, frame_samples, to_int16
from voice_interviewer.audio.config import PIPELINE_RATE, DeviceConfig
from voice_interviewer.audio.devices import (
    DeviceInfo,
    choose_rate,
    find_device,
    load_sounddevice,
    open_failed,
)
from voice_interviewer.audio.errors import AudioDeviceLost
from voice_interviewer.audio.resample import StreamResampler
from voice_interviewer.messages import AudioFrame


@dataclass(frozen=True)
class _InBlock:
    pcm: np.ndarray
    t: float


class SoundDeviceSource:
    """16 kHz mono int16 frames from a PortAudio input device.

    Frames are stamped on ``clock`` with the time their first sample was captured (the callback
    time minus the block length, minus the resampler's delay). ``read`` raises
    ``AudioDeviceLost`` when the stream dies or stalls for ``stall_timeout_s``.
    """

    def __init__(
        self,
        config: DeviceConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sd: Any = None,
    ) -> None:
        self.config = config or DeviceConfig()
        self._clock = clock
        self._sd = sd
        self._frame_len = frame_samples(self.config.block_ms)
        self._queue: queue.Queue[_InBlock] = queue.Queue()
        self._ready: deque[AudioFrame] = deque()
        self._stream: Any = None
        self._overruns = 0
        self._finished = False
        self._stopping = False
        self._last_block = 0.0
        self._got_block = False
        self.device: DeviceInfo | None = None
        """The device opened by ``start``."""
        self.device_rate = PIPELINE_RATE
        """The rate the device was opened at."""

    @property
    def sample_rate(self) -> int:
        """Always 16 kHz (the device's own rate is in ``device_rate``)."""
        return PIPELINE_RATE

    @property
    def overruns(self) -> int:
        """Blocks dropped because ``read`` fell behind, plus overflows PortAudio reported."""
        return self._overruns

    @property
    def ended(self) -> bool:
        """A microphone never ends on its own; a lost one raises from ``read`` instead."""
        return False

    def start(self) -> None:
        """Open and start the input stream (16 kHz if the device takes it, else resampled)."""
        if self._stream is not None:
            return
        sd = self._sd = self._sd or load_sounddevice()
        cfg = self.config
        dev = self.device = find_device(cfg.device, "input", sd)
        rate = self.device_rate = choose_rate(dev, "input", cfg.sample_rate, cfg.channels, sd)
        block = max(1, round(rate * cfg.block_ms / 1000))
        self._queue = queue.Queue(maxsize=max(2, math.ceil(cfg.queue_seconds * rate / block)))
        self._resampler = StreamResampler(rate, PIPELINE_RATE)
        self._framer = Framer(self._frame_len)
        self._ready.clear()
        self._finished = self._stopping = False
        try:
            stream = sd.InputStream(
                device=dev.index,
                samplerate=rate,
                channels=cfg.channels,
                dtype="int16",
                blocksize=block,
                latency=cfg.latency,
                callback=self._callback,
                finished_callback=self._on_finished,
            )
            stream.start()
        except sd.PortAudioError as err:
            raise open_failed("input", dev, err) from err
        self._stream = stream
        self._last_block = time.monotonic()
        self._got_block = False

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        # PortAudio thread: copy and enqueue, nothing else (see the module docstring).
        if status.input_overflow:
            self._overruns += 1
        try:
            self._queue.put_nowait(
                _InBlock(indata.copy(), self._clock() - frames / self.device_rate)
            )
        except queue.Full:
            self._overruns += 1

    def _on_finished(self) -> None:
        self._finished = True

    def read(self, timeout: float | None = None) -> AudioFrame | None:
        """The next 16 kHz frame, or None if none arrived within ``timeout`` seconds."""
        if self._stream is None:
            raise RuntimeError("call start() before read()")
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._ready:
            # Wake up at least every stall period so a dead stream is noticed even when the
            # caller waits forever.
            wait = min(self.config.stall_timeout_s, self.config.start_timeout_s)
            if deadline is not None:
                wait = min(wait, max(0.0, deadline - time.monotonic()))
            try:
                block = self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait()
            except queue.Empty:
                self._check_alive()
                if deadline is not None and time.monotonic() >= deadline:
                    return None
                continue
            self._last_block = time.monotonic()
            self._got_block = True
            self._take(block)
        return self._ready.popleft()

    def _take(self, block: _InBlock) -> None:
        mono = to_int16(block.pcm)
        out = self._resampler.process(mono)
        if not len(out):
            return
        # The last output sample stands for input time block_end - filter delay.
        block_end = block.t + len(mono) / self.device_rate
        t_out = block_end - self._resampler.pending_seconds - len(out) / PIPELINE_RATE
        self._ready.extend(self._framer.push(out, t_out))

    def _check_alive(self) -> None:
        if self._stopping:
            return
        dev = self.device.name if self.device else "?"
        if self._finished or (self._stream is not None and not self._stream.active):
            raise AudioDeviceLost(f"input device {dev} stopped delivering audio (unplugged?)")
        silent_for = time.monotonic() - self._last_block
        cfg = self.config
        limit = cfg.stall_timeout_s if self._got_block else cfg.start_timeout_s
        if silent_for > limit:
            raise AudioDeviceLost(
                f"input device {dev} delivered nothing for {silent_for:.1f} s (unplugged, or the"
                " sound server went away)"
            )

    def stop(self) -> None:
        """Stop and close the stream; drop anything not yet read."""
        self._stopping = True
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except self._sd.PortAudioError:
                pass  # Stopping a stream whose device is already gone: nothing left to release.
        while not self._queue.empty():
            self._queue.get_nowait()
        self._ready.clear()


# Re-exported so the live pair is importable from one place.
from voice_interviewer.audio.sounddevice_sink import SoundDeviceSink  # noqa: E402

__all__ = ["SoundDeviceSink", "SoundDeviceSource"]
