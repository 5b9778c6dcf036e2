"""ReplaySource on a virtual clock: answer i starts only once ``ready`` is set and a gap has
passed, silence (a faint floor) otherwise, and the source ends after the last answer."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from voice_interviewer.audio.errors import AudioFileError
from voice_interviewer.clock import VirtualClock
from voice_interviewer.runtime.replay import ReplaySource, answer_files, load_answer, usable_answers

FRAME = 0.02
N = 320


class Reader:
    """Reads one 20 ms frame per step, moving the virtual clock to the frame's end first."""

    def __init__(self, answers: list[np.ndarray], gap_s: float = 0.4) -> None:
        self.clock = VirtualClock(5.0)
        self.ready = threading.Event()
        self.source = ReplaySource(answers, self.ready, self.clock.now, gap_s=gap_s)
        self.source.start()
        self.frames: list = []
        self._k = 0

    def step(self, seconds: float) -> list:
        got = []
        for _ in range(round(seconds / FRAME)):
            # The frame's end, computed as the source computes it (no float drift).
            self.clock.set(5.0 + self._k * N / 16000 + N / 16000)
            frame = self.source.read(timeout=0.0)
            if frame is None:
                break
            self._k += 1
            got.append(frame)
        self.frames += got
        return got


def loud(frames: list, level: int = 1000) -> list:
    return [f for f in frames if np.abs(f.pcm.astype(np.int32)).max() > level]


def answer(seconds: float, value: int) -> np.ndarray:
    return np.full(int(seconds * 16000), value, dtype=np.int16)


def test_silence_until_ready_then_the_answer_after_the_gap() -> None:
    r = Reader([answer(0.5, 8000), answer(0.3, -8000)])
    idle = r.step(1.0)
    assert len(idle) == 50
    assert loud(idle) == []  # only the noise floor while the interviewer talks
    assert 0 < np.abs(np.concatenate([f.pcm for f in idle]).astype(np.int32)).max() < 50
    assert [f.t for f in idle[:2]] == pytest.approx([5.0, 5.02])  # stamped on the clock
    r.ready.set()
    t_ready = r.frames[-1].t + FRAME
    waiting = r.step(0.4)
    assert loud(waiting) == []  # the gap: a human does not answer in 0 ms
    spoken = r.step(0.5)
    assert len(loud(spoken)) == 25
    assert r.source.answer_started == [pytest.approx(t_ready + 0.4)]
    assert loud(spoken)[0].t == pytest.approx(t_ready + 0.4)
    assert abs(int(np.median(spoken[0].pcm)) - 8000) < 50  # the answer itself, plus the floor
    assert not r.ready.is_set()  # the source took the turn; the loop sets it again after a reply
    assert r.source.answer_ended == [pytest.approx(t_ready + 0.9)]


def test_next_answer_waits_for_the_next_ready() -> None:
    r = Reader([answer(0.2, 8000), answer(0.2, -8000)], gap_s=0.1)
    r.ready.set()
    r.step(0.5)
    assert len(r.source.answer_started) == 1
    later = r.step(2.0)
    assert loud(later) == []  # not ready: the interviewer is still replying
    r.ready.set()
    second = r.step(0.5)
    assert len(r.source.answer_started) == 2
    assert np.median(loud(second)[0].pcm) < -7000


def test_ready_cleared_before_the_gap_passed_restarts_the_gap() -> None:
    r = Reader([answer(0.2, 8000)], gap_s=0.3)
    r.ready.set()
    r.step(0.2)
    r.ready.clear()  # the candidate's own noise re-opened the turn
    r.step(0.2)
    r.ready.set()
    r.step(0.2)
    assert r.source.answer_started == []
    r.step(0.2)
    assert len(r.source.answer_started) == 1


def test_ends_after_the_last_answer() -> None:
    r = Reader([answer(0.2, 8000)], gap_s=0.2)
    r.ready.set()
    r.step(0.6)
    assert not r.source.ended  # answered; the interviewer's reply is still to come
    r.step(1.0)
    assert not r.source.ended
    r.ready.set()  # the reply to the last answer has been played
    r.step(0.1)
    assert not r.source.ended
    r.step(0.3)
    assert r.source.ended
    assert r.source.read(timeout=0.0) is None


