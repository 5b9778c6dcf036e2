"""`voice-interviewer devices`, and what `interview` says when a device is missing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from voice_interviewer.cli import main


class NoDevices:
    """The parts of the sounddevice module the audio layer uses, on a machine with no devices."""

    PortAudioError = RuntimeError
    default = SimpleNamespace(device=(-1, -1))

    def query_hostapis(self) -> list[dict]:
        return [{"name": "ALSA"}]

    def query_devices(self) -> list[dict]:
        return []


def names_the_ways_out(message: str) -> None:
    assert "voice-interviewer devices" in message
    assert "replay" in message
    assert "--text" in message


def test_devices_lists_the_pulse_device(
    pulse_device: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["idx", "in", "out", "rate", "name", "(host", "API)"]
    rows = [line for line in out.splitlines()[1:] if line.rstrip().endswith(")")]
    pulse = [r for r in rows if " pulse (" in r]
    assert pulse, out
    idx, ins, outs = pulse[0][2:].split()[:3]
    assert int(ins) > 0 and int(outs) > 0  # one device both ways: the mic and the speaker


@pytest.mark.parametrize("flag,kind", [("--input-device", "input"), ("--output-device", "output")])
def test_a_missing_device_says_what_to_do(
    flag: str, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sounddevice")
    assert main(["interview", flag, "no-such-device-xyz"]) == 2  # before any model is loaded
    err = capsys.readouterr().err
    assert f"no {kind} device whose name contains 'no-such-device-xyz'" in err
    names_the_ways_out(err)


def test_no_devices_at_all(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from voice_interviewer.audio import devices

    monkeypatch.setattr(devices, "load_sounddevice", lambda: NoDevices())
    assert main(["interview"]) == 2
    err = capsys.readouterr().err
    assert "no audio input device found" in err
    names_the_ways_out(err)
    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("no audio devices found")
    names_the_ways_out(out)
