"""A stand-in for the sounddevice module: scripted devices and streams whose callbacks the test
calls by hand, so the PortAudio-facing code is tested without PortAudio."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np


class FakePortAudioError(Exception):
    """Plays sounddevice.PortAudioError."""


@dataclass
class Flags:
    """Plays sounddevice.CallbackFlags."""

    input_overflow: bool = False
    output_underflow: bool = False


class FakeStream:
    """Records its arguments; ``active`` until stopped or ``die()``."""

    def __init__(self, sd: FakeSounddevice, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.active = False
        self.closed = False
        sd.streams.append(self)

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        self.closed = True

    def die(self) -> None:
        """The device went away: PortAudio stops the stream and calls finished_callback."""
        self.active = False
        self.kwargs["finished_callback"]()

    def feed(self, pcm: np.ndarray, flags: Flags | None = None) -> None:
        """Deliver one input block (frames,) or (frames, channels) to the callback."""
        block = pcm.reshape(len(pcm), -1)
        self.kwargs["callback"](block, len(block), None, flags or Flags())

    def pull(self, frames: int, flags: Flags | None = None) -> np.ndarray:
        """Ask the output callback for one block."""
        out = np.full((frames, self.kwargs["channels"]), 12345, dtype=np.int16)
        self.kwargs["callback"](out, frames, None, flags or Flags())
        return out


@dataclass
class FakeSounddevice:
    """The parts of the sounddevice module the audio layer uses."""

    devices: list[dict] = field(default_factory=list)
    default_device: tuple[int, int] = (0, 1)
    refused_rates: tuple[int, ...] = ()
    streams: list[FakeStream] = field(default_factory=list)
    PortAudioError: type = FakePortAudioError

    def __post_init__(self) -> None:
        self.default = SimpleNamespace(device=self.default_device)

    def query_hostapis(self) -> list[dict]:
        return [{"name": "ALSA"}]

    def query_devices(self) -> list[dict]:
        return self.devices

    def _check(self, samplerate: float, **_: Any) -> None:
        if samplerate in self.refused_rates:
            raise FakePortAudioError(f"Invalid sample rate {samplerate}")

    def check_input_settings(self, **kw: Any) -> None:
        self._check(**kw)

    def check_output_settings(self, **kw: Any) -> None:
        self._check(**kw)

    def InputStream(self, **kw: Any) -> FakeStream:  # noqa: N802 - sounddevice's name
        return FakeStream(self, **kw)

    def OutputStream(self, **kw: Any) -> FakeStream:  # noqa: N802 - sounddevice's name
        return FakeStream(self, **kw)


def device(name: str, ins: int, outs: int, rate: float = 48000.0) -> dict:
    """One entry as sounddevice.query_devices() gives it."""
    return {
        "name": name,
        "hostapi": 0,
        "max_input_channels": ins,
        "max_output_channels": outs,
        "default_samplerate": rate,
    }


def laptop(**kw: Any) -> FakeSounddevice:
    """A built-in mic (0), built-in speakers (1) and a USB headset (2), all at 48 kHz."""
    devs = [
        device("HDA Intel PCH: ALC257 Analog (hw:0,0) mic", 2, 0),
        device("HDA Intel PCH: ALC257 Analog (hw:0,0) speakers", 0, 2),
        device("Jabra Evolve2 USB headset", 1, 2),
    ]
    return FakeSounddevice(devices=devs, **kw)
