"""Resuming after a crash: the session object simply dropped, or the journal's last write torn.
The resumed interview has the same phase, clock, problem and hint level, and re-issues a reply
the crash swallowed."""

from __future__ import annotations

import json

import pytest
from candidates import FILLER
from scenario import SOLID_WARMUP

from voice_interviewer.clock import VirtualClock
from voice_interviewer.messages import MoveKind
from voice_interviewer.session import store
from voice_interviewer.session.events import ReviseLine, TurnLine
from voice_interviewer.session.journal import read_journal
from voice_interviewer.session.live import InterviewSession, SessionOptions
from voice_interviewer.session.record import load_record

BEFORE_CRASH = [
    (60, SOLID_WARMUP),
    (60, "The business objective is revenue per session, and the data is clickstream logs."),
    (20, "next phase"),
    (30, "can I get a hint"),
    (30, "hint please"),
    (60, "Labels come from purchases and we check data quality by removing bots."),
]


def start(content, script=BEFORE_CRASH, **options):
    clock = VirtualClock()
    session = InterviewSession.start(
        content, clock, SessionOptions(problem_id="recommendation", **options)
    )
    session.open()
    move = None
    for seconds, text in script:
        clock.advance(seconds)
        move = session.respond(text)
    return session, clock, move


def snapshot(session):
    d = session.director
    return {
        "phase": d.phase.id,
        "elapsed": d.elapsed(),
        "now": d.clock.now(),
        "problem": d.problem.id,
        "difficulty": d.difficulty,
        "hint_level": d.hint_level,
        "paused": d.paused,
        "last_question": d.last_question,
        "turns": len(d.turns),
        "spans": [(s.phase, s.started_at, s.ended_at) for s in d.phase_spans],
    }


def resume(content, session_id):
    return InterviewSession.resume(session_id, content, lambda t: VirtualClock(t))


def test_resume_after_the_process_died(content):
    session, _, _ = start(content)
    before = snapshot(session)
    assert before["phase"] == "data" and before["hint_level"] == 2
    sid = session.session_id
    del session  # the crash: no close(), nothing flushed beyond what each turn synced

    resumed, move = resume(content, sid)
    after = snapshot(resumed)
    assert {
        k: after[k]
        for k in (
            "phase",
            "elapsed",
            "now",
            "problem",
            "difficulty",
            "hint_level",
            "paused",
            "last_question",
            "spans",
        )
    } == {
        k: before[k]
        for k in (
            "phase",
            "elapsed",
            "now",
            "problem",
            "difficulty",
            "hint_level",
            "paused",
            "last_question",
            "spans",
        )
    }
    assert move.kind == MoveKind.RESUME and before["last_question"] in move.text
    # The hint ladder carries on from level 2.
    resumed.director.clock.advance(10)
    hint = resumed.respond("hint")
    assert resumed.director.hint_level == 3
    assert content.problem("recommendation").hints[2].text in hint.text
    resumed.close()


def test_resumed_clock_keeps_running_from_the_crash(content):
    session, _, _ = start(content)
    sid, elapsed = session.session_id, session.director.elapsed()
    phase_left = session.director.minutes_left_in_phase()
    del session
    resumed, _ = resume(content, sid)
    assert resumed.director.minutes_left_in_phase() == phase_left
    # The data phase (15 minutes) ends on time, counted from before the crash.
    for _ in range(40):
        resumed.director.clock.advance(60)
        move = resumed.respond(FILLER)
        if move.kind == MoveKind.PHASE_CHANGE:
            break
    start_of_data = next(s.started_at for s in resumed.director.phase_spans if s.phase == "data")
    assert resumed.director.phase.id == "modeling"
    assert resumed.director.phase_spans[-1].started_at == start_of_data + 15 * 60
    assert resumed.director.elapsed() > elapsed
    resumed.close()


def _cut_inside_last_line(path):
    text = path.read_text(encoding="utf-8")
    last_start = text.rstrip("\n").rfind("\n") + 1
    path.write_text(text[: last_start + 17], encoding="utf-8")  # a torn write, no newline


