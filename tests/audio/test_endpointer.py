"""The endpointer as a pure state machine, driven by scripted (frame, is_speech) pairs."""

from __future__ import annotations

import numpy as np
import pytest

from voice_interviewer.audio.config import EndpointerConfig
from voice_interviewer.audio.endpointer import (
    Endpointer,
    EndpointState,
)
from voice_interviewer.messages import AudioFrame, SpeechSegment, SpeechStarted, TurnEnded
from voice_interviewer.text import ends_with_phrase, normalize

FRAME = 0.02
N = 320


class Script:
    """Feeds 20 ms frames stamped on a virtual timeline; each frame's samples hold its index."""

    def __init__(self, ep: Endpointer) -> None:
        self.ep = ep
        self.i = 0
        self.events: list = []

    @property
    def t(self) -> float:
        return self.i * FRAME

    def feed(self, seconds: float, speech: bool) -> list:
        out = []
        for _ in range(round(seconds / FRAME)):
            pcm = np.full(N, self.i % 30000, dtype=np.int16)
            out += self.ep.push(AudioFrame(pcm, 16000, self.i * FRAME), speech)
            self.i += 1
        self.events += out
        return out


def of(events: list, kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


def test_one_turn_segment_and_endpoint_times() -> None:
    s = Script(Endpointer())
    assert s.feed(1.0, False) == []
    started = s.feed(1.0, True)
    assert s.ep.state is EndpointState.SPEECH
    [onset] = of(started, SpeechStarted)
    assert onset.t_start == pytest.approx(1.0)
    assert onset.t_detected == pytest.approx(1.12)  # onset_ms = 120
    assert onset.new_turn
    ev = s.feed(0.18, False)
    assert ev == []  # 180 ms: still inside the 200 ms pause
    [seg] = of(s.feed(0.02, False), SpeechSegment)
    assert seg.t_start == pytest.approx(1.0)
    assert seg.t_end == pytest.approx(2.0)
    assert not seg.ends_turn
    # Pre-roll: the audio starts >= 300 ms before the voiced run; tail: 150 ms after it.
    assert seg.pcm_start is not None and seg.t_start - seg.pcm_start >= 0.3 - 1e-9
    assert seg.pcm_start + len(seg.pcm) / 16000 == pytest.approx(2.0 + 0.16)
    assert s.ep.state is EndpointState.PAUSE
    s.feed(0.48, False)  # 680 ms of silence: not yet
    [end] = of(s.feed(0.02, False), TurnEnded)
    assert end.t_speech_end == pytest.approx(2.0)
    assert end.t_endpoint == pytest.approx(2.7)
    assert end.reason == "silence"
    assert s.ep.state is EndpointState.IDLE
    assert s.feed(2.0, False) == []


def test_preroll_audio_is_the_audio_before_onset() -> None:
    s = Script(Endpointer())
    s.feed(1.0, False)
    s.feed(0.5, True)
    [seg] = of(s.feed(0.3, False), SpeechSegment)
    first_index = round(seg.pcm_start / FRAME)
    assert seg.pcm[0] == first_index  # frames are concatenated in order, none lost
    assert np.array_equal(seg.pcm[::N], np.arange(first_index, first_index + len(seg.pcm) // N))


def test_short_pause_splits_segments_in_one_turn() -> None:
    s = Script(Endpointer())
    s.feed(0.5, False)
    s.feed(0.8, True)
    s.feed(0.4, False)  # > 200 ms pause, < 700 ms turn end
    s.feed(0.6, True)
    s.feed(1.0, False)
    segs = of(s.events, SpeechSegment)
    assert [(round(g.t_start, 2), round(g.t_end, 2)) for g in segs] == [(0.5, 1.3), (1.7, 2.3)]
    starts = of(s.events, SpeechStarted)
    assert [o.new_turn for o in starts] == [True, False]
    [end] = of(s.events, TurnEnded)
    assert end.t_speech_end == pytest.approx(2.3)


def test_hysteresis_ignores_short_voiced_blips() -> None:
    s = Script(Endpointer())
    for _ in range(20):
        s.feed(0.04, True)  # two voiced frames < speech_start_ms (60 ms)
        s.feed(0.06, False)
    assert s.events == []
    assert s.ep.state is EndpointState.IDLE


def test_min_speech_drops_clicks_but_keeps_the_turn_clock() -> None:
    s = Script(Endpointer())
    s.feed(0.5, False)
    s.feed(0.1, True)  # opens (>= 60 ms) but < 150 ms of voice: a click
    s.feed(0.5, False)
    assert of(s.events, SpeechSegment) == []
    assert of(s.events, TurnEnded) == []
    assert s.ep.state is EndpointState.IDLE
    # Inside a turn a click neither becomes a segment nor restarts the silence count.
    s.feed(0.6, True)
    s.feed(0.3, False)
    s.feed(0.1, True)
    s.feed(0.5, False)
    [end] = of(s.events, TurnEnded)
    assert end.t_speech_end == pytest.approx(1.7)
    assert len(of(s.events, SpeechSegment)) == 1


def test_trailing_so_extends_the_turn_end_wait() -> None:
    s = Script(Endpointer())
    s.feed(0.5, True)
    [seg] = of(s.feed(0.26, False), SpeechSegment)
    assert (
        s.ep.note_transcript("and the features come from the log, so", segment_end=seg.t_end) == []
    )
    assert s.ep.turn_wait == pytest.approx(2.5)
    s.feed(1.5, False)  # far past 700 ms: still the candidate's turn
    assert of(s.events, TurnEnded) == []
    s.feed(0.74, False)
    [end] = of(s.events, TurnEnded)
    assert end.t_endpoint == pytest.approx(0.5 + 2.5)


def test_a_late_transcript_still_holds_the_turn() -> None:
    # A busy CPU: the transcript of "um, let me think" comes 1.2 s after the segment closed,
    # past the 700 ms turn end. The turn waits for it, then holds for the phrase.
    s = Script(Endpointer(expect_transcripts=True))
    s.feed(0.5, True)
    [seg] = of(s.feed(0.26, False), SpeechSegment)
    s.feed(1.2, False)
    assert of(s.events, TurnEnded) == []
    assert s.ep.note_transcript("Um, let me think.", segment_end=seg.t_end) == []
    s.feed(1.0, False)
    assert of(s.events, TurnEnded) == []  # 2.46 s of silence: inside the 2.5 s hold
    s.feed(0.1, False)
    [end] = of(s.events, TurnEnded)
    assert end.t_endpoint == pytest.approx(0.5 + 2.5)


def test_a_late_plain_transcript_ends_the_turn_when_it_arrives() -> None:
    s = Script(Endpointer(expect_transcripts=True))
    s.feed(0.5, True)
    [seg] = of(s.feed(0.26, False), SpeechSegment)
    s.feed(0.8, False)  # 1.06 s of silence, more than 700 ms: ends as soon as the text is in
    [end] = s.ep.note_transcript("I would use a feature store.", segment_end=seg.t_end)
    assert isinstance(end, TurnEnded) and end.reason == "silence"
    assert end.t_endpoint == pytest.approx(0.5 + 1.06)


def test_a_transcript_that_never_comes_delays_the_turn_end_no_longer_than_a_hold() -> None:
    s = Script(Endpointer(expect_transcripts=True))
    s.feed(0.5, True)
    s.feed(2.44, False)
    assert of(s.events, TurnEnded) == []
    s.feed(0.1, False)
    [end] = of(s.events, TurnEnded)
    assert end.t_endpoint == pytest.approx(0.5 + 2.5)


def test_a_transcript_in_time_changes_nothing() -> None:
    s = Script(Endpointer(expect_transcripts=True))
    s.feed(0.5, True)
    [seg] = of(s.feed(0.26, False), SpeechSegment)
    assert s.ep.note_transcript("Yes.", segment_end=seg.t_end) == []
    s.feed(0.46, False)
    [end] = of(s.events, TurnEnded)
    assert end.t_endpoint == pytest.approx(0.5 + 0.7)


def test_hold_covers_one_pause_only() -> None:
    s = Script(Endpointer())
    s.feed(0.5, True)
    [seg] = of(s.feed(0.26, False), SpeechSegment)
    s.ep.note_transcript("um", segment_end=seg.t_end)
    s.feed(1.0, False)
    s.feed(0.5, True)  # resumes: a normal 700 ms wait again
    s.feed(0.7, False)
    [end] = of(s.events, TurnEnded)
    assert end.t_endpoint - end.t_speech_end == pytest.approx(0.7)


@pytest.mark.parametrize("text", ["That's my answer.", "OK, I\u2019m done!", "and that's it"])
def test_done_phrase_ends_the_turn_at_once(text: str) -> None:
    s = Script(Endpointer())
    s.feed(0.5, True)
    [seg] = of(s.feed(0.26, False), SpeechSegment)
    [end] = s.ep.note_transcript(text, segment_end=seg.t_end, now=0.9)
    assert isinstance(end, TurnEnded)
    assert end.reason == "done_phrase"
    assert end.t_speech_end == pytest.approx(0.5)
    assert end.t_endpoint == 0.9
    assert s.ep.state is EndpointState.IDLE
    assert s.feed(1.0, False) == []


def test_stale_or_late_transcripts_change_nothing() -> None:
    s = Script(Endpointer())
    s.feed(0.5, True)
    [first] = of(s.feed(0.3, False), SpeechSegment)
    s.feed(0.5, True)
    # The first segment's transcript arrives while the candidate speaks again.
    assert s.ep.note_transcript("that's my answer", segment_end=first.t_end) == []
    [second] = of(s.feed(0.26, False), SpeechSegment)
    # ...or after the second segment ended: it is about an older segment.
    assert s.ep.note_transcript("I'm done", segment_end=first.t_end) == []
    assert s.ep.state is EndpointState.PAUSE
    s.feed(0.5, False)
    assert len(of(s.events, TurnEnded)) == 1
    # After the turn ended, a hold phrase cannot reopen it.
    assert s.ep.note_transcript("so", segment_end=second.t_end) == []


def test_long_monologue_is_cut_into_segments() -> None:
    cfg = EndpointerConfig(max_segment_ms=2000)
    s = Script(Endpointer(cfg))
    s.feed(0.5, False)
    s.feed(5.0, True)
    s.feed(1.0, False)
    segs = of(s.events, SpeechSegment)
    assert len(segs) == 3
    assert segs[0].t_start == pytest.approx(0.5)
    assert segs[-1].t_end == pytest.approx(5.5)
    assert len(of(s.events, SpeechStarted)) == 1
    total = sum(len(g.pcm) for g in segs) / 16000
    assert total == pytest.approx(0.4 + 5.0 + 0.16, abs=0.03)


def test_end_turn_forces_segment_and_turn_end() -> None:
    s = Script(Endpointer())
    s.feed(0.2, False)
    s.feed(0.6, True)
    seg, end = s.ep.end_turn()
    assert isinstance(seg, SpeechSegment) and seg.ends_turn
    assert isinstance(end, TurnEnded) and end.reason == "forced"
    assert end.t_endpoint == pytest.approx(0.8)
    assert s.ep.end_turn() == []


def test_reset_forgets_the_open_turn() -> None:
    s = Script(Endpointer())
    s.feed(0.5, True)
    s.ep.reset()
    assert s.ep.state is EndpointState.IDLE
    assert s.feed(2.0, False) == []


def test_barge_in_onset_is_quick() -> None:
    s = Script(Endpointer(EndpointerConfig(onset_ms=100)))
    s.feed(0.4, False)
    ev = s.feed(0.1, True)
    [onset] = of(ev, SpeechStarted)
    assert onset.t_detected - onset.t_start == pytest.approx(0.1)


def test_generation_is_carried() -> None:
    ep = Endpointer()
    events = []
    for i in range(60):
        pcm = np.zeros(N, dtype=np.int16)
        events += ep.push(AudioFrame(pcm, 16000, i * FRAME, generation=7), 10 <= i < 30)
    assert events and all(e.generation == 7 for e in events)


def test_phrase_matching() -> None:
    assert normalize("  Um...  so,") == "um so"
    assert ends_with_phrase("Let me think.", ("let me think",))
    assert ends_with_phrase("and so", ("so",))
    assert not ends_with_phrase("that is the reason", ("so",))
    assert not ends_with_phrase("also", ("so",))
    assert not ends_with_phrase("", ("so",))


def test_config_is_validated() -> None:
    with pytest.raises(ValueError, match="300"):
        EndpointerConfig(preroll_ms=200)
    with pytest.raises(ValueError):
        EndpointerConfig(tail_ms=400)
