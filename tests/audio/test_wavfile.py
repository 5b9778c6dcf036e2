"""Audio files: round trip through the sink and source, resampling, pacing, clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voice_interviewer.audio.errors import AudioError, AudioFileError
from voice_interviewer.audio.wavfile import WavFileSink, WavFileSource
from voice_interviewer.clock import VirtualClock

from .synth import peak_hz, tone


def read_all(src: WavFileSource) -> list:
    src.start()
    frames = list(iter(src.read, None))
    src.stop()
    return frames


def test_round_trip_sink_then_source(tmp_path: Path) -> None:
    path = tmp_path / "out" / "reply.wav"
    sink = WavFileSink(path)
    sink.start()
    sink.write(tone(1000.0, 0.5, sr=22050), 22050)
    sink.write((tone(1000.0, 0.5, sr=16000) / 32768.0).astype(np.float32), 16000)
    assert sink.samples_played == 11025 + 8000
    assert sink.flush() == 0 and sink.wait_idle(1.0)
    sink.stop()
    info = sf.info(path)
    assert info.samplerate == 22050 and info.frames == pytest.approx(22050, abs=4)

    frames = read_all(WavFileSource(path, t0=2.0))
    assert all(f.sample_rate == 16000 and len(f.pcm) == 320 for f in frames)
    assert [f.t for f in frames[:3]] == pytest.approx([2.0, 2.02, 2.04])
    pcm = np.concatenate([f.pcm for f in frames])
    assert len(pcm) == pytest.approx(16000, abs=320)
    assert peak_hz(pcm, 16000) == pytest.approx(1000.0, abs=2.0)


def test_stereo_flac_at_48k_becomes_16k_mono(tmp_path: Path) -> None:
    path = tmp_path / "answer.flac"
    x = tone(1000.0, 1.0, sr=48000)
    sf.write(path, np.stack([x, x], axis=1), 48000)
    src = WavFileSource(path, frame_ms=10)
    assert src.file_rate == 48000 and src.file_duration == pytest.approx(1.0)
    frames = read_all(src)
    pcm = np.concatenate([f.pcm for f in frames])
    assert len(frames[0].pcm) == 160
    assert len(pcm) == pytest.approx(16000, abs=160)
    assert peak_hz(pcm, 16000) == pytest.approx(1000.0, abs=2.0)


def test_flac_sink(tmp_path: Path) -> None:
    sink = WavFileSink(tmp_path / "a.flac", sample_rate=16000)
    sink.start()
    sink.write(tone(500.0, 0.2, sr=8000), 8000)
    sink.stop()
    assert sf.info(tmp_path / "a.flac").format == "FLAC"
    assert sf.info(tmp_path / "a.flac").frames == pytest.approx(3200, abs=4)


def test_paced_source_on_a_virtual_clock(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    sf.write(path, tone(300.0, 0.5), 16000)
    clock = VirtualClock(10.0)
    frames = read_all(WavFileSource(path, realtime=True, clock=clock.now, sleep=clock.advance))
    assert len(frames) == 25
    assert frames[0].t == pytest.approx(10.0) and frames[-1].t == pytest.approx(10.48)
    assert clock.now() == pytest.approx(10.5)


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(AudioFileError, match="does not exist; check the path") as err:
        WavFileSource(tmp_path / "nope.wav")
    assert isinstance(err.value, AudioError)
    with pytest.raises(AudioFileError, match="is a directory"):
        WavFileSource(tmp_path)


def test_broken_file_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "broken.wav"
    path.write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot really audio")
    with pytest.raises(AudioFileError, match=r"cannot read audio file .*broken\.wav.*re-export"):
        WavFileSource(path)


def test_truncated_file_reads_what_is_there(tmp_path: Path) -> None:
    path = tmp_path / "full.wav"
    sf.write(path, tone(300.0, 1.0), 16000)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(path.read_bytes()[:16044])  # header + 8000 samples
    frames = read_all(WavFileSource(cut))
    assert len(frames) == 25


def test_unwritable_sink_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AudioFileError):
        WavFileSink(blocker / "sub" / "out.wav").start()


def test_source_and_sink_need_start(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    sf.write(path, tone(300.0, 0.1), 16000)
    with pytest.raises(RuntimeError):
        WavFileSource(path).read()
    with pytest.raises(RuntimeError):
        WavFileSink(tmp_path / "b.wav").write(np.zeros(10, dtype=np.int16), 16000)