def test_resume_after_a_torn_last_line(content):
    session, _, _ = start(content)
    before = snapshot(session)
    path, sid = session.journal.path, session.session_id
    del session
    _cut_inside_last_line(path)
    resumed, move = resume(content, sid)
    after = snapshot(resumed)
    for key in ("phase", "elapsed", "problem", "hint_level", "last_question"):
        assert after[key] == before[key], key
    assert move.kind == MoveKind.RESUME
    resumed.close()


def _crash_before_reply_was_saved(path) -> None:
    """Tear the journal inside the interviewer's last turn: the candidate's words survived,
    the reply did not."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    last_reply = max(
        i
        for i, line in enumerate(lines)
        if json.loads(line).get("type") == "turn" and json.loads(line)["speaker"] == "interviewer"
    )
    path.write_text("".join(lines[:last_reply]) + lines[last_reply][:25], encoding="utf-8")


def test_lost_reply_is_reissued(content):
    session, _, lost = start(content)
    path, sid = session.journal.path, session.session_id
    del session
    _crash_before_reply_was_saved(path)
    resumed, move = resume(content, sid)
    assert move.kind == lost.kind and move.text == lost.text and move.turn == lost.turn
    assert resumed.director.turns[-1].text == lost.text
    resumed.close()


def test_journal_stays_readable_after_resuming_a_torn_write(content):
    """After a torn write, the resumed session appends new lines; the journal must still read
    back whole (sessions, export, a second resume)."""
    session, _, _ = start(content)
    path, sid = session.journal.path, session.session_id
    del session
    _crash_before_reply_was_saved(path)
    resumed, _ = resume(content, sid)
    resumed.director.clock.advance(60)
    resumed.respond("We keep the features in a feature store with point in time joins.")
    resumed.close()
    read = read_journal(path)
    assert read.damaged == []  # no line in the middle was glued to the torn one
    turns = [e for e in read.events if isinstance(e, TurnLine)]
    replies = [e.text for e in turns if e.speaker == "interviewer"]
    assert replies.count(replies[-2]) == 1  # the re-issued reply, saved once
    assert sum(1 for e in turns if e.speaker == "candidate" and "feature store" in e.text) == 1
    record = load_record(path.parent)
    assert [t["index"] for t in record.turns] == list(range(len(record.turns)))


def test_resume_twice_keeps_turn_numbers_consistent(content):
    """Crash, resume, answer, crash again, resume again: the journal's turn indices stay unique
    and the scorecard's evidence points at the candidate's own words."""
    session, _, _ = start(content)
    sid, path = session.session_id, session.journal.path
    del session
    resumed, _ = resume(content, sid)
    resumed.director.clock.advance(60)
    resumed.respond("We keep the features in a feature store.")
    del resumed
    resumed, _ = resume(content, sid)
    resumed.director.clock.advance(60)
    resumed.respond("Training sets are built with point in time joins to avoid label leakage.")
    resumed.director.clock.advance(10)
    resumed.respond("end the interview")
    resumed.close()
    record = load_record(path.parent)
    indices = [t["index"] for t in record.turns]
    assert indices == list(range(len(indices))), indices
    by_index = {t["index"]: t for t in record.turns}
    for area in record.scorecard.areas:
        for ev in area.evidence:
            turn = by_index[ev.turn]
            assert turn["speaker"] == "candidate", (ev.turn, turn["text"][:60])
            assert ev.quote.removeprefix("... ").removesuffix(" ...") in turn["text"]


def test_resume_while_paused_stays_paused(content):
    session, _, _ = start(content, BEFORE_CRASH + [(10, "pause")])
    sid, elapsed = session.session_id, session.director.elapsed()
    del session
    resumed, move = resume(content, sid)
    assert resumed.director.paused
    resumed.director.clock.advance(30 * 60)
    assert resumed.director.elapsed() == elapsed
    resumed.director.clock.advance(5)
    move = resumed.respond("resume")
    assert move.kind == MoveKind.RESUME and resumed.director.elapsed() == elapsed
    resumed.close()


def test_resume_keeps_the_options(content):
    session, _, _ = start(content, BEFORE_CRASH[:1], focus_areas=("monitoring",))
    sid = session.session_id
    del session
    resumed, _ = resume(content, sid)
    assert resumed.director.focus_areas == ["monitoring"]
    assert resumed.director.problem.id == "recommendation"
    resumed.close()


def test_an_ended_interview_continues_after_all(content):
    """Ending never destroys a session: --resume reopens it with every turn, the first
    scorecard stays saved, and ending again writes a new one."""
    session, _, _ = start(content, BEFORE_CRASH + [(10, "end the interview")])
    assert session.finished
    turns_before = len(session.director.turns)
    first_card = session.scorecard
    session.close()
    resumed, move = resume(content, session.session_id)
    assert not resumed.finished and move.kind == MoveKind.RESUME
    assert any("continues after all" in n for n in resumed.notes)
    assert [t.text for t in resumed.director.turns[:turns_before]] == [
        t.text for t in session.director.turns
    ]
    resumed.director.clock.advance(60)
    resumed.respond("We keep the features in a feature store with point in time joins.")
    assert resumed.director.coverage.covered("feature_store")
    assert load_record(resumed.directory).scorecard == first_card  # still saved meanwhile
    resumed.director.clock.advance(10)
    resumed.respond("end the interview")
    resumed.close()
    record = load_record(resumed.directory)
    assert record.ended and record.scorecard is not None and record.scorecard != first_card
    # A second resume replays the reopening and the turns after it.
    again, _ = resume(content, session.session_id)
    assert any("feature store" in t.text for t in again.director.turns)
    again.close()


def test_resume_of_an_unknown_session_names_it(content):
    start(content, BEFORE_CRASH[:1])[0].close()
    with pytest.raises(store.SessionNotFound, match="nope"):
        resume(content, "nope")


def test_latest_resumes_the_newest_session(content, monkeypatch):
    """Two sessions started within the same second: "latest" is still the newer one."""
    from datetime import datetime, timezone

    class SameSecond(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

    suffixes = iter(["ffff", "0000"])
    monkeypatch.setattr(store, "datetime", SameSecond)
    monkeypatch.setattr(store.secrets, "token_hex", lambda n: next(suffixes))
    first, _, _ = start(content, BEFORE_CRASH[:2])
    first.close()
    second, _, _ = start(content, BEFORE_CRASH[:3])
    sid = second.session_id
    del second
    resumed, _ = InterviewSession.resume("latest", content, lambda t: VirtualClock(t))
    assert resumed.session_id == sid and resumed.director.phase.id == "data"
    resumed.close()


def test_damage_before_the_last_line_is_reported_and_skipped(content):
    session, _, _ = start(content, BEFORE_CRASH[:2])
    session.close()
    path = session.journal.path
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2][:10] + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    resumed, _ = resume(content, session.session_id)
    assert any(":3 skipped: not JSON" in n for n in resumed.notes)
    resumed.close()


def test_a_revised_turn_is_journaled_and_the_resume_uses_the_final_text(content):
    """Contract 1: revise_turn replaces the fast transcript (no new move), journaled as its
    own event; a resumed session has the final text and its coverage."""
    session, clock, _ = start(content, script=BEFORE_CRASH[:2])
    clock.advance(60)
    session.respond("we keep the velocity counts in a future store")
    index = len(session.director.turns) - 2
    turns_before = len(session.director.turns)
    session.revise_turn(index, "We keep the velocity counts in a feature store.")
    assert len(session.director.turns) == turns_before  # no new move
    assert session.director.coverage.covered("feature_store")
    revisions = [e for e in read_journal(session.journal.path).events if isinstance(e, ReviseLine)]
    assert revisions == [ReviseLine(index, "We keep the velocity counts in a feature store.")]
    sid = session.session_id
    del session
    resumed, _ = resume(content, sid)
    assert resumed.director.turns[index].text == "We keep the velocity counts in a feature store."
    assert resumed.director.coverage.covered("feature_store")
    resumed.close()


def test_the_session_interface_for_displays_and_speech_recognition(content):
    session, clock, _ = start(content, script=BEFORE_CRASH[:2])
    view = session.snapshot()
    assert view.phase == "requirements" and view.phase_title == "Requirements & Scope"
    assert view.problem_id == "recommendation" and not view.paused
    assert session.vocabulary() == ", ".join(content.problem("recommendation").vocabulary)
    assert session.clock is session.director.clock
    assert session.scorecard is None
    session.close()
