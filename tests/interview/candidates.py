"""Scripted candidates and small helpers shared by the scenario tests.

The scripts are written for the seed's recommendation problem (``problem_id="recommendation"``)
so that the hints, the key concepts and the scope facts they meet are known.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scenario import SOLID_WARMUP, Scenario

from voice_interviewer.interview.content import Content
from voice_interviewer.messages import MoveKind

ROOT = Path(__file__).resolve().parents[2]

# Says nothing the director listens for, and is long enough not to be asked to say more.
FILLER = (
    "I think there are a number of things to weigh here and I would go through them one at a time."
)

# A candidate who covers every phase's goals in order. Each entry: (seconds, words).
GOOD_RECOMMENDATION = [
    (
        120,
        "The business objective is to grow revenue per session, and success is measured by "
        "click through rate offline and revenue online.",
    ),
    (120, "For data sources we have clickstream logs and purchase history in the data warehouse."),
    (
        120,
        "The latency budget is 50 milliseconds at p99 and the scale is 50 million daily active "
        "users.",
    ),
    (
        120,
        "Labels come from clicks and purchases as implicit feedback, and we check data quality by "
        "removing bots and duplicates.",
    ),
    (
        120,
        "Features live in a feature store with an online store in Redis and an offline store in "
        "Hive.",
    ),
    (
        120,
        "Training sets are built with point in time joins so there is no label leakage, and we log "
        "the features at serving to avoid training serving skew.",
    ),
    (120, "Session features come from Kafka and Flink as streaming features."),
    (
        120,
        "I'd start with a logistic regression baseline, then try gradient boosted trees before "
        "anything deep.",
    ),
    (
        120,
        "The training pipeline runs daily in Airflow and models go into a model registry with "
        "versions.",
    ),
    (
        120,
        "Candidates come from a two tower model with a FAISS index, then a ranker served in real "
        "time "
        "over gRPC, and we precompute item embeddings in batch.",
    ),
    (
        120,
        "To stay fast we cache features and quantize the ranker; new pods warm up before taking "
        "traffic, the model loading time is a few seconds, and we use a rolling update for "
        "rollover.",
    ),
    (
        120,
        "We run an A B test with revenue per session as the primary metric and click through rate "
        "as "
        "a guardrail metric.",
    ),
    (
        120,
        "A power analysis gives the sample size, we run for two weeks to let the novelty effect "
        "wear "
        "off, and we ramp up from one percent.",
    ),
    (
        120,
        "We monitor data drift with PSI on the input distribution and alert on prediction drift.",
    ),
    (
        120,
        "We retrain when drift crosses a threshold, and logged clicks feed back into training as a "
        "data flywheel.",
    ),
]

# Covers feature engineering and serving well, never mentions monitoring or experiments.
NO_MONITORING_OR_EXPERIMENTS = [
    (60, "The business objective is revenue per session and we have clickstream logs as data."),
    (
        60,
        "Features live in a feature store with an online store in Redis and an offline store in "
        "Hive.",
    ),
    (
        60,
        "Training sets use point in time joins, and we log the features at serving to avoid "
        "training "
        "serving skew.",
    ),
    (
        60,
        "The ranker is served in real time over gRPC with autoscaling on Kubernetes and canary "
        "rollouts.",
    ),
    (10, "end the interview"),
]


def scenario(
    content: Content, warmup: str = SOLID_WARMUP, seconds: float = 30.0, **kwargs
) -> Scenario:
    """A Scenario past its warm-up: the problem has just been presented."""
    s = Scenario(content, kwargs=kwargs)
    s.say(warmup, seconds)
    assert s.director.problem is not None
    return s


def to_phase(s: Scenario, phase_id: str, seconds: float = 10.0) -> None:
    """Ask for the next phase until ``phase_id`` is reached."""
    for _ in range(len(s.content.phases)):
        if s.director.phase.id == phase_id:
            return
        move = s.say("next phase", seconds)
        assert move.kind == MoveKind.PHASE_CHANGE, move
    assert s.director.phase.id == phase_id


def play(s: Scenario, script: list[tuple[float, str]]) -> None:
    for seconds, text in script:
        if s.director.finished:
            return
        s.say(text, seconds)


def finish(s: Scenario) -> None:
    if not s.director.finished:
        move = s.say("end the interview", 10)
        assert move.ends_interview


def find_seed() -> Path:
    """The seed the product embodies, kept in the repository under docs/seed/."""
    return ROOT / "docs" / "seed" / "ml-system-design-interviewer.md"


PYTHON = sys.executable
