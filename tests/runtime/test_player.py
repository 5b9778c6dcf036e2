"""The player on a virtual clock: clause order, hold/release to the sample, what a cancel heard,
and stale generations; plus the generation counter itself."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest

from voice_interviewer.clock import VirtualClock
from voice_interviewer.messages import SpeechAudio
from voice_interviewer.runtime.generation import Generation
from voice_interviewer.runtime.player import Player

from .fakes import LockedSink, wait_until

SR = 16_000


def ramp(seconds: float, start: int) -> np.ndarray:
    """Distinct sample values, so any gap, repeat or reorder shows in an exact comparison."""
    n = int(seconds * SR)
    return ((np.arange(n) + start) % 30000).astype(np.int16)


class Stage:
    """A player running in its thread over a real-time memory sink on a virtual clock."""

    def __init__(self) -> None:
        self.clock = VirtualClock(10.0)
        self.sink = LockedSink(realtime=True, clock=self.clock.now)
        self.generation = Generation()
        self.first_audio: list[tuple[int, float]] = []
        self.player = Player(
            self.sink,
            self.generation,
            self.clock.now,
            on_first_audio=lambda g, t: self.first_audio.append((g, t)),
        )
        self.sink.start()
        self.thread = threading.Thread(target=self.player.run, daemon=True)
        self.thread.start()

    def put(
        self, text: str, pcm: np.ndarray, generation: int | None = None, last: bool = False
    ) -> None:
        g = self.generation.current if generation is None else generation
        self.player.queue.put(SpeechAudio(pcm, SR, text, is_last=last, generation=g))

    def end(self, generation: int | None = None) -> None:
        self.put("", np.zeros(0, dtype=np.int16), generation, last=True)

    def written(self, n: int) -> None:
        assert wait_until(lambda: self.sink.samples_written >= n), "the player did not write"

    def play(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def stop(self) -> None:
        self.player.stop()
        self.thread.join(1.0)


@pytest.fixture
def stage() -> Iterator[Stage]:
    s = Stage()
    yield s
    s.stop()


def test_plays_clauses_in_order_and_reports_the_whole_reply(stage: Stage) -> None:
    clauses = [
        ("One two.", ramp(0.5, 0)),
        ("Three four five.", ramp(0.7, 9000)),
        ("Six.", ramp(0.3, 20000)),
    ]
    for text, pcm in clauses:
        stage.put(text, pcm)
    stage.end()
    total = sum(len(p) for _, p in clauses)
    stage.written(total)
    assert stage.player.speaking
    assert stage.first_audio == [(0, 10.0)]  # handed to the sink at once, stamped on the clock
    assert not stage.player.reply_done(0)
    stage.play(1.0)
    assert not stage.player.reply_done(0)  # 1.0 s of 1.5 s played
    stage.play(0.6)
    assert wait_until(lambda: stage.player.reply_done(0))
    assert stage.player.wait_idle(timeout=2.0)
    assert np.array_equal(stage.sink.heard_audio(), np.concatenate([p for _, p in clauses]))
    heard = stage.player.finished_reply()
    assert heard is not None
    assert heard.text == heard.full_text == "One two. Three four five. Six."
    assert not heard.interrupted
    assert stage.player.idle_since == pytest.approx(11.6)


def test_hold_stops_within_one_write_and_release_continues_from_the_exact_sample(
    stage: Stage,
) -> None:
    a, b = ramp(1.0, 0), ramp(1.0, 16000)
    stage.put("Alpha beta gamma.", a)
    stage.put("Delta epsilon.", b)
    stage.written(len(a) + len(b))
    stage.play(0.5)
    stage.player.hold()
    assert len(stage.sink.flush_log) == 1
    at_hold = stage.sink.samples_played
    assert at_hold == 8000
    stage.play(2.0)
    assert stage.sink.samples_played == at_hold  # nothing more reaches the speaker while held
    assert stage.player.speaking  # held, not finished: the mic must not think it may talk
    c = ramp(0.25, 5000)
    stage.put("Zeta.", c)  # arrives during the hold: kept, not played
    stage.end()
    assert wait_until(lambda: stage.player.queue.empty())
    assert stage.sink.samples_played == at_hold
    stage.player.release()
    stage.play(3.0)
    assert wait_until(lambda: stage.player.reply_done(0))
    assert np.array_equal(stage.sink.heard_audio(), np.concatenate([a, b, c]))
    heard = stage.player.finished_reply()
    assert heard is not None and not heard.interrupted
    assert heard.text == "Alpha beta gamma. Delta epsilon. Zeta."


@pytest.mark.parametrize("held_first", [False, True], ids=["cancel", "hold-then-cancel"])
def test_cancel_reports_only_the_words_heard(stage: Stage, held_first: bool) -> None:
    clauses = [
        ("One two three four.", ramp(1.0, 0)),
        ("Five six seven eight.", ramp(1.0, 1)),
        ("Nine ten.", ramp(0.5, 2)),
    ]
    for text, pcm in clauses:
        stage.put(text, pcm)
    stage.end()
    stage.written(40000)
    stage.play(1.5)  # all of the first clause, half of the second
    if held_first:
        stage.player.hold()
        stage.play(1.0)  # the hold keeps the heard part where it was
    stage.generation.bump()
    heard = stage.player.cancel()
    assert heard is not None
    assert heard.generation == 0
    assert heard.interrupted
    assert heard.text == "One two three four. Five six ..."
    assert heard.full_text == "One two three four. Five six seven eight. Nine ten."
    assert not stage.player.speaking
    stage.play(2.0)
    assert stage.sink.samples_played == 24000  # the rest was flushed, not played
    assert stage.player.reply_done(0)  # a stale reply counts as done
    assert stage.player.finished_reply() is None


def test_cancel_before_anything_played_hears_nothing(stage: Stage) -> None:
    stage.put("Never heard.", ramp(0.5, 0))
    stage.written(8000)
    stage.generation.bump()
    heard = stage.player.cancel()
    assert heard is not None and heard.text == "" and heard.interrupted


def test_stale_generations_are_dropped(stage: Stage) -> None:
    stage.generation.bump()
    stage.generation.bump()
    stage.put("Old reply.", ramp(0.5, 0), generation=1)
    stage.put("Older still.", ramp(0.5, 0), generation=0)
    assert wait_until(lambda: stage.player.stale_dropped == 2)
    assert stage.sink.samples_written == 0
    assert not stage.player.speaking
    stage.put("Current.", ramp(0.5, 100), generation=2)
    stage.written(8000)
    assert stage.first_audio == [(2, 10.0)]


def test_audio_of_a_cancelled_reply_arriving_late_is_never_played(stage: Stage) -> None:
    stage.put("First clause.", ramp(0.5, 0))
    stage.written(8000)
    stage.play(0.2)
    stage.generation.bump()
    stage.player.cancel()
    stage.put("Second clause of the old reply.", ramp(0.5, 7), generation=0)  # TTS was mid-clause
    stage.put("New reply.", ramp(0.5, 99), generation=1)
    stage.written(16000)
    assert stage.player.stale_dropped == 1
    assert np.array_equal(stage.sink.written[-1].pcm, ramp(0.5, 99))


# --- the generation counter -------------------------------------------------------------------
def test_generation_bump_invalidates_everything_before() -> None:
    g = Generation()
    assert g.current == 0 and g.is_current(0)
    assert g.bump() == 1
    assert not g.is_current(0) and g.is_current(1) and g.current == 1


def test_generation_bumps_from_many_threads_are_all_distinct() -> None:
    g = Generation()
    seen: list[int] = []
    lock = threading.Lock()

    def bump() -> None:
        mine = [g.bump() for _ in range(500)]
        with lock:
            seen.extend(mine)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(1, 2001))
    assert g.current == 2000


def test_finish_clause_plays_the_sounding_clause_to_its_end_and_drops_the_rest(
    stage: Stage,
) -> None:
    # Speakers mode: the candidate started talking 1.5 s in, in the middle of the second clause.
    clauses = [
        ("One two three four.", ramp(1.0, 0)),
        ("Five six seven eight.", ramp(1.0, 1)),
        ("Nine ten.", ramp(0.5, 2)),
    ]
    for text, pcm in clauses:
        stage.put(text, pcm)
    stage.written(40000)
    stage.play(1.5)
    stage.generation.bump()  # the loop bumps first: the end marker and later audio are stale
    assert stage.player.finish_clause()
    stage.end(generation=0)  # arrives after the yield: dropped
    assert wait_until(lambda: stage.player.queue.empty())
    assert stage.player.speaking  # the second clause is still sounding
    stage.play(0.49)
    assert stage.player.speaking
    stage.play(0.2)
    assert wait_until(lambda: not stage.player.speaking)
    assert stage.player.idle_since == pytest.approx(12.19)  # the clock when it saw the end
    # The speaker played the first two clauses whole, without a gap or a repeat, and no more.
    assert np.array_equal(stage.sink.heard_audio(), np.concatenate([clauses[0][1], clauses[1][1]]))
    heard = stage.player.finished_reply()
    assert heard is not None and heard.interrupted
    assert heard.text == "One two three four. Five six seven eight."
    assert heard.full_text == "One two three four. Five six seven eight. Nine ten."


def test_finish_clause_between_clauses_stops_at_once(stage: Stage) -> None:
    stage.put("One two.", ramp(0.5, 0))
    stage.put("Three four.", ramp(0.5, 9))
    stage.written(16000)
    stage.play(0.5)  # exactly at the boundary
    stage.generation.bump()
    assert stage.player.finish_clause()
    stage.play(0.1)
    assert wait_until(lambda: not stage.player.speaking)
    assert stage.sink.samples_played == 8000
    heard = stage.player.finished_reply()
    assert heard is not None and heard.interrupted and heard.text == "One two."


def test_finish_clause_with_nothing_playing_is_a_no_op(stage: Stage) -> None:
    assert not stage.player.finish_clause()
