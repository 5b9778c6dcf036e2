"""Speculative turns: a fork answers ahead of the endpoint; only a commit changes anything."""

from __future__ import annotations

from scenario import SOLID_WARMUP

from voice_interviewer.clock import VirtualClock
from voice_interviewer.messages import CandidateTurn
from voice_interviewer.session.events import TurnLine, encode
from voice_interviewer.session.journal import read_journal
from voice_interviewer.session.live import InterviewSession, SessionOptions


def _session(content) -> tuple[InterviewSession, VirtualClock]:
    clock = VirtualClock()
    session = InterviewSession.start(content, clock, SessionOptions(problem_id="recommendation"))
    session.open()
    clock.advance(60)
    session.respond(SOLID_WARMUP)
    return session, clock


def _journal_turns(session: InterviewSession) -> list[dict]:
    return [encode(e) for e in read_journal(session.journal.path).events if isinstance(e, TurnLine)]


def test_a_dropped_speculation_leaves_no_trace(content):
    session, clock = _session(content)
    before = (
        len(session.director.turns),
        session.director.hint_level,
        len(_journal_turns(session)),
    )
    spec = session.speculate("give me a hint")
    assert spec.move.kind.value == "hint" and spec.director.hint_level == 1
    # The candidate went on talking: the speculation is simply dropped.
    after = (len(session.director.turns), session.director.hint_level, len(_journal_turns(session)))
    assert after == before
    move = session.respond("give me a hint, and also what is the scale?")
    assert session.director.hint_level == 1 and move.kind.value == "hint"


def test_a_committed_speculation_is_the_same_as_answering(content):
    text = "The business objective is revenue per session, from clickstream logs."
    plain, clock_a = _session(content)
    spec_session, clock_b = _session(content)
    expected = plain.respond(CandidateTurn(text, t_speech_end=1.0, t_endpoint=1.7))
    spec = spec_session.speculate(text)
    move = spec_session.commit(spec, CandidateTurn(text, t_speech_end=1.0, t_endpoint=1.7))
    assert (move.kind, move.text, move.question) == (
        expected.kind,
        expected.text,
        expected.question,
    )
    a = [(t["speaker"], t["text"]) for t in _journal_turns(plain)]
    b = [(t["speaker"], t["text"]) for t in _journal_turns(spec_session)]
    assert a == b
    assert _journal_turns(spec_session)[-2]["t_endpoint"] == 1.7
