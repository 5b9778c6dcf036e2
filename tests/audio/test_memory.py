"""In-memory source and sink, including simulated real-time playback for barge-in tests."""

from __future__ import annotations

import numpy as np
import pytest

from voice_interviewer.audio.base import AudioSink, AudioSource, Framer, to_int16
from voice_interviewer.audio.memory import MemorySink, MemorySource
from voice_interviewer.clock import VirtualClock

from .synth import peak_hz, tone


def test_source_frames_times_and_end() -> None:
    src = MemorySource([np.arange(500, dtype=np.int16), np.arange(300, dtype=np.int16)], t0=5.0)
    assert isinstance(src, AudioSource)
    src.start()
    frames = []
    while (f := src.read()) is not None:
        frames.append(f)
    assert src.ended
    assert [len(f.pcm) for f in frames] == [320, 320, 320]
    assert [f.t for f in frames] == pytest.approx([5.0, 5.02, 5.04])
    assert frames[1].pcm[0] == 320 and frames[1].pcm[180] == 0  # 500 then 300: concatenated
    assert np.all(frames[2].pcm[800 - 640 :] == 0)  # zero-padded tail


def test_source_resamples_and_mixes_down() -> None:
    stereo = np.stack([tone(1000.0, 1.0, sr=8000)] * 2, axis=1)
    src = MemorySource(stereo, sample_rate=8000, frame_ms=30)
    assert src.duration == pytest.approx(1.0, abs=0.001)
    src.start()
    pcm = np.concatenate([f.pcm for f in iter(src.read, None)])
    assert peak_hz(pcm, 16000) == pytest.approx(1000.0, abs=2.0)


def test_source_paced_on_a_virtual_clock() -> None:
    clock = VirtualClock(100.0)
    src = MemorySource(
        np.zeros(1600, dtype=np.int16), realtime=True, clock=clock.now, sleep=clock.advance
    )
    src.start()
    assert src.read(timeout=0.005) is None  # the first frame is not captured yet
    first = src.read()
    assert first is not None and first.t == pytest.approx(100.0)
    assert clock.now() == pytest.approx(100.02)
    rest = list(iter(src.read, None))
    assert len(rest) == 4 and clock.now() == pytest.approx(100.1)


def test_source_needs_start() -> None:
    with pytest.raises(RuntimeError):
        MemorySource(np.zeros(320, dtype=np.int16)).read()


def test_instant_sink_plays_everything_and_flush_drops_nothing() -> None:
    sink = MemorySink()
    assert isinstance(sink, AudioSink)
    sink.start()
    sink.write(tone(440.0, 0.5, sr=22050), 22050)
    sink.write(np.zeros(100, dtype=np.float32), 16000)
    assert sink.samples_played == sink.samples_written == 11025 + 100
    assert sink.flush() == 0
    assert sink.wait_idle(0) is True
    assert len(sink.heard_audio(16000)) == pytest.approx(8000 + 100, abs=2)


def test_realtime_sink_flush_counts_what_was_not_heard() -> None:
    clock = VirtualClock()
    sink = MemorySink(realtime=True, clock=clock.now, sleep=clock.advance)
    sink.start()
    sink.write(np.ones(16000, dtype=np.int16), 16000)  # 1.0 s
    sink.write(np.ones(11025, dtype=np.int16), 22050)  # 0.5 s
    clock.advance(0.25)
    assert sink.samples_played == 4000
    for _ in range(100):  # polling often must not slow playback down
        clock.advance(0.005)
        _ = sink.samples_played
    assert sink.samples_played == 12000
    assert sink.flush() == (16000 - 12000) + 11025
    clock.advance(5.0)
    assert sink.samples_played == 12000
    assert len(sink.heard_audio(16000)) == 12000
    assert sink.flushes == 1


def test_realtime_sink_crosses_chunks_and_waits_idle() -> None:
    clock = VirtualClock()
    sink = MemorySink(realtime=True, clock=clock.now, sleep=clock.advance)
    sink.start()
    sink.write(np.ones(1600, dtype=np.int16), 16000)  # 0.1 s
    sink.write(np.ones(2205, dtype=np.int16), 22050)  # 0.1 s
    clock.advance(0.15)
    assert sink.samples_played == 1600 + 1102
    assert sink.wait_idle(timeout=0.01) is False
    assert sink.wait_idle() is True
    assert sink.samples_played == 1600 + 2205
    assert clock.now() == pytest.approx(0.2)
    # Idle time is not playback: a later write starts when it is written.
    clock.advance(1.0)
    sink.write(np.ones(1600, dtype=np.int16), 16000)
    assert sink.samples_played == 3805
    clock.advance(0.05)
    assert sink.samples_played == 3805 + 800


def test_sink_takes_mono_only() -> None:
    sink = MemorySink()
    with pytest.raises(ValueError):
        sink.write(np.zeros((10, 2), dtype=np.int16), 16000)


def test_framer_reframes_and_stamps() -> None:
    fr = Framer(320)
    out = fr.push(np.ones(500, dtype=np.int16), t=1.0)
    assert len(out) == 1 and out[0].t == 1.0
    out = fr.push(np.ones(500, dtype=np.int16), t=1.0 + 500 / 16000)
    assert len(out) == 2 and out[0].t == pytest.approx(1.02) and out[1].t == pytest.approx(1.04)
    last = fr.flush()
    assert last is not None and len(last.pcm) == 320 and last.t == pytest.approx(1.06)
    assert fr.flush() is None


def test_to_int16() -> None:
    assert to_int16(np.array([1.5, -1.0, 0.5], dtype=np.float32)).tolist() == [32767, -32767, 16384]
    assert to_int16(np.array([[100, 200]], dtype=np.int16)).tolist() == [150]
    with pytest.raises(TypeError):
        to_int16(np.zeros(3, dtype=np.int32))


def test_sink_without_keeping_streams_what_is_heard_and_holds_nothing():
    """A long replay writes the interviewer's audio to disk as it plays: nothing piles up."""
    clock = VirtualClock()
    got: list[tuple[int, int]] = []
    sink = MemorySink(
        realtime=True,
        clock=clock.now,
        sleep=clock.advance,
        keep=False,
        on_heard=lambda pcm, rate: got.append((len(pcm), rate)),
    )
    sink.start()
    sink.write(np.ones(8000, dtype=np.int16), 16000)
    clock.advance(0.25)
    assert sink.samples_played == 4000 and got == [(4000, 16000)]
    sink.write(np.ones(1600, dtype=np.int16), 16000)
    assert sink.wait_idle()
    assert sum(n for n, _ in got) == 9600 == sink.samples_played
    assert sink.written == [] and sink.heard == [] and len(sink.heard_audio()) == 0
