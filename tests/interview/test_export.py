"""The JSON and Markdown exports of a saved session: the documented fields, and a consistent
timeline."""

from __future__ import annotations

import json

import pytest
from scenario import SOLID_WARMUP

from voice_interviewer.clock import VirtualClock
from voice_interviewer.session.export import export, to_json, to_markdown
from voice_interviewer.session.live import InterviewSession, SessionOptions
from voice_interviewer.session.record import load_record

SCRIPT = [
    (60, SOLID_WARMUP),
    (20, "I'd use a two tower neural network with attention layers."),  # pushback
    (20, "give me a hint"),  # command + hint
    (
        60,
        "The business objective is revenue per session, and the data sources are clickstream logs.",
    ),
    (10, "next phase"),  # phase_change
    (60, "We keep the user and item features in a feature store."),  # probe
    (10, "pause"),
    (900, "resume"),
    (
        60,
        "Training sets use point in time joins, and we log the features at serving to avoid skew.",
    ),
    (
        60,
        "Online features sit in Redis and the offline store is in Hive, with streaming features "
        "from Kafka.",
    ),
    (10, "end the interview"),
]
EVENT_TYPES = {"hint", "probe", "pushback", "command", "phase_change"}


def _session(content, script):
    clock = VirtualClock()
    session = InterviewSession.start(content, clock, SessionOptions(problem_id="recommendation"))
    session.open()
    for seconds, text in script:
        clock.advance(seconds)
        session.respond(text)
    session.close()
    return session


@pytest.fixture
def finished(content):
    session = _session(content, SCRIPT)
    assert session.finished
    return session, load_record(session.directory)


@pytest.fixture
def data(finished, content):
    return to_json(finished[1], content)


def test_top_level_fields(data, finished):
    for key in ("session_id", "problem", "phases", "turns", "events", "scorecard"):
        assert key in data, key
    assert data["session_id"] == finished[0].session_id
    json.dumps(data)  # serialisable as is


def test_problem_fields(data, content):
    p = content.problem("recommendation")
    assert data["problem"] == {"id": p.id, "title": p.title, "difficulty": p.difficulty}


def test_phases_fields_in_order(data):
    phases = data["phases"]
    assert [p["name"] for p in phases] == ["requirements", "data"]
    for p in phases:
        assert isinstance(p["started_at"], float) and isinstance(p["ended_at"], float)
        assert p["started_at"] <= p["ended_at"]
    assert phases[0]["started_at"] == 0.0
    assert phases[0]["ended_at"] == phases[1]["started_at"]


def test_turns_fields_match_the_interview(data, finished):
    session, _ = finished
    turns = data["turns"]
    assert [t["index"] for t in turns] == list(range(len(turns)))
    assert [(t["speaker"], t["text"], t["phase"]) for t in turns] == [
        (t.speaker, t.text, t.phase) for t in session.director.turns
    ]
    assert {t["speaker"] for t in turns} == {"interviewer", "candidate"}
    times = [t["t"] for t in turns]
    assert all(isinstance(t, (int, float)) for t in times) and times == sorted(times)
    assert set(turns[0]) >= {"index", "speaker", "text", "phase", "t"}


def test_events_fields_and_types(data):
    events = data["events"]
    assert {e["type"] for e in events} == EVENT_TYPES
    candidate_turns = {t["index"] for t in data["turns"] if t["speaker"] == "candidate"}
    for e in events:
        assert e["type"] in EVENT_TYPES
        assert e["turn"] in candidate_turns, e
        assert isinstance(e["detail"], str) and e["detail"]
    by_type = {e["type"]: e for e in events}
    text = {t["index"]: t["text"] for t in data["turns"]}
    assert text[by_type["pushback"]["turn"]].startswith("I'd use a two tower")
    assert text[by_type["hint"]["turn"]] == "give me a hint"
    pit = next(e for e in events if e["type"] == "probe" and e["detail"] == "point_in_time")
    assert text[pit["turn"]] == "We keep the user and item features in a feature store."
    assert text[by_type["phase_change"]["turn"]] == "next phase"
    assert [e["detail"] for e in events if e["type"] == "command"] == [
        "hint",
        "next_phase",
        "pause",
        "resume",
        "end",
    ]


def test_scorecard_fields(data):
    card = data["scorecard"]
    assert len(card["areas"]) == 4
    turns = {t["index"]: t for t in data["turns"]}
    for area in card["areas"]:
        assert set(area) >= {"area", "rating", "justification", "evidence"}
        assert area["rating"] in ("Novice", "Intermediate", "Expert")
        for ev in area["evidence"]:
            assert set(ev) >= {"turn", "quote"}
            assert turns[ev["turn"]]["speaker"] == "candidate"
            assert (
                ev["quote"].removeprefix("... ").removesuffix(" ...") in turns[ev["turn"]]["text"]
            )
    fe = next(a for a in card["areas"] if a["area"] == "feature_engineering")
    assert fe["rating"] == "Expert" and fe["evidence"]
    assert len(card["strengths"]) == 3 and len(card["improvements"]) == 3
    assert 2 <= len(card["resources"]) <= 3


def test_turn_times_fall_inside_their_phase(data):
    """turns[].t and phases[].started_at/ended_at are on one timeline: a turn's time lies inside
    the span of the phase it is filed under (here with a 15-minute pause in the data phase)."""
    spans = {p["name"]: (p["started_at"], p["ended_at"]) for p in data["phases"]}
    for t in data["turns"]:
        start, end = spans[t["phase"]]
        assert start <= t["t"] <= end, (t["index"], t["phase"], t["t"], spans[t["phase"]])


def test_export_writes_both_formats_named_by_session(finished, content, tmp_path):
    session, record = finished
    out = tmp_path / "exports" / "nested"
    written = export(record, content, "all", out)
    assert sorted(p.name for p in written) == sorted(
        [f"{session.session_id}.json", f"{session.session_id}.md"]
    )
    loaded = json.loads((out / f"{session.session_id}.json").read_text(encoding="utf-8"))
    assert loaded == json.loads(json.dumps(to_json(record, content)))
    assert export(record, content, "md", tmp_path / "md")[0].suffix == ".md"
    assert export(record, content, "json", tmp_path / "js")[0].suffix == ".json"


def test_markdown_has_transcript_events_and_scorecard(finished, content):
    session, record = finished
    md = to_markdown(record, content)
    problem = content.problem("recommendation")
    assert problem.title in md
    assert "We keep the user and item features in a feature store." in md
    assert "| Area | Rating | Justification |" in md
    for area in session.director.scorecard.areas:
        assert f"| {area.title} | {area.rating} |" in md
    for s in session.director.scorecard.strengths:
        assert s in md
    for r in session.director.scorecard.resources:
        assert r in md
    assert "*probe*: point_in_time" in md
    assert "### Data & Feature Engineering" in md


def test_unfinished_session_exports_without_a_scorecard(content):
    session = _session(content, SCRIPT[:4])
    record = load_record(session.directory)
    data = to_json(record, content)
    assert data["scorecard"] is None and data["finished"] is False
    assert data["problem"]["id"] == "recommendation"
    assert data["phases"][-1]["ended_at"] is None
    assert "did not reach the scorecard" in to_markdown(record, content)
