"""Adaptive difficulty: the warm-up sets the problem's level; strong candidates get constraints."""

from __future__ import annotations

import pytest
from candidates import FILLER, GOOD_RECOMMENDATION, play, scenario
from scenario import BARE_LIST_WARMUP, POOR_WARMUP, SOLID_WARMUP, STRONG_WARMUP

from voice_interviewer.messages import MoveKind


def _run_to_end(s, text=FILLER, seconds=150):
    for _ in range(80):
        if s.say(text, seconds).ends_interview:
            return


@pytest.mark.parametrize(
    "warmup",
    [
        POOR_WARMUP,
        "I don't know.",
        "Um, you get some data and then you train a model, not sure what else.",
        "Honestly no idea, maybe you just use a neural network.",
    ],
)
def test_poor_warmup_gets_an_easy_problem(content, warmup):
    s = scenario(content, warmup=warmup)
    assert s.director.warmup_level == "poor"
    assert s.director.difficulty == "easy" and s.director.problem.difficulty == "easy"
    assert s.moves[-1].kind == MoveKind.PRESENT_PROBLEM
    assert s.director.problem.question in s.moves[-1].text


def test_solid_warmup_gets_a_medium_problem(content):
    s = scenario(content, warmup=SOLID_WARMUP)
    assert s.director.warmup_level == "solid"
    assert s.director.problem.difficulty == "medium"


def test_strong_warmup_gets_a_hard_problem(content):
    s = scenario(content, warmup=STRONG_WARMUP)
    assert s.director.warmup_level == "strong"
    assert s.director.problem.difficulty == "hard"
    assert s.director.problem.question in s.moves[-1].text


@pytest.mark.parametrize(
    "warmup",
    [
        BARE_LIST_WARMUP,
        "Data ingestion, feature engineering, training, evaluation, deployment, monitoring, "
        "retraining. Things go wrong with drift and skew.",
    ],
)
def test_a_bare_list_of_stages_is_a_medium_problem_at_most(content, warmup):
    """Naming every stage without saying why or how is a solid warm-up, not a strong one:
    a Principal ML engineer would not give the hardest problem to a vocabulary list."""
    s = scenario(content, warmup=warmup)
    assert s.director.warmup_level == "solid"
    assert s.director.problem.difficulty == "medium"
    assert s.events("warmup")[0].data["explained"] == 0


def test_strong_candidate_gets_the_problems_follow_up_constraints(content):
    s = scenario(content, warmup=STRONG_WARMUP, seconds=60)
    _run_to_end(s)
    problem = s.director.problem
    follow_ups = [e.detail for e in s.events("follow_up")]
    assert len(follow_ups) >= 2
    assert follow_ups == list(problem.follow_ups[: len(follow_ups)])
    # Constraints come once the design is under way: not in the scope phase.
    phases = {s.director.turns[e.turn].phase for e in s.events("follow_up")}
    assert "requirements" not in phases
    said = [m.text for m in s.moves if m.kind == MoveKind.FOLLOW_UP]
    assert any(problem.follow_ups[0] in text for text in said)


@pytest.mark.parametrize("warmup", [POOR_WARMUP, SOLID_WARMUP])
def test_candidates_who_are_not_strong_get_no_constraints(content, warmup):
    s = scenario(content, warmup=warmup, seconds=60)
    _run_to_end(s)
    assert s.events("follow_up") == []


def test_answering_everything_quickly_earns_constraints(content):
    """A solid warm-up, then every phase's goals covered in well under half its time."""
    s = scenario(content, warmup=SOLID_WARMUP, problem_id="recommendation", seconds=60)
    play(s, GOOD_RECOMMENDATION)
    assert s.events("follow_up"), "a candidate who covered everything quickly got no constraints"
    assert s.events("follow_up")[0].detail == content.problem("recommendation").follow_ups[0]


def test_forced_difficulty_overrides_the_warmup(content):
    s = scenario(content, warmup=POOR_WARMUP, difficulty="hard")
    assert s.director.problem.difficulty == "hard"


def test_new_session_avoids_recent_problems(content):
    s = scenario(content, warmup=SOLID_WARMUP)
    first = s.director.problem.id
    s2 = scenario(content, warmup=SOLID_WARMUP, recent_problems=(first,))
    assert s2.director.problem.id != first and s2.director.problem.difficulty == "medium"


# --- issue 9: adapting never throws away what was heard ----------------------------------------------
FEATURES = (
    "Training sets use point in time joins so nothing leaks from after the click, and we log "
    "the features at serving so training sees exactly what serving saw."
)


def _rating(s, area: str) -> str:
    return next(a.rating for a in s.director.scorecard.areas if a.area == area)


def test_harder_after_the_first_phase_adds_a_constraint_to_the_same_problem(content):
    s = scenario(content, warmup=SOLID_WARMUP, problem_id="recommendation")
    s.say("next phase", 10)
    s.say(FEATURES, 60)
    problem = s.director.problem
    move = s.say("This is too easy, give me something harder.", 10)
    assert move.kind == MoveKind.DIFFICULTY_CHANGE
    assert s.director.problem is problem  # the same problem, the design goes on
    assert problem.follow_ups[0] in move.text and move.question == problem.follow_ups[0]
    move = s.say("harder please", 10)
    assert problem.follow_ups[1] in move.text
    s.say("end the interview", 5)
    assert _rating(s, "feature_engineering") == "Expert"


def test_harder_with_no_constraint_left_says_so_and_keeps_the_problem(content):
    s = scenario(content, warmup=SOLID_WARMUP, problem_id="recommendation")
    s.say("next phase", 10)
    problem = s.director.problem
    for _ in problem.follow_ups:
        s.say("make it harder", 10)
    move = s.say("make it harder", 10)
    assert s.director.problem is problem
    assert move.text.startswith(content.lines["no_more_constraints"].split("{")[0])


@pytest.mark.parametrize(
    "request_words", ["Can I have an easier problem?", "Something harder, please."]
)
def test_a_problem_switch_keeps_the_evidence_heard_before_it(content, request_words):
    """The issue: "harder" started a new problem and dropped all earlier evidence."""
    s = scenario(content, warmup=SOLID_WARMUP, problem_id="recommendation")
    s.say(FEATURES, 60)
    before = s.director.problem
    move = s.say(request_words, 10)
    assert move.kind == MoveKind.DIFFICULTY_CHANGE and s.director.problem is not before
    s.say("end the interview", 5)
    assert _rating(s, "feature_engineering") == "Expert"
    fe = next(a for a in s.director.scorecard.areas if a.area == "feature_engineering")
    assert fe.evidence and all(e.turn < move.turn for e in fe.evidence)
