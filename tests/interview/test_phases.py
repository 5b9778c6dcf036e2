"""Time-driven phases on the virtual clock: 10/15/20/15 minutes, the push for missing goals near
a phase's end, early transitions when the goals are covered, and pauses that stop the clock."""

from __future__ import annotations

import re

import pytest
from candidates import FILLER, GOOD_RECOMMENDATION, play, scenario

from voice_interviewer.messages import MoveKind

BOUNDARIES = {"data": 600.0, "modeling": 1500.0, "monitoring": 2700.0}


@pytest.fixture(scope="module")
def silent_run(content):
    """A candidate who never covers a goal, one 150-second turn after another, to the end
    (150 s divides every phase boundary: 600, 1500, 2700 and 3600 seconds)."""
    s = scenario(content, problem_id="recommendation", seconds=150)
    for _ in range(40):
        if s.say(FILLER, 150).ends_interview:
            break
    return s


def test_phase_budgets_are_10_15_20_15_minutes(content):
    assert [(p.id, p.minutes) for p in content.phases] == [
        ("requirements", 10),
        ("data", 15),
        ("modeling", 20),
        ("monitoring", 15),
    ]


def test_time_moves_the_phases_on_at_their_budgets(silent_run):
    spans = [(sp.phase, sp.started_at, sp.ended_at) for sp in silent_run.director.phase_spans]
    assert spans == [
        ("requirements", 0.0, 600.0),
        ("data", 600.0, 1500.0),
        ("modeling", 1500.0, 2700.0),
        ("monitoring", 2700.0, 3600.0),
    ]
    changes = silent_run.events("phase_change")
    assert [c.data["to"] for c in changes] == ["data", "modeling", "monitoring"]
    assert all(c.data["reason"] == "time" for c in changes)


def test_each_phase_change_happens_on_the_first_turn_past_the_budget(silent_run):
    for move in silent_run.moves:
        if move.kind == MoveKind.PHASE_CHANGE:
            t = silent_run.director.turns[move.turn].t
            assert t == BOUNDARIES[move.phase]
    # No phase change before its boundary: every turn before 600 s is in requirements, etc.
    for turn in silent_run.director.turns:
        if turn.speaker == "candidate" and 0 < turn.t < 600:
            assert turn.phase == "requirements"


def test_the_interview_ends_at_sixty_minutes_with_a_scorecard(silent_run):
    last = silent_run.moves[-1]
    assert last.kind == MoveKind.WRAP_UP and last.ends_interview
    assert silent_run.director.elapsed() == 3600.0
    assert silent_run.director.scorecard is not None
    assert all(a.rating == "Novice" for a in silent_run.director.scorecard.areas)


def test_phase_change_announces_the_next_phase_and_what_was_missed(silent_run, content):
    change = next(m for m in silent_run.moves if m.kind == MoveKind.PHASE_CHANGE)
    assert content.phase("data").opening in change.text
    assert "the business objective" in change.text  # missed, and said so


def test_push_for_missing_goals_near_each_phases_end(silent_run, content):
    pushes = [m for m in silent_run.moves if m.kind == MoveKind.PUSH_MISSING]
    assert [p.phase for p in pushes] == ["requirements", "data", "modeling", "monitoring"]
    for push in pushes:
        phase = content.phase(push.phase)
        start = next(
            sp.started_at for sp in silent_run.director.phase_spans if sp.phase == push.phase
        )
        t = silent_run.director.turns[push.turn].t - start
        # At or after push_at of the budget, and before the end.
        assert phase.push_at * phase.minutes * 60 <= t < phase.minutes * 60
        assert push.question == phase.questions[phase.goals[0]]
        assert "minutes left" in push.text or "one minute" in push.text
        assert content.label(phase.goals[0]) in push.text
    first = pushes[0]
    assert silent_run.director.turns[first.turn].t == 450.0  # 7:30 of 10:00
    assert re.search(r"about (2|3) minutes left on requirements & scope", first.text), first.text


def test_no_push_before_the_push_point(content):
    s = scenario(content, problem_id="recommendation", seconds=60)
    for _ in range(6):  # up to 7:00 of the 10-minute phase, push_at is 7:30
        assert s.say(FILLER, 60).kind != MoveKind.PUSH_MISSING
    assert s.events("push") == []


def test_push_names_only_what_is_missing(content):
    s = scenario(content, problem_id="recommendation", seconds=60)
    s.say(
        "The business objective is revenue per session and success is measured by click through "
        "rate.",
        60,
    )
    for _ in range(8):
        move = s.say(FILLER, 60)
        if move.kind == MoveKind.PUSH_MISSING:
            break
    assert move.kind == MoveKind.PUSH_MISSING
    assert "the data sources" in move.text
    assert "the business objective" not in move.text and "how success is measured" not in move.text
    assert move.question == content.phase("requirements").questions["data_sources"]


def test_covering_the_goals_moves_on_early(content):
    s = scenario(content, problem_id="recommendation", seconds=60)
    play(s, GOOD_RECOMMENDATION[:3])
    assert s.director.phase.id == "data"
    change = s.events("phase_change")[0]
    assert change.data["reason"] == "goals covered"
    assert s.director.phase_spans[0].ended_at < 600
    assert "You covered" in s.moves[-1].text


def test_pause_stops_the_phase_clock(content):
    s = scenario(content, problem_id="recommendation", seconds=60)
    s.say(FILLER, 60)  # 2:00
    s.say("pause", 60)  # paused at 3:00
    s.say("resume", 40 * 60)  # 40 minutes away
    assert s.director.elapsed() == 180.0
    assert s.director.minutes_left_in_phase() == 7.0
    moves = [s.say(FILLER, 60) for _ in range(6)]  # 9:00 of interview time
    assert all(m.kind != MoveKind.PHASE_CHANGE for m in moves)
    assert s.director.phase.id == "requirements"
    move = s.say(FILLER, 60)  # 10:00
    # Spans are on the session clock, like turn times: the 40-minute pause is inside the span.
    assert (
        move.kind == MoveKind.PHASE_CHANGE and s.director.phase_spans[0].ended_at == 600.0 + 40 * 60
    )


def test_the_snapshot_reports_minutes_left(content):
    s = scenario(content, problem_id="recommendation", seconds=60)
    move = s.say(FILLER, 150)
    assert move.snapshot.phase == "requirements"
    assert move.snapshot.minutes_left_in_phase == 6.5
