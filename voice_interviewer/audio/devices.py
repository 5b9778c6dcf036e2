"""Finding audio devices through sounddevice (PortAudio), imported only when a device is needed.

Text mode, replays and tests never import sounddevice, so a machine without PortAudio still
runs them; the live path gets an error that names the package to install.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

from voice_interviewer.audio.config import PIPELINE_RATE
from voice_interviewer.audio.errors import (
    ALTERNATIVES,
    AudioBackendUnavailable,
    NoAudioDeviceError,
    UnsupportedSampleRateError,
)

Kind = Literal["input", "output"]


def load_sounddevice() -> ModuleType:
    """Import sounddevice, or raise ``AudioBackendUnavailable`` saying how to get it."""
    try:
        import sounddevice  # type: ignore[import-untyped]
    except ImportError as err:
        raise AudioBackendUnavailable(
            "sounddevice is not installed: `pip install 'voice-interviewer[voice]'`; or run"
            " without a microphone: `voice-interviewer replay` or `--text`"
        ) from err
    except OSError as err:
        # sounddevice raises OSError at import when the PortAudio shared library is missing.
        raise AudioBackendUnavailable(
            f"PortAudio is missing ({err}): on Debian/Ubuntu `sudo apt-get install"
            " libportaudio2`, on macOS `brew install portaudio`; or run without a microphone:"
            " `voice-interviewer replay` or `--text`"
        ) from err
    return sounddevice


@dataclass(frozen=True)
class DeviceInfo:
    """One PortAudio device as `voice-interviewer devices` shows it."""

    index: int
    name: str
    hostapi: str
    input_channels: int
    output_channels: int
    default_samplerate: float
    is_default_input: bool = False
    is_default_output: bool = False

    def channels(self, kind: Kind) -> int:
        """Channels this device offers for ``kind``."""
        return self.input_channels if kind == "input" else self.output_channels


def _defaults(sd: Any) -> tuple[int, int]:
    dev = sd.default.device
    pair = (dev, dev) if isinstance(dev, int) else tuple(dev)
    return tuple(int(d) if d is not None else -1 for d in pair)  # type: ignore[return-value]


def list_devices(sd: Any = None) -> list[DeviceInfo]:
    """Every device PortAudio reports, with its host API and whether it is a default."""
    sd = sd or load_sounddevice()
    apis = [a["name"] for a in sd.query_hostapis()]
    d_in, d_out = _defaults(sd)
    out = []
    for i, d in enumerate(sd.query_devices()):
        out.append(
            DeviceInfo(
                index=int(d.get("index", i)),
                name=str(d["name"]),
                hostapi=apis[d["hostapi"]] if 0 <= d["hostapi"] < len(apis) else "?",
                input_channels=int(d["max_input_channels"]),
                output_channels=int(d["max_output_channels"]),
                default_samplerate=float(d["default_samplerate"]),
                is_default_input=int(d.get("index", i)) == d_in,
                is_default_output=int(d.get("index", i)) == d_out,
            )
        )
    return out


def format_devices(devices: list[DeviceInfo]) -> str:
    """A table for `voice-interviewer devices` (``>`` marks the default input, ``<`` output)."""
    if not devices:
        return "no audio devices found (" + ALTERNATIVES + ")"
    lines = ["    idx  in out  rate   name (host API)"]
    for d in devices:
        mark = (">" if d.is_default_input else " ") + ("<" if d.is_default_output else " ")
        lines.append(
            f"{mark} {d.index:4d} {d.input_channels:3d} {d.output_channels:3d}"
            f" {d.default_samplerate:6.0f}  {d.name} ({d.hostapi})"
        )
    return "\n".join(lines)


def find_device(spec: str | int | None, kind: Kind, sd: Any = None) -> DeviceInfo:
    """The device for ``kind`` named by index, by name substring, or the default (None)."""
    sd = sd or load_sounddevice()
    devices = list_devices(sd)
    usable = [d for d in devices if d.channels(kind) > 0]
    if not usable:
        raise NoAudioDeviceError(f"no audio {kind} device found; {ALTERNATIVES}")
    if spec is None:
        default = next((d for d in usable if getattr(d, f"is_default_{kind}")), None)
        # Some hosts report no default (-1); the first usable device is the best guess then.
        return default or usable[0]
    if isinstance(spec, int) or (isinstance(spec, str) and spec.strip().isdigit()):
        idx = int(spec)
        for d in usable:
            if d.index == idx:
                return d
        raise NoAudioDeviceError(f"no {kind} device with index {idx}; {ALTERNATIVES}")
    wanted = spec.lower()
    exact = [d for d in usable if d.name.lower() == wanted]
    if exact:
        return exact[0]
    matches = [d for d in usable if wanted in d.name.lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NoAudioDeviceError(f"no {kind} device whose name contains {spec!r}; {ALTERNATIVES}")
    names = ", ".join(f"{d.index}: {d.name}" for d in matches)
    raise NoAudioDeviceError(
        f"{spec!r} matches several {kind} devices ({names}); give more of the name or the index"
    )


def choose_rate(
    device: DeviceInfo, kind: Kind, requested: int | None, channels: int, sd: Any = None
) -> int:
    """The rate to open ``device`` at: ``requested``, else 16 kHz, else the device default.

    Input prefers 16 kHz (no resampling at all); output prefers the device's own rate.
    """
    sd = sd or load_sounddevice()
    check = sd.check_input_settings if kind == "input" else sd.check_output_settings
    default = int(device.default_samplerate)
    if requested is not None:
        candidates = [requested]
    elif kind == "input":
        candidates = [PIPELINE_RATE, default]
    else:
        candidates = [default, 48_000, 44_100]
    tried = []
    for rate in dict.fromkeys(candidates):
        try:
            check(device=device.index, samplerate=rate, channels=channels, dtype="int16")
        except sd.PortAudioError as err:
            tried.append(f"{rate} Hz ({err})")
            continue
        return rate
    raise UnsupportedSampleRateError(
        f"{kind} device {device.index} ({device.name}) refuses {', '.join(tried)} with"
        f" {channels} channel(s); set another rate or channel count in the config, pick another"
        f" device, or {ALTERNATIVES}"
    )


def open_failed(kind: str, dev: DeviceInfo, err: BaseException) -> NoAudioDeviceError:
    """The error for a stream PortAudio would not open, with what to try instead."""
    return NoAudioDeviceError(
        f"cannot open {kind} device {dev.index} ({dev.name}): {err}. Run `voice-interviewer"
        " devices` and pick another with --input/--output, or use `replay` or `--text`"
    )
