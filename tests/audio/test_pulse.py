"""The real sounddevice path, through PulseAudio null sinks (no sound card needed)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from voice_interviewer.audio.config import DeviceConfig
from voice_interviewer.audio.sounddevice_io import SoundDeviceSink, SoundDeviceSource
from voice_interviewer.audio.vad import rms_dbfs

from .synth import peak_hz, tone


def record_until(src: SoundDeviceSource, seconds: float) -> list:
    frames = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        f = src.read(timeout=0.2)
        if f is not None:
            frames.append(f)
    return frames


def started(config: DeviceConfig) -> tuple[SoundDeviceSource, SoundDeviceSink]:
    """A source and a sink on the null sink, once the source delivers audio (the first block
    through ALSA's ``pulse`` device takes about 2 s to arrive)."""
    src = SoundDeviceSource(config)
    sink = SoundDeviceSink(config)
    src.start()
    sink.start()
    assert src.read(timeout=config.start_timeout_s) is not None
    return src, sink


def loud(frames: list, floor_dbfs: float = -40.0) -> np.ndarray:
    return np.concatenate([f.pcm for f in frames if rms_dbfs(f.pcm) > floor_dbfs] or [[]])


def test_a_tone_played_into_the_null_sink_comes_back_from_its_monitor(pulse_device: str) -> None:
    src, sink = started(DeviceConfig(device=pulse_device))
    try:
        x = tone(1000.0, 1.0, rms_dbfs=-15.0, sr=22050)  # Piper's rate: the sink resamples
        t_write = time.monotonic()
        sink.write(x, 22050)
        frames = record_until(src, 0.4)
        assert sink.wait_idle(timeout=5.0)
        frames += record_until(src, 1.2)
    finally:
        sink.stop()
        src.stop()
    assert sink.samples_played == len(x)
    assert src.overruns == 0
    assert all(f.sample_rate == 16000 and len(f.pcm) == 320 for f in frames)
    times = [f.t for f in frames]
    assert np.all(np.diff(times) > 0)
    assert abs(times[0] - t_write) < 1.0  # stamped on time.monotonic
    heard = loud(frames)
    assert len(heard) / 16000 == pytest.approx(1.0, abs=0.15)
    assert peak_hz(heard, 16000) == pytest.approx(1000.0, abs=3.0)
    assert rms_dbfs(heard) == pytest.approx(-15.0, abs=2.0)


def _flush_mid_tone(device: str) -> tuple[int, int, int, float, list]:
    src, sink = started(DeviceConfig(device=device))
    try:
        x = tone(500.0, 10.0, rms_dbfs=-15.0, sr=16000)
        sink.write(x, 16000)
        frames = record_until(src, 0.6)
        t_flush = time.monotonic()
        dropped = sink.flush()
        # A block the device callback took just before the flush is counted once it is done.
        time.sleep(0.1)
        played = sink.samples_played
        frames += record_until(src, 1.0)
    finally:
        sink.stop()
        src.stop()
    return len(x), played, dropped, t_flush, frames


def test_flush_stops_playback_at_once(pulse_device: str) -> None:
    # Right after PulseAudio starts (or resumes a suspended sink) its ALSA plugin can swallow
    # seconds of audio at once, leaving nothing to flush; such a try says nothing, so try again.
    for _ in range(3):
        total, played, dropped, t_flush, frames = _flush_mid_tone(pulse_device)
        assert played + dropped == total
        if 0 < played < total:
            break
    assert 0 < played < total, "every try handed the whole tone to PulseAudio before the flush"
    last_loud = max(f.t for f in frames if rms_dbfs(f.pcm) > -40.0)
    # What was already handed to PulseAudio still plays (its latency), then silence.
    assert last_loud - t_flush < 0.5
