"""Device choice and the PortAudio callbacks, against a fake sounddevice module."""

from __future__ import annotations

import builtins
import sys
import time

import numpy as np
import pytest

from voice_interviewer.audio.config import DeviceConfig
from voice_interviewer.audio.devices import (
    choose_rate,
    find_device,
    format_devices,
    list_devices,
    load_sounddevice,
)
from voice_interviewer.audio.errors import (
    AudioBackendUnavailable,
    AudioDeviceLost,
    NoAudioDeviceError,
    UnsupportedSampleRateError,
)
from voice_interviewer.audio.sounddevice_io import SoundDeviceSink, SoundDeviceSource

from .fake_sounddevice import FakeSounddevice, Flags, laptop
from .synth import peak_hz, tone


def test_list_and_format_devices() -> None:
    devs = list_devices(laptop())
    assert [d.index for d in devs] == [0, 1, 2]
    assert devs[0].is_default_input and devs[1].is_default_output
    table = format_devices(devs)
    assert "Jabra" in table and table.splitlines()[1].startswith(">")
    assert "voice-interviewer devices" in format_devices([])


def test_find_device_by_default_index_and_name() -> None:
    sd = laptop()
    assert find_device(None, "input", sd).index == 0
    assert find_device(None, "output", sd).index == 1
    assert find_device(2, "input", sd).index == 2
    assert find_device("2", "output", sd).index == 2
    assert find_device("jabra", "input", sd).index == 2
    assert find_device("HDA intel", "output", sd).index == 1  # the mic has no output
    with pytest.raises(NoAudioDeviceError, match="several"):
        find_device("a", "output", sd)  # the speakers and the headset both match
    with pytest.raises(NoAudioDeviceError, match="index 1"):
        find_device(1, "input", sd)  # speakers have no input
    with pytest.raises(NoAudioDeviceError, match="contains 'zoom'"):
        find_device("zoom", "input", sd)


def test_no_devices_at_all_suggests_alternatives() -> None:
    with pytest.raises(NoAudioDeviceError) as err:
        find_device(None, "input", FakeSounddevice())
    msg = str(err.value)
    assert "voice-interviewer devices" in msg and "replay" in msg and "--text" in msg


def test_no_default_falls_back_to_first_usable() -> None:
    assert find_device(None, "input", laptop(default_device=(-1, -1))).index == 0


def test_choose_rate() -> None:
    sd = laptop()
    mic = find_device(None, "input", sd)
    assert choose_rate(mic, "input", None, 1, sd) == 16000
    assert choose_rate(mic, "output", None, 1, sd) == 48000
    assert choose_rate(mic, "input", None, 1, laptop(refused_rates=(16000,))) == 48000
    with pytest.raises(UnsupportedSampleRateError, match="refuses 16000 Hz"):
        choose_rate(mic, "input", None, 1, laptop(refused_rates=(16000, 48000)))


def test_missing_portaudio_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_portaudio(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_portaudio)
    with pytest.raises(AudioBackendUnavailable, match="apt-get install libportaudio2"):
        load_sounddevice()


def test_missing_sounddevice_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(AudioBackendUnavailable, match=r"voice-interviewer\[voice\]"):
        load_sounddevice()


def test_source_resamples_48k_blocks_to_16k_frames() -> None:
    sd = laptop(refused_rates=(16000,))
    now = [100.0]
    src = SoundDeviceSource(DeviceConfig(), clock=lambda: now[0], sd=sd)
    src.start()
    stream = sd.streams[0]
    assert stream.kwargs["samplerate"] == 48000 and stream.kwargs["blocksize"] == 960
    assert stream.kwargs["dtype"] == "int16" and stream.kwargs["channels"] == 1
    x = tone(1000.0, 1.0, sr=48000)
    for i in range(50):
        now[0] += 0.02  # the callback runs as each block completes
        stream.feed(x[i * 960 : (i + 1) * 960])
    frames = []
    while (f := src.read(timeout=0)) is not None:
        frames.append(f)
    assert all(len(f.pcm) == 320 and f.sample_rate == 16000 for f in frames)
    assert len(frames) >= 48
    pcm = np.concatenate([f.pcm for f in frames])
    assert peak_hz(pcm, 16000) == pytest.approx(1000.0, abs=3.0)
    # Stamped on the injected clock: the first sample was captured at 100.0; the resampler's
    # delay is taken off, so consecutive frames are 20 ms apart.
    assert frames[0].t == pytest.approx(100.0, abs=0.005)
    assert np.diff([f.t for f in frames]) == pytest.approx(0.02, abs=0.002)
    assert src.overruns == 0
    src.stop()
    assert stream.closed


def test_source_mixes_stereo_down() -> None:
    sd = laptop()
    src = SoundDeviceSource(DeviceConfig(channels=2), sd=sd)
    src.start()
    block = np.stack([np.full(320, 1000), np.full(320, 3000)], axis=1).astype(np.int16)
    sd.streams[0].feed(block)
    frame = src.read(timeout=0)
    assert frame is not None and np.all(frame.pcm == 2000)