def test_read_waits_for_real_time() -> None:
    r = Reader([answer(0.2, 8000)])
    assert r.source.read(timeout=0.0) is None  # the first frame is not over yet
    r.clock.advance(FRAME / 2)
    assert r.source.read(timeout=0.0) is None
    assert len(r.step(FRAME)) == 1


def test_stop_ends_it() -> None:
    r = Reader([answer(0.2, 8000)])
    r.source.stop()
    assert r.source.ended


def test_answer_files_are_sorted_and_resampled(tmp_path) -> None:  # type: ignore[no-untyped-def]
    soundfile = pytest.importorskip("soundfile")
    soundfile.write(str(tmp_path / "02.wav"), np.zeros(22050, dtype=np.int16), 22050)
    soundfile.write(str(tmp_path / "01.wav"), np.zeros(8000, dtype=np.int16), 16000)
    (tmp_path / "notes.txt").write_text("not audio")
    files = answer_files(tmp_path)
    assert [p.name for p in files] == ["01.wav", "02.wav"]
    assert len(load_answer(files[1])) == pytest.approx(16000, abs=2)
    (tmp_path / "empty").mkdir()
    with pytest.raises(AudioFileError, match="name them 01.wav, 02.wav"):
        answer_files(tmp_path / "empty")
    with pytest.raises(AudioFileError, match="not a folder"):
        answer_files(tmp_path / "missing")


def test_empty_header_only_and_silent_answers_are_skipped_with_a_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    soundfile = pytest.importorskip("soundfile")
    soundfile.write(str(tmp_path / "01.wav"), answer(0.5, 8000), 16000)
    soundfile.write(str(tmp_path / "02.wav"), np.zeros(0, dtype=np.int16), 16000)  # header only
    (tmp_path / "03.wav").write_bytes(b"")  # 0 bytes
    soundfile.write(str(tmp_path / "04.wav"), np.zeros(16000, dtype=np.int16), 16000)
    (tmp_path / "05.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk")  # not audio at all
    soundfile.write(str(tmp_path / "06.flac"), answer(0.3, -8000), 16000)
    notes: list[str] = []
    files, audio = usable_answers(answer_files(tmp_path), notes.append)
    assert [p.name for p in files] == ["01.wav", "06.flac"]
    assert [len(a) for a in audio] == [8000, 4800]
    assert (
        notes[0] == "skipping 02.wav: it holds no audio (an empty file or a header without samples)"
    )
    assert (
        notes[1] == "skipping 03.wav: it holds no audio (an empty file or a header without samples)"
    )
    assert notes[2] == "skipping 04.wav: it is silent (peak -90 dBFS)"
    assert notes[3].startswith("skipping 05.wav: it cannot be read (cannot read")
    for name in ("01.wav", "06.flac"):
        (tmp_path / name).unlink()
    with pytest.raises(AudioFileError, match="holds any speech; nothing to replay"):
        usable_answers(answer_files(tmp_path), notes.append)


def test_watchdog_moves_on_when_no_reply_comes_and_ends_after_the_last() -> None:
    """An answer the loop did not hear as speech gets no reply, so ``ready`` never comes back:
    after ``stall_s`` the next answer plays, and after the last one the source ends."""
    clock = VirtualClock(5.0)
    ready = threading.Event()
    stalls: list[str] = []
    source = ReplaySource(
        [answer(0.2, 8000), answer(0.2, -8000)],
        ready,
        clock.now,
        gap_s=0.1,
        stall_s=3.0,
        on_stall=stalls.append,
    )
    source.start()
    k = 0

    def step(seconds: float) -> None:
        nonlocal k
        for _ in range(round(seconds / FRAME)):
            clock.set(5.0 + k * N / 16000 + N / 16000)
            if source.read(timeout=0.0) is None:
                return
            k += 1

    ready.set()
    step(1.0)
    assert len(source.answer_ended) == 1 and stalls == []
    step(2.0)  # 2.7 s after the answer: the interviewer may still be thinking
    assert stalls == [] and len(source.answer_started) == 1
    step(1.0)
    assert stalls == ["no reply 3 s after answer 1: it was not heard as speech; playing answer 2"]
    step(1.0)
    assert len(source.answer_started) == 2 and not source.ended
    step(4.0)
    assert stalls[1] == (
        "no reply 3 s after the last answer (2): it was not heard as speech; ending the replay"
    )
    assert source.ended and source.read(timeout=0.0) is None
    assert source.stalls == [0, 1]


