"""The seed's interviewer notes: each probe fires once, when its trigger is heard, and never when
the candidate already covered its point; pushback when the model comes before the business."""

from __future__ import annotations

import pytest
from candidates import FILLER, GOOD_RECOMMENDATION, play, scenario, to_phase
from scenario import STRONG_WARMUP, Scenario

from voice_interviewer.messages import MoveKind


def _probe(content, probe_id: str):
    return next(p for p in content.probes if p.id == probe_id)


def _at(content, phase: str, *setup: str) -> Scenario:
    s = scenario(content, problem_id="recommendation")
    to_phase(s, phase)
    for text in setup:
        move = s.say(text, 20)
        assert move.kind != MoveKind.PROBE, (text, move.text)
    return s


def _probed(s: Scenario) -> list[str]:
    return [e.detail for e in s.events("probe")]


LABELS = "Labels come from purchases, which arrive within a day."

# (probe, phase, setup turns, the turn that triggers it, the same turn with the point covered)
CASES = [
    (
        "point_in_time",
        "data",
        [],
        "We keep the user and item features in a feature store.",
        "We keep the features in a feature store, and build training sets with point-in-time "
        "joins.",
    ),
    (
        "training_serving_skew",
        "data",
        [],
        "Online features sit in Redis and offline features in Hive.",
        "Online features sit in Redis and offline features in Hive, and we log the features at "
        "serving so training and serving see the same values, no skew.",
    ),
    (
        "realtime_serving",
        "modeling",
        [LABELS],
        "The ranker is served behind a gRPC prediction service.",
        "The ranker is served behind a gRPC prediction service; pods are prewarmed to avoid cold "
        "starts, model loading takes two seconds, and a rolling update handles the rollover.",
    ),
    (
        "gbdt_vs_deep",
        "modeling",
        [LABELS],
        "The ranker is a deep neural network with five layers.",
        "The ranker is a deep neural network, but first a gradient boosted tree baseline to beat.",
    ),
    (
        "data_quality_early",
        "modeling",
        [],
        "I'd use a two tower architecture with an embedding layer for users and items.",
        "After cleaning the data and fixing class imbalance, I'd use a two tower architecture with "
        "an embedding layer.",
    ),
    (
        "ab_testing",
        "monitoring",
        [],
        "We'd launch it with an A/B test.",
        "We'd launch it with an A/B test: revenue per session as the primary metric, a sample size "
        "from a power analysis, and two weeks so the novelty effect wears off.",
    ),
]


@pytest.mark.parametrize(
    ("probe_id", "phase", "setup", "trigger", "_covered"), CASES, ids=[c[0] for c in CASES]
)
def test_probe_fires_on_its_trigger(content, probe_id, phase, setup, trigger, _covered):
    s = _at(content, phase, *setup)
    move = s.say(trigger, 20)
    assert move.kind == MoveKind.PROBE
    assert move.text == _probe(content, probe_id).question
    assert _probed(s) == [probe_id]
    assert s.events("probe")[0].turn == move.turn - 1  # the candidate's turn that triggered it


@pytest.mark.parametrize(
    ("probe_id", "phase", "setup", "trigger", "_covered"), CASES, ids=[c[0] for c in CASES]
)
def test_probe_fires_only_once(content, probe_id, phase, setup, trigger, _covered):
    s = _at(content, phase, *setup)
    assert s.say(trigger, 20).kind == MoveKind.PROBE
    s.say(FILLER, 20)
    move = s.say(trigger, 20)
    assert move.kind != MoveKind.PROBE or move.text != _probe(content, probe_id).question
    assert _probed(s).count(probe_id) == 1


@pytest.mark.parametrize(
    ("probe_id", "phase", "setup", "_trigger", "covered"), CASES, ids=[c[0] for c in CASES]
)
def test_probe_does_not_fire_when_the_point_is_already_covered(
    content, probe_id, phase, setup, _trigger, covered
):
    s = _at(content, phase, *setup)
    move = s.say(covered, 20)
    assert probe_id not in _probed(s)
    assert move.kind != MoveKind.PROBE