def test_source_counts_overruns_instead_of_blocking() -> None:
    sd = laptop()
    src = SoundDeviceSource(DeviceConfig(queue_seconds=0.04), sd=sd)  # room for 2 blocks
    src.start()
    block = np.zeros(320, dtype=np.int16)
    for _ in range(5):
        sd.streams[0].feed(block)
    sd.streams[0].feed(block, Flags(input_overflow=True))
    assert src.overruns == 3 + 1 + 1  # three dropped, one overflow flag (and its block dropped)
    assert src.read(timeout=0) is not None and src.read(timeout=0) is not None
    assert src.read(timeout=0) is None


def test_lost_input_device_raises_a_catchable_error() -> None:
    sd = laptop()
    src = SoundDeviceSource(sd=sd)
    src.start()
    sd.streams[0].feed(np.zeros(320, dtype=np.int16))
    sd.streams[0].die()
    assert src.read(timeout=0) is not None  # what was captured is still delivered
    with pytest.raises(AudioDeviceLost, match="stopped delivering"):
        src.read(timeout=0.01)


def test_stalled_input_device_is_lost() -> None:
    sd = laptop()
    src = SoundDeviceSource(DeviceConfig(stall_timeout_s=0.05, start_timeout_s=0.2), sd=sd)
    src.start()
    t0 = time.monotonic()
    with pytest.raises(AudioDeviceLost, match="delivered nothing"):
        src.read()  # waits "forever", but notices that nothing ever came
    assert 0.2 <= time.monotonic() - t0 < 1.0
    sd.streams[0].feed(np.zeros(320, dtype=np.int16))
    assert src.read() is not None
    t0 = time.monotonic()
    with pytest.raises(AudioDeviceLost, match="delivered nothing"):
        src.read()  # once running, a shorter silence is enough
    assert time.monotonic() - t0 < 0.2


def test_sink_plays_blocks_and_flush_counts_exactly() -> None:
    sd = laptop()
    sink = SoundDeviceSink(sd=sd)
    sink.start()
    stream = sd.streams[0]
    assert stream.kwargs["samplerate"] == 48000 and stream.kwargs["blocksize"] == 960
    silence = stream.pull(960)
    assert np.all(silence == 0) and sink.underruns == 0  # idle is not an underrun
    x = tone(1000.0, 0.1, sr=22050)  # 2205 samples -> 4800 at 48 kHz -> 5 blocks
    sink.write(x, 22050)
    played = np.concatenate([stream.pull(960)[:, 0] for _ in range(2)])
    assert peak_hz(played, 48000) == pytest.approx(1000.0, abs=30.0)
    assert sink.samples_played == 882  # 2 of 5 blocks, in written (22.05 kHz) samples
    assert sink.flush() == 2205 - 882
    assert np.all(stream.pull(960) == 0)
    assert sink.samples_played == 882
    sink.write(x, 22050)
    assert sink.wait_idle(timeout=0.01) is False
    for _ in range(5):
        stream.pull(960)
    assert sink.wait_idle(timeout=0.01) is True
    assert sink.samples_played == 882 + 2205
    sink.stop()
    assert stream.closed


def test_sink_duplicates_mono_and_counts_underflows() -> None:
    sd = laptop()
    sink = SoundDeviceSink(DeviceConfig(channels=2, sample_rate=16000), sd=sd)
    sink.start()
    sink.write(np.full(320, 7, dtype=np.int16), 16000)
    out = sd.streams[0].pull(320, Flags(output_underflow=True))
    assert np.all(out == 7) and out.shape == (320, 2)
    assert sink.underruns == 1


def test_sink_waits_for_room_and_a_flush_releases_the_writer() -> None:
    sd = laptop()
    sink = SoundDeviceSink(DeviceConfig(sample_rate=16000, buffer_seconds=0.04), sd=sd)
    sink.start()
    sink.write(np.ones(640, dtype=np.int16), 16000)  # fills the 2-block buffer
    assert sink.flush() == 640
    sink.write(np.ones(640, dtype=np.int16), 16000)
    sd.streams[0].pull(320)
    assert sink.samples_played == 320


def test_lost_output_device_raises_while_waiting() -> None:
    sd = laptop()
    sink = SoundDeviceSink(DeviceConfig(sample_rate=16000), sd=sd)
    sink.start()
    sink.write(np.ones(3200, dtype=np.int16), 16000)
    sd.streams[0].die()
    with pytest.raises(AudioDeviceLost, match="stopped taking audio"):
        sink.wait_idle(timeout=1.0)


def test_open_failure_is_actionable() -> None:
    sd = laptop()

    def refuse(**kw):  # type: ignore[no-untyped-def]
        raise sd.PortAudioError("Device unavailable")

    sd.InputStream = refuse  # type: ignore[method-assign]
    with pytest.raises(NoAudioDeviceError, match="voice-interviewer devices"):
        SoundDeviceSource(sd=sd).start()
