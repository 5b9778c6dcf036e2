"""Speakers through sounddevice (PortAudio): the output half of ``sounddevice_io``.

The output callback ``get_nowait``s one prepared block and copies it out; an empty queue plays
silence (and, in the middle of a write, counts an underrun). Resampling and cutting into
device-sized blocks happen in ``write``, in the player's thread.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from voice_interviewer.audio.base import to_int16
from voice_interviewer.audio.config import DeviceConfig
from voice_interviewer.audio.devices import (
    DeviceInfo,
    choose_rate,
    find_device,
    load_sounddevice,
    open_failed,
)
from voice_interviewer.audio.errors import AudioDeviceLost
from voice_interviewer.audio.resample import resample


@dataclass(frozen=True)
class _OutBlock:
    pcm: np.ndarray
    src_samples: int
    last: bool


class SoundDeviceSink:
    """Plays mono PCM on a PortAudio output device, resampled to the device's rate.

    ``write`` resamples and cuts the audio into device-sized blocks that the callback plays one
    per call; ``flush`` empties the queue under a lock shared only with ``write``, so the count
    it returns is exact and a reply stops within one block (``block_ms``).
    """

    def __init__(self, config: DeviceConfig | None = None, *, sd: Any = None) -> None:
        self.config = config or DeviceConfig()
        self._sd = sd
        self._stream: Any = None
        self._queue: queue.Queue[_OutBlock] = queue.Queue()
        self._lock = threading.Lock()
        self._epoch = 0
        self._played = 0
        self._underruns = 0
        self._mid_write = False
        self._finished = False
        self._stopping = False
        self._block = 0
        self.device: DeviceInfo | None = None
        """The device opened by ``start``."""
        self.device_rate = 0
        """The rate the device was opened at."""

    @property
    def samples_played(self) -> int:
        """Written samples handed to the device (see ``AudioSink.samples_played``)."""
        return self._played

    @property
    def underruns(self) -> int:
        """Blocks the device needed mid-write that were not ready, plus PortAudio underflows."""
        return self._underruns

    def start(self) -> None:
        """Open and start the output stream (it plays silence until something is written)."""
        if self._stream is not None:
            return
        sd = self._sd = self._sd or load_sounddevice()
        cfg = self.config
        dev = self.device = find_device(cfg.device, "output", sd)
        rate = self.device_rate = choose_rate(dev, "output", cfg.sample_rate, cfg.channels, sd)
        self._block = max(1, round(rate * cfg.block_ms / 1000))
        self._queue = queue.Queue(
            maxsize=max(2, math.ceil(cfg.buffer_seconds * rate / self._block))
        )
        self._finished = self._stopping = False
        try:
            stream = sd.OutputStream(
                device=dev.index,
                samplerate=rate,
                channels=cfg.channels,
                dtype="int16",
                blocksize=self._block,
                latency=cfg.latency,
                callback=self._callback,
                finished_callback=self._on_finished,
            )
            stream.start()
        except sd.PortAudioError as err:
            raise open_failed("output", dev, err) from err
        self._stream = stream

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        # PortAudio thread: take one prepared block and copy it out, nothing else.
        if status.output_underflow:
            self._underruns += 1
        try:
            blk = self._queue.get_nowait()
        except queue.Empty:
            outdata.fill(0)
            if self._mid_write:
                self._underruns += 1
                self._mid_write = False
            return
        n = min(frames, len(blk.pcm))
        outdata[:n] = blk.pcm[:n, None]
        outdata[n:] = 0
        self._played += blk.src_samples
        self._mid_write = not blk.last

    def _on_finished(self) -> None:
        self._finished = True

    def write(self, pcm: np.ndarray, sample_rate: int) -> None:
        """Queue ``pcm`` behind what is playing; waits only while the buffer is full."""
        if self._stream is None:
            raise RuntimeError("call start() before write()")
        x = to_int16(np.asarray(pcm))
        if not len(x):
            return
        y = resample(x, sample_rate, self.device_rate)
        n, b = len(y), self._block
        count = math.ceil(n / b)
        blocks = []
        done_src = 0
        for k in range(count):
            piece = y[k * b : (k + 1) * b]
            if len(piece) < b:
                piece = np.concatenate([piece, np.zeros(b - len(piece), dtype=np.int16)])
            # Attribute written samples to blocks in proportion, so they sum to exactly len(x).
            src_end = round(len(x) * min((k + 1) * b, n) / n)
            blocks.append(_OutBlock(piece, src_end - done_src, k == count - 1))
            done_src = src_end
        with self._lock:
            epoch = self._epoch
        for blk in blocks:
            while True:
                with self._lock:
                    if self._epoch != epoch or self._stopping:
                        return  # flushed while we waited: the rest of this write is dropped
                    try:
                        self._queue.put_nowait(blk)
                        break
                    except queue.Full:
                        pass
                self._check_alive()
                time.sleep(self._block / self.device_rate / 2)

    def flush(self) -> int:
        """Drop everything queued (playback stops within one block); return samples dropped."""
        dropped = 0
        with self._lock:
            self._epoch += 1
            while True:
                try:
                    dropped += self._queue.get_nowait().src_samples
                except queue.Empty:
                    break
            self._mid_write = False
        return dropped

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until the queue has been handed to the device; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._queue.empty():
            self._check_alive()
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def _check_alive(self) -> None:
        if self._stopping or self._stream is None:
            return
        if self._finished or not self._stream.active:
            dev = self.device.name if self.device else "?"
            raise AudioDeviceLost(f"output device {dev} stopped taking audio (unplugged?)")

    def stop(self) -> None:
        """Drop queued audio, stop and close the stream."""
        self._stopping = True
        self.flush()
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except self._sd.PortAudioError:
                pass  # The device is already gone; nothing left to release.