def test_point_covered_in_an_earlier_turn_suppresses_the_probe(content):
    s = _at(
        content,
        "data",
        "Every training example is built with point in time joins, so no label leakage.",
    )
    move = s.say("The features themselves live in a feature store.", 20)
    assert "point_in_time" not in _probed(s) and move.kind != MoveKind.PROBE


@pytest.mark.parametrize(
    ("probe_id", "partial"),
    [
        (
            "realtime_serving",
            "The ranker is served behind a gRPC prediction service and pods are "
            "prewarmed to avoid cold starts.",
        ),
        (
            "ab_testing",
            "We'd launch it with an A/B test on revenue per session as the primary metric.",
        ),
    ],
)
def test_a_partly_covered_point_is_still_probed(content, probe_id, partial):
    """These notes ask about several things ("covered_when = all"): one is not enough."""
    phase = "modeling" if probe_id == "realtime_serving" else "monitoring"
    s = _at(content, phase, LABELS)
    move = s.say(partial, 20)
    assert move.kind == MoveKind.PROBE and _probed(s) == [probe_id]


def test_full_lifecycle_probe_after_three_turns_of_model_only(content):
    s = _at(content, "modeling", LABELS)
    for text in (
        "I'd use a two tower architecture with an embedding layer for users and items.",
        "Each tower has three hidden layers and they share the embedding layer.",
    ):
        assert s.say(text, 20).kind != MoveKind.PROBE
    move = s.say(
        "On top we add an attention layer over the last items before the final layers.", 20
    )
    assert move.kind == MoveKind.PROBE
    assert move.text == _probe(content, "full_lifecycle").question
    assert _probed(s) == ["full_lifecycle"]


def test_full_lifecycle_probe_not_fired_when_monitoring_came_up(content):
    s = _at(content, "modeling", LABELS)
    s.say("I'd use a two tower architecture with an embedding layer for users and items.", 20)
    s.say(
        "Each tower has three hidden layers, and we monitor click through rate on a dashboard.", 20
    )
    s.say("On top we add an attention layer over the last items before the final layers.", 20)
    assert "full_lifecycle" not in _probed(s)


def test_warmup_mentions_do_not_trigger_probes(content):
    """The strong warm-up names a feature store and real-time serving; the design has not."""
    s = scenario(content, warmup=STRONG_WARMUP)
    move = s.say(FILLER, 20)
    assert move.kind != MoveKind.PROBE and _probed(s) == []


def test_each_probe_fires_at_most_once_in_a_whole_interview(content):
    s = scenario(content, problem_id="recommendation", seconds=60)
    play(s, GOOD_RECOMMENDATION + GOOD_RECOMMENDATION)
    fired = _probed(s)
    assert fired and len(fired) == len(set(fired))
    assert set(fired) <= {p.id for p in content.probes}


# --- pushback (seed, phase 1: "Push back if they jump straight to model architecture") -----------
def test_pushback_when_the_model_comes_before_the_business(content):
    s = scenario(content, problem_id="recommendation")
    move = s.say("I would use a two tower neural network with attention layers.", 20)
    assert move.kind == MoveKind.PUSHBACK
    asks = content.lines["pushback_questions"]
    assert all(asks[g] in move.text for g in asks), move.text
    assert [e.type for e in s.director.events].count("pushback") == 1


def test_pushback_asks_only_for_what_is_missing(content):
    """The candidate stated the objective and the metric, then went to the model: the
    pushback asks for the data, not again for what was just said."""
    s = scenario(content, problem_id="recommendation")
    s.say("The goal is revenue per session, and we measure success by conversion rate.", 20)
    move = s.say("I would use a two tower neural network with attention layers.", 20)
    assert move.kind == MoveKind.PUSHBACK
    asks = content.lines["pushback_questions"]
    assert asks["data_sources"] in move.text
    assert asks["business_objective"] not in move.text
    assert asks["success_metric"] not in move.text


def test_no_pushback_once_objective_and_data_are_stated(content):
    s = scenario(content, problem_id="recommendation")
    s.say(
        "The business objective is revenue per session, and the data sources are clickstream logs "
        "and purchase history.",
        20,
    )
    move = s.say("Then I would use a two tower neural network with attention layers.", 20)
    assert move.kind != MoveKind.PUSHBACK and s.events("pushback") == []


