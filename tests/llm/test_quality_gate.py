"""The quality gate's machinery, on the scripted model (the real runs are in docs/)."""

from __future__ import annotations

from llm_support import renderer

from voice_interviewer.llm.quality import format_report, gate_turns, intent_kept, run_gate
from voice_interviewer.messages import MoveKind


def test_gate_covers_the_phases_and_many_kinds():
    turns = gate_turns()
    assert len(turns) >= 20
    assert {t.move.phase for t in turns} >= {"requirements", "data", "modeling", "monitoring"}
    assert len({t.move.kind for t in turns}) == len(MoveKind)


def test_a_model_that_echoes_the_line_passes(fake_llm):
    turns = gate_turns()
    fake_llm.enqueue("ok")  # prewarm
    fake_llm.enqueue(*[t.move.text for t in turns])
    report = run_gate(renderer(first_token_timeout_s=2.0), turns)
    assert report.pass_share == 1.0 and report.passed_gate
    assert report.ttft(50) is not None
    assert "PASS" in format_report(report)


def test_a_model_that_drifts_fails(fake_llm):
    turns = gate_turns()[:5]
    fake_llm.enqueue("ok")
    fake_llm.enqueue(*["Sure! Here is a poem about the ocean and the moon."] * len(turns))
    report = run_gate(renderer(), turns)
    assert report.pass_share == 0.0 and not report.passed_gate
    assert report.problems["off_topic"] == len(turns)


def test_intent_needs_the_question_and_the_numbers():
    move = gate_turns()[4].move  # a scope answer with numbers
    assert intent_kept(move, move.text)
    assert not intent_kept(move, "There are many users and lots of products.")
