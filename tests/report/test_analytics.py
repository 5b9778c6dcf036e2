"""Speech analytics: exact figures on a hand-made journal, honest gaps on a typed session, and
plausible figures on the real recorded session."""

from __future__ import annotations

import json

import pytest
from conftest import ANSWERS, PAUSE_TURN

from voice_interviewer.session.analytics import LONG_PAUSE_S, analyse, count_fillers
from voice_interviewer.session.record import load_record


# --- fillers --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Um, I would, uh, start there", {"um": 1, "uh": 1}),
        ("Like, we could shard it", {"like": 1}),
        ("a model like GBDT would do", {}),
        ("it is, like, fast", {"like": 1}),
        ("it scales, you know, linearly", {"you know": 1}),
        ("do you know the answer", {}),
        ("I mean, it depends", {"i mean": 1}),
        ("what I mean is latency", {}),
        ("Hmm. Umm, okay", {"hmm": 1, "umm": 1}),
    ],
)
def test_fillers_count_only_set_off_uses(text, expected):
    assert count_fillers(text.split()) == expected


# --- a hand-made voice journal (no recording: the interviewer is estimated) -----------------
def _journal(tmp_path, lines):
    d = tmp_path / "20260101-000000-000-abcd"
    d.mkdir()
    (d / "journal.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return load_record(d)


def _voice_lines():
    words1 = [
        ["Um,", 10.0, 10.4],
        ["I", 10.5, 10.6],
        ["would", 10.6, 10.9],
        ["start", 10.9, 11.3],
        ["with", 11.3, 11.5],
        ["data.", 11.5, 12.0],
        ["Then", 16.0, 16.3],
        ["like,", 16.4, 16.7],
        ["train.", 16.8, 17.0],
    ]
    words2 = [["Feature", 30.0, 30.5], ["store.", 30.5, 31.0]]
    return [
        {"type": "session", "created": "2026-01-01T00:00:00+00:00", "options": {"mode": "voice"}},
        {
            "type": "turn",
            "index": 0,
            "speaker": "interviewer",
            "text": "one two three four five six",
            "phase": "requirements",
            "t": 0.0,
        },
        {"type": "timing", "turn": 0, "t_first_audio": 1.0},
        {
            "type": "said",
            "turn": 0,
            "text": "one two three four five six seven",
            "full_text": "x",
            "interrupted": False,
        },
        {
            "type": "turn",
            "index": 1,
            "speaker": "candidate",
            "text": "Um, I would start with data. Then like, train.",
            "phase": "requirements",
            "t": 18.0,
            "words": words1,
        },
        {"type": "event", "kind": "hint", "turn": 1, "detail": "level 1", "data": {"level": 1}},
        {
            "type": "turn",
            "index": 2,
            "speaker": "interviewer",
            "text": "Go on.",
            "phase": "data",
            "t": 18.1,
        },
        {
            "type": "timing",
            "turn": 2,
            "t_first_audio": 18.9,
            "response_latency": 0.4,
            "voice_to_voice": 1.1,
        },
        {
            "type": "turn",
            "index": 3,
            "speaker": "candidate",
            "text": "Feature store.",
            "phase": "data",
            "t": 32.0,
            "words": words2,
        },
        {
            "type": "state",
            "phase": "data",
            "phases": [
                {"phase": "requirements", "started_at": 0.0, "ended_at": 18.05},
                {"phase": "data", "started_at": 18.05, "ended_at": None},
            ],
        },
    ]


def test_voice_figures_from_word_timestamps(tmp_path):
    a = analyse(_journal(tmp_path, _voice_lines()))
    assert a.available and a.basis == "word timestamps"
    assert a.interviewer_basis == "estimated from the heard text"
    assert "estimated" in a.note
    t1, t3 = a.turns
    # talk: 10.0-12.0 and 16.0-17.0 (the 4 s gap is not talk), 9 words
    assert t1.talk_s == pytest.approx(3.0) and t1.words == 9
    assert t1.words_per_minute == pytest.approx(180.0)
    assert t1.fillers == 2  # "Um," and "like,"
    # the interviewer's 7 heard words at 2.8 words/s from t_first_audio 1.0 end at 3.5
    assert a.interviewer_spans[0] == pytest.approx((1.0, 3.5))
    assert t1.first_word_after_s == pytest.approx(6.5)
    assert a.pauses and a.pauses[0].turn == 1 and a.pauses[0].duration_s == pytest.approx(4.0)
    assert a.pauses[0].duration_s > LONG_PAUSE_S
    req, data = a.phases
    assert (req.phase, data.phase) == ("requirements", "data")
    assert req.hints == 1 and data.hints == 0 and a.overall.hints == 1
    assert req.long_pauses == 1 and data.long_pauses == 0
    assert req.longest_monologue_s == pytest.approx(7.0) and req.longest_monologue_turn == 1
    assert data.candidate_talk_s == pytest.approx(1.0) and data.words_per_minute == pytest.approx(
        120.0
    )
    # "Go on." (2 words) from 18.9: 0.714 s
    assert data.interviewer_talk_s == pytest.approx(2 / 2.8, abs=1e-3)
    assert a.overall.candidate_talk_s == pytest.approx(4.0)
    assert a.overall.candidate_share == pytest.approx(4.0 / (4.0 + 2.5 + 2 / 2.8), abs=1e-3)
    assert a.overall.fillers_per_minute == pytest.approx(2 / (4.0 / 60), abs=0.1)
    assert [x["turn"] for x in a.latencies] == [2]


def test_typed_session_has_counts_but_no_invented_timings(text_session):
    a = analyse(load_record(text_session))
    assert not a.available and a.basis == "typed text" and a.interviewer_basis is None
    assert "Typed session" in a.note
    o = a.overall
    assert o.candidate_words > 30 and o.hints == 1
    assert o.fillers == 3  # "Um," / ", like," / ", you know,"
    for name in (
        "candidate_talk_s",
        "interviewer_talk_s",
        "candidate_share",
        "words_per_minute",
        "fillers_per_minute",
        "longest_monologue_s",
        "first_word_after_s",
    ):
        assert getattr(o, name) is None, name
        for p in a.phases:
            assert getattr(p, name) is None, (p.phase, name)
    assert a.pauses == [] and a.interviewer_spans == {} and a.latencies == []


# --- the real recorded session ----------------------------------------------------------------
@pytest.fixture(scope="module")
def voice(voice_session_dir):
    record = load_record(voice_session_dir)
    return record, analyse(record)


def test_recorded_session_is_measured_from_the_recording(voice):
    record, a = voice
    assert a.available and a.interviewer_basis == "recording"
    candidate = [t for t in record.turns if t["speaker"] == "candidate"]
    assert len(a.turns) == len(candidate) == len(ANSWERS)
    o = a.overall
    assert 80 <= o.words_per_minute <= 300
    assert 0.05 < o.candidate_share < 0.6  # the interviewer presents the problem at length
    assert o.hints == 1
    assert a.filler_counts.get("um", 0) >= 2  # two answers open with "Um"
    assert o.fillers_per_minute > 0


def test_recorded_session_interviewer_spans_follow_the_replies(voice):
    record, a = voice
    for t in record.turns:
        if t["speaker"] != "interviewer":
            continue
        start, end = a.interviewer_spans[t["index"]]
        timing = record.timing(t["index"])
        assert abs(start - timing.t_first_audio) < 0.3, (t["index"], start, timing.t_first_audio)
        # the span covers the reply: Piper at length_scale 0.5 says 2-10 words a second
        # (a list like the scorecard's has a pause at every semicolon)
        assert 2 <= len(t["text"].split()) / (end - start) <= 10, (t["index"], end - start)
        following = [x for x in a.turns if x.turn == t["index"] + 1]
        if following:  # and it ends before the candidate answers
            assert end < following[0].start


def test_recorded_session_pause_and_first_word(voice):
    record, a = voice
    candidate = [t["index"] for t in record.turns if t["speaker"] == "candidate"]
    pause_turn = candidate[PAUSE_TURN]
    assert [p.turn for p in a.pauses] == [pause_turn]
    assert 3.0 < a.pauses[0].duration_s < 4.8  # a 3.8 s pause in the synthesized answer
    for stats in a.turns:
        # the replay answers 0.3 s after the reply ends, and each answer has 0.3 s of lead-in
        assert 0.2 < stats.first_word_after_s < 2.0, stats
    longest = max(a.turns, key=lambda s: s.end - s.start)
    assert a.overall.longest_monologue_turn == longest.turn == pause_turn