def test_no_pushback_once_the_data_was_discussed(content):
    """The seed pushes back on jumping to the model "without understanding the data": a
    candidate who looked at the labels and their quality first has not jumped, even with the
    objective still open."""
    s = scenario(content, problem_id="recommendation")
    s.say(
        "Before any model I'd look at the labels: purchases are sparse and clicks are noisy, "
        "and bot sessions inflate clicks, so I'd clean those out first.",
        20,
    )
    move = s.say("Then I would use a two tower neural network with attention layers.", 20)
    assert move.kind != MoveKind.PUSHBACK and s.events("pushback") == []


def test_pushback_at_most_twice(content):
    s = scenario(content, problem_id="recommendation")
    kinds = [
        s.say("A transformer with more attention layers and a bigger embedding layer.", 10).kind
        for _ in range(4)
    ]
    assert kinds[:2] == [MoveKind.PUSHBACK, MoveKind.PUSHBACK]
    assert MoveKind.PUSHBACK not in kinds[2:]
    assert len(s.events("pushback")) == 2


def test_no_pushback_outside_the_first_phase(content):
    s = _at(content, "modeling", LABELS)
    move = s.say("I would use a two tower neural network with attention layers.", 20)
    assert move.kind != MoveKind.PUSHBACK and s.events("pushback") == []


# --- issue 9: probes listen to what kind of sentence named the trigger ----------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Do we already have a feature store?",
        "We don't need a feature store for this.",
        "I'm honestly not sure what a feature store is.",
    ],
)
def test_a_question_negation_or_admission_triggers_no_probe(content, text):
    s = _at(content, "data")
    move = s.say(text, 20)
    assert move.kind != MoveKind.PROBE and "point_in_time" not in _probed(s)
    s.say(FILLER, 20)
    assert "point_in_time" not in _probed(s)


def test_dismissing_gradient_boosting_gets_the_gbdt_probe_in_its_dismissal_form(content):
    """The issue: "Gradient boosting is old school, I wouldn't bother" counted as covering the
    GBDT-versus-deep-learning point. It is the red flag the seed's note is about."""
    s = _at(content, "modeling", LABELS)
    move = s.say("Gradient boosting is old school, I wouldn't bother.", 20)
    assert move.kind == MoveKind.PROBE
    assert move.text == _probe(content, "gbdt_vs_deep").dismissal_question
    assert not s.director.coverage.covered("gbdt")


def test_a_probe_that_lost_its_turn_is_asked_at_the_next_chance_even_after_a_phase_change(content):
    """The issue: point-in-time was never asked after a feature store without it, because a
    skew probe won that turn and the phase then changed."""
    s = _at(content, "data")
    move = s.say(
        "Features live in a feature store, with online features in Redis and offline features "
        "in Hive.",
        20,
    )
    assert move.kind == MoveKind.PROBE
    first = _probed(s)[0]
    assert set(s.director.state.probes.queued) | {first} == {
        "point_in_time",
        "training_serving_skew",
    }
    move = s.say("next phase", 10)
    assert move.kind == MoveKind.PHASE_CHANGE and s.director.phase.id == "modeling"
    move = s.say(FILLER, 20)
    assert move.kind == MoveKind.PROBE
    assert set(_probed(s)) == {"point_in_time", "training_serving_skew"}


def test_a_queued_probe_whose_point_gets_covered_is_dropped(content):
    s = _at(content, "data")
    s.say("Features live in a feature store, with online features in Redis.", 20)
    queued = list(s.director.state.probes.queued)
    assert queued
    s.say(
        "Training sets use point in time joins, and we log the features at serving so training "
        "sees exactly what serving saw.",
        20,
    )
    s.say(FILLER, 20)
    assert not s.director.state.probes.queued


def test_probes_are_not_asked_back_to_back(content):
    s = _at(content, "data")
    s.say("Features live in a feature store, with online features in Redis.", 20)
    move = s.say(FILLER, 20)
    assert move.kind != MoveKind.PROBE  # the candidate was answering the first probe


