"""Scorecard prose: the LLM's words, the director's ratings."""

from __future__ import annotations

import json

from llm_support import client

from voice_interviewer.interview.scorecard_types import AreaRating, Evidence, Scorecard
from voice_interviewer.llm.scorecard_prose import write_scorecard_prose
from voice_interviewer.llm.scripted import Script


def card() -> Scorecard:
    return Scorecard(
        areas=(
            AreaRating(
                area="feature_engineering",
                title="Feature Engineering",
                rating="Intermediate",
                justification="Mentioned a feature store.",
                evidence=(Evidence(turn=4, quote="keep both in a feature store"),),
                covered=("a feature store",),
                missing=("point-in-time correctness",),
            ),
            AreaRating(
                area="monitoring",
                title="Monitoring & Drift",
                rating="Novice",
                justification="No monitoring plan.",
                missing=("data drift",),
            ),
        ),
        strengths=("Kept the feature store in mind.",),
        improvements=("Plan for drift.",),
        resources=("Designing Machine Learning Systems",),
    )


def prose(**overrides) -> str:
    data = {
        "areas": {
            "feature_engineering": "You put features in a store that training and serving "
            "share, which is the intermediate bar.",
            "monitoring": "You did not describe how you would watch the model once live.",
        },
        "strengths": ["You designed a shared feature store early."],
        "improvements": ["Describe how you would detect data drift and act on it."],
    }
    data.update(overrides)
    return "Here is the JSON:\n" + json.dumps(data)


def test_prose_replaces_words_and_keeps_ratings(fake_llm):
    fake_llm.enqueue(prose())
    before = card()
    after = write_scorecard_prose(before, client())
    assert after.prose_by == "scripted/test"
    assert [a.rating for a in after.areas] == ["Intermediate", "Novice"]
    assert after.areas[0].justification.startswith("You put features")
    assert after.areas[0].evidence == before.areas[0].evidence
    assert after.strengths == ("You designed a shared feature store early.",)
    assert after.resources == before.resources
    assert before.prose_by == "director"  # the input is not changed


def test_ratings_in_the_reply_are_ignored(fake_llm):
    data = json.loads(prose().split("\n", 1)[1])
    data["ratings"] = {"monitoring": "Expert"}
    fake_llm.enqueue(json.dumps(data))
    after = write_scorecard_prose(card(), client())
    assert after.areas[1].rating == "Novice"


def test_prose_claiming_a_higher_level_falls_back(fake_llm):
    fake_llm.enqueue(
        prose(
            areas={
                "feature_engineering": "Expert work on features.",
                "monitoring": "Nothing on monitoring.",
            }
        )
    )
    before = card()
    assert write_scorecard_prose(before, client()) is before


def test_praising_a_missing_concept_falls_back(fake_llm):
    fake_llm.enqueue(prose(strengths=["Great handling of data drift."]))
    before = card()
    assert write_scorecard_prose(before, client()) is before


def test_markdown_or_bad_json_falls_back(fake_llm):
    before = card()
    fake_llm.enqueue(prose(strengths=["**Great** work."]))
    assert write_scorecard_prose(before, client()) is before
    fake_llm.enqueue("I think you did well overall!")
    assert write_scorecard_prose(before, client()) is before
    fake_llm.enqueue(prose(areas={"feature_engineering": "Fine."}))  # an area is missing
    assert write_scorecard_prose(before, client()) is before


def test_llm_failure_falls_back(fake_llm):
    fake_llm.enqueue(Script(error_status=401))
    before = card()
    assert write_scorecard_prose(before, client()) is before


def test_prompt_gives_ratings_as_facts(fake_llm):
    fake_llm.enqueue(prose())
    write_scorecard_prose(card(), client(), persona="PERSONA")
    system, user = (m["content"] for m in fake_llm.history[0])
    assert system.startswith("PERSONA") and "ratings are final" in system
    facts = json.loads(user)
    assert facts["areas"][1]["rating"] == "Novice"