def test_a_reply_in_time_disarms_the_watchdog() -> None:
    r = Reader([answer(0.2, 8000), answer(0.2, -8000)], gap_s=0.1)
    r.source._stall_s = 3.0  # noqa: SLF001 - the default (90 s) is too long to step through
    r.ready.set()
    r.step(2.5)
    r.ready.set()  # the interviewer replied
    r.step(1.0)
    assert r.source.stalls == [] and len(r.source.answer_started) == 2


def test_replay_of_a_folder_without_speech_stops_at_once(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Before the fix a header-only WAV hung at "(listening...)" for ever; now it is skipped,
    and a folder with nothing left to play is an error before any model loads."""
    soundfile = pytest.importorskip("soundfile")
    from voice_interviewer.cli import main

    soundfile.write(str(tmp_path / "01.wav"), np.zeros(0, dtype=np.int16), 16000)
    soundfile.write(str(tmp_path / "02.wav"), np.zeros(8000, dtype=np.int16), 16000)
    assert main(["replay", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "replay: skipping 01.wav: it holds no audio" in err
    assert "replay: skipping 02.wav: it is silent" in err
    assert "holds any speech; nothing to replay" in err and "Traceback" not in err


def test_a_turn_heard_disarms_the_watchdog_however_slow_the_reply() -> None:
    """Under load a reply may take longer than ``stall_s``; a turn the loop heard always gets
    one, so the next answer must not be played over it."""
    clock = VirtualClock(5.0)
    ready = threading.Event()
    stalls: list[str] = []
    source = ReplaySource(
        [answer(0.2, 8000), answer(0.2, -8000)],
        ready,
        clock.now,
        gap_s=0.1,
        stall_s=3.0,
        on_stall=stalls.append,
    )
    source.start()
    k = 0

    def step(seconds: float) -> None:
        nonlocal k
        for _ in range(round(seconds / FRAME)):
            clock.set(5.0 + k * N / 16000 + N / 16000)
            if source.read(timeout=0.0) is None:
                return
            k += 1

    ready.set()
    step(0.5)
    source.turn_heard()  # the loop took the answer as a turn; its reply is slow
    step(10.0)
    assert stalls == [] and len(source.answer_started) == 1
    ready.set()  # the reply, at last
    step(1.0)
    assert len(source.answer_started) == 2
    step(4.0)  # no turn heard in answer 2: the watchdog is armed again
    assert len(stalls) == 1 and source.ended


def test_a_reader_running_behind_the_clock_answers_after_the_reply_not_over_it() -> None:
    # Issue 11's lost answer: on a busy CPU the listen thread fell seconds behind; the answer
    # was placed on the frames' timeline right after the stale frame where the reader noticed
    # ``ready``, i.e. while the interviewer was still talking, and the mic gate dropped it.
    r = Reader([answer(0.5, 8000)])
    r.step(1.0)  # frames up to 6.0 s
    r.clock.set(9.0)  # the reader stalls 3 s; meanwhile the reply ends and ``ready`` is set
    r.ready.set()
    got: list = []
    while len(got) < 250:
        frame = r.source.read(timeout=0.0)
        if frame is None:  # caught up with the clock: time goes on
            r.clock.set(r.clock.now() + FRAME)
            continue
        got.append(frame)
    [started] = r.source.answer_started
    assert started == pytest.approx(9.0 - FRAME + 0.4, abs=FRAME)  # the gap after the reply
    assert loud(got)[0].t == pytest.approx(started)