def test_an_all_probe_asks_only_the_parts_not_covered(content):
    """Never ask for what was covered: the candidate named the metric and the novelty effect,
    so the A/B probe asks only about the sample size."""
    s = _at(content, "monitoring")
    move = s.say(
        "We'd launch it with an A/B test with revenue per session as the primary metric, and "
        "read it after the novelty effect wears off.",
        20,
    )
    assert move.kind == MoveKind.PROBE
    probe = _probe(content, "ab_testing")
    assert move.text.startswith(probe.lead)
    assert probe.parts["sample_size"] in move.text
    assert probe.parts["metric_selection"] not in move.text
    assert probe.parts["novelty_effect"] not in move.text


def test_the_data_quality_note_is_a_probe_of_its_own(content):
    """The seed: "Ask about data quality early. Candidates who jump to model architecture
    without discussing data labeling, data cleaning, and class balance..."."""
    s = _at(content, "data")
    move = s.say("I'd go straight to a two tower neural network with an attention layer.", 20)
    assert move.kind == MoveKind.PROBE
    assert move.text == _probe(content, "data_quality_early").question


def test_each_seed_note_fires_exactly_when_it_should_in_one_interview(content):
    """One candidate whose answers call for each interviewer note of the seed once, in this
    order; none fires earlier, none twice, and none whose point was made."""
    s = scenario(content, problem_id="recommendation", seconds=30)
    script = [
        # requirements: the model before the business -> pushback (the phase-1 instruction)
        ("I would use a two tower neural network with attention layers.", "pushback"),
        # the pushback answered; the model still came before any word on data quality
        (
            "The objective is revenue per session, measured by conversion, and we have "
            "clickstream logs and purchase history.",
            "data_quality_early",
        ),
        ("Labels are purchases; we remove bots and duplicates before training.", None),
        ("@data", None),
        # a deep model, no simpler baseline yet (queued since the first turn)
        ("Then a deep neural ranker on top of the two towers.", "gbdt_vs_deep"),
        ("A tree model might do, I'd compare it against the deep ranker offline.", None),
        # a feature store without point-in-time correctness -> point in time
        ("The user features live in a feature store.", "point_in_time"),
        (
            "Training sets are joined as of the event time so nothing leaks from the future.",
            None,
        ),
        # features computed in two places -> training-serving skew
        ("Online features sit in Redis and offline features in Hive.", "training_serving_skew"),
        ("We log the features at serving time and train on the logs.", None),
        # real-time serving -> cold start, model loading, rollover
        ("@modeling", None),
        ("The ranker is served in real time behind a gRPC prediction service.", "realtime_serving"),
        (
            "Pods are prewarmed, the model loads in two seconds, and a rolling update handles the "
            "rollover.",
            None,
        ),
        # an A/B test -> metric, sample size, novelty
        ("@monitoring", None),
        ("We'd launch it with an A/B test.", "ab_testing"),
        (
            "Revenue per session is the primary metric, a power analysis gives the sample size, "
            "and we wait two weeks for the novelty effect to wear off.",
            None,
        ),
    ]
    for text, expected in script:
        if text.startswith("@"):
            to_phase(s, text[1:])  # covering a phase's goals may have moved on already
            continue
        before = len(s.events("probe")) + len(s.events("pushback"))
        move = s.say(text, 30)
        after = s.events("probe") + s.events("pushback")
        if expected is None:
            assert len(after) == before, (text, move.text)
        else:
            assert len(after) == before + 1, (text, move.text)
            newest = max(after, key=lambda e: e.turn)
            assert (newest.detail if newest.type == "probe" else "pushback") == expected, text
    fired = _probed(s)
    assert len(fired) == len(set(fired))
    # The full-lifecycle note needs three model-only turns; this candidate never gave them.
    assert "full_lifecycle" not in fired


def test_waving_away_a_probe_gets_pressed_once(content):
    s = _at(content, "modeling", LABELS)
    move = s.say("The ranker is a deep neural network with five layers.", 20)
    assert move.text == _probe(content, "gbdt_vs_deep").question
    move = s.say("Gradient boosting is old school, I wouldn't bother.", 20)
    assert move.kind == MoveKind.PROBE
    assert move.text == _probe(content, "gbdt_vs_deep").dismissal_question
    move = s.say("Trees are just old school, honestly.", 20)
    assert move.text != _probe(content, "gbdt_vs_deep").dismissal_question
