"""The typed journal: one writer, one tolerant reader for every command. A damaged line is
reported with its number and skipped; it never stops a command that reads other sessions,
and a damaged session can always be deleted. Revisions reach every export; a scorecard
whose write failed is rebuilt from the turns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scenario import SOLID_WARMUP

from voice_interviewer.cli import main
from voice_interviewer.clock import VirtualClock
from voice_interviewer.session import events as ev
from voice_interviewer.session import store
from voice_interviewer.session.journal import Journal, read_journal
from voice_interviewer.session.live import InterviewSession, SessionOptions
from voice_interviewer.session.record import load_record

SCRIPT = f"""[+60s] {SOLID_WARMUP}

[+2m] The business objective is revenue per session,
and the data sources are clickstream logs and purchase history.

[+11m] We keep the user and item features in a feature store
with point in time joins for training.

[+30s] end the interview
"""


def _scripted_session(tmp_path: Path, text: str = SCRIPT) -> Path:
    path = tmp_path / f"script-{len(store.list_session_dirs())}.txt"
    path.write_text(text, encoding="utf-8")
    args = ["interview", "--text", "--script", str(path), "--clock", "virtual"]
    assert main([*args, "--problem", "recommendation"]) == 0
    return store.list_session_dirs()[-1]


def _damage(directory: Path, line: int, raw: bytes) -> None:
    path = directory / store.JOURNAL
    lines = path.read_bytes().split(b"\n")
    lines[line - 1] = raw
    path.write_bytes(b"\n".join(lines))


def test_every_catalogue_event_round_trips(tmp_path):
    samples = [
        ev.SessionHeader("s", "2026-01-01T00:00:00", {"mode": "text"}, "0.1", 2),
        ev.TurnLine(1, "candidate", "hi", "requirements", 1.5, 1.2, 1.4, (("hi", 1.0, 1.2),)),
        ev.DirectorEvent("hint", 3, "level 1", {"level": 1}),
        ev.StateLine(
            "data",
            12.0,
            "recommendation",
            "medium",
            1,
            False,
            ({"phase": "data", "started_at": 0},),
        ),
        ev.ScorecardLine({"areas": []}),
        ev.EndLine(3.0),
        ev.ReopenedLine(4.0),
        ev.ResumedLine(5.0),
        ev.ReviseLine(1, "hello"),
        ev.SaidLine(2, "short", "short and long", True),
        ev.TimingLine(2, t_endpoint=1.0, t_first_audio=1.5, response_latency=0.5),
        ev.RecordingLine("recording.wav", 0.5),
        ev.DeviceLostLine("unplugged"),
        ev.UnheardLine(7.5, 8.1, "no_words", "heard no words", level_dbfs=-52.0, too_quiet=False),
        ev.UnheardLine(9.0, 9.4, "backchannel", text="Mm-hm."),
        ev.UnknownLine("from_the_future", {"x": 1}),
    ]
    assert {type(s).__name__ for s in samples[:-1]} == {c.__name__ for c in ev.CATALOGUE.values()}
    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        for event in samples:
            journal.append(event)
    read = read_journal(path)
    assert read.damaged == [] and read.events == samples


def test_damaged_lines_are_reported_with_their_number_and_skipped(tmp_path):
    path = tmp_path / "journal.jsonl"
    path.write_bytes(
        b'{"type":"end","t":1}\n'
        b'{"type":"said","turn":1,"text":"caf\xe9"}\n'  # Latin-1, not UTF-8
        b"garbage\n"
        b'{"type":"turn","index":"x"}\n'  # JSON, but not a turn
        b'["a list"]\n'
        b'{"type":"resumed","t":2}\n'
        b'{"type":"resu'  # torn by a crash
    )
    read = read_journal(path)
    assert read.events == [ev.EndLine(1), ev.ResumedLine(2)]
    reasons = {d.number: d.reason for d in read.damaged}
    assert set(reasons) == {2, 3, 4, 5, 7}
    assert reasons[2].startswith("not UTF-8") and reasons[3].startswith("not JSON")
    assert "without" in reasons[4] and "cut short" in reasons[7]
    assert str(read.damaged[0]) == f"{path}:2 skipped: {reasons[2]}"


def test_a_version_1_journal_reads_as_before(tmp_path):
    """Lines written before the catalogue existed (schema 1), field for field."""
    directory = tmp_path / "home" / "sessions" / "20260101-000000-000-abcd"
    directory.mkdir(parents=True)
    lines = [
        {
            "type": "session",
            "schema": 1,
            "session_id": directory.name,
            "version": "0.1.0",
            "created": "2026-01-01T00:00:00+00:00",
            "options": {"mode": "text"},
        },
        {"type": "turn", "index": 0, "speaker": "interviewer", "text": "Hi", "phase": "r", "t": 0},
        {
            "type": "turn",
            "index": 1,
            "speaker": "candidate",
            "text": "fast",
            "phase": "r",
            "t": 2.0,
            "words": [["fast", 1.0, 1.5]],
        },
        {"type": "event", "kind": "hint", "turn": 1, "detail": "level 1", "data": {"level": 1}},
        {"type": "revise", "turn": 1, "text": "final"},
        {"type": "timing", "turn": 0, "t_first_audio": 0.4, "t_move": 0.1},
        {"type": "said", "turn": 0, "text": "Hi"},
    ]
    (directory / store.JOURNAL).write_text("".join(json.dumps(x) + "\n" for x in lines))
    record = load_record(directory)
    assert record.damaged == []
    assert record.turns[1]["text"] == "final" and record.revised == {1: "fast"}
    assert record.words(1) == [("fast", 1.0, 1.5)]
    assert record.events == [ev.DirectorEvent("hint", 1, "level 1", {"level": 1})]
    assert record.timing(0).t_first_audio == 0.4
    assert record.heard(0).full_text == "Hi"  # old "said" lines had no full_text


@pytest.mark.parametrize(
    "damage",
    [b"\xff\xfe not utf-8 at all \x80", b"}}} garbage {{{", b'{"type":"turn"'],
    ids=["bad-bytes", "garbage", "torn"],
)
def test_one_damaged_session_never_stops_the_commands(tmp_path, capsys, damage):
    good = _scripted_session(tmp_path)
    bad = _scripted_session(tmp_path)
    _damage(bad, 3, damage)
    capsys.readouterr()
    assert main(["sessions"]) == 0
    captured = capsys.readouterr()
    assert good.name in captured.out and bad.name in captured.out
    assert f"{bad / store.JOURNAL}:3 skipped" in captured.err
    assert main(["progress", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert (
        main(["export", bad.name, "--format", "md,json,srt,vtt,html", "--out", str(tmp_path / "o")])
        == 0
    )
    assert ":3 skipped" in capsys.readouterr().err
    _scripted_session(tmp_path)  # a new interview reads the old sessions (recent problems)
    assert main(["sessions", "delete", bad.name, "--yes"]) == 0
    assert not bad.exists() and good.exists()


def test_a_session_whose_journal_is_all_garbage_can_be_listed_and_deleted(tmp_path, capsys):
    session = _scripted_session(tmp_path)
    (session / store.JOURNAL).write_bytes(b"\x00\x01\xff\n\xfe garbage\nmore")
    assert main(["sessions"]) == 0
    assert main(["sessions", "delete", session.name, "--yes"]) == 0
    assert store.list_session_dirs() == []


def test_revisions_reach_every_export_and_the_scorecard_evidence(content, tmp_path, capsys):
    """The final STT pass replaces a turn's fast text: md, json, srt/vtt and html carry the
    revised words, and the scorecard's evidence quotes them."""
    clock = VirtualClock()
    session = InterviewSession.start(content, clock, SessionOptions(problem_id="recommendation"))
    session.open()
    for seconds, text in [
        (60, SOLID_WARMUP),
        (60, "The business objective is revenue per session from clickstream logs."),
    ]:
        clock.advance(seconds)
        session.respond(text)
    clock.advance(60)
    session.respond("we keep the velocity counts in a future store")
    index = len(session.director.turns) - 2
    final = "We keep the velocity counts in a feature store with point in time joins."
    session.revise_turn(index, final)
    clock.advance(30)
    session.respond("end the interview")
    session.close()
    out = tmp_path / "out"
    assert main(["export", session.session_id, "--format", "md,json,html", "--out", str(out)]) == 0
    for suffix in ("md", "json", "html"):
        text = (out / f"{session.session_id}.{suffix}").read_text(encoding="utf-8")
        assert "future store" not in text, suffix
        assert "feature store with point in time joins" in text, suffix
    record = load_record(session.directory)
    quotes = [e.quote for a in record.scorecard.areas for e in a.evidence if e.turn == index]
    assert quotes and all("future store" not in q for q in quotes)


def _drop_the_scorecard(directory: Path) -> None:
    """What a full disk at the end leaves: every turn saved, the scorecard and end lost."""
    path = directory / store.JOURNAL
    kept = [
        line
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
        if json.loads(line)["type"] not in ("scorecard", "end")
    ]
    path.write_text("".join(kept), encoding="utf-8")


def test_export_offers_to_rebuild_a_scorecard_that_was_not_saved(tmp_path, capsys):
    session = _scripted_session(tmp_path)
    saved = load_record(session).scorecard
    _drop_the_scorecard(session)
    assert load_record(session).scorecard is None
    capsys.readouterr()
    assert main(["export", session.name, "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert f"export {session.name} --rebuild-scorecard" in err
    assert load_record(session).scorecard is None  # only rebuilt when asked
    args = ["export", session.name, "--rebuild-scorecard", "--out", str(tmp_path / "o")]
    assert main(args) == 0
    assert "rebuilt and saved the scorecard" in capsys.readouterr().err
    record = load_record(session)
    assert record.ended and record.scorecard == saved
    assert "Scorecard" in (tmp_path / "o" / f"{session.name}.md").read_text(encoding="utf-8")


def test_resume_rebuilds_a_scorecard_that_was_not_saved(content, tmp_path, capsys):
    session = _scripted_session(tmp_path)
    saved = load_record(session).scorecard
    _drop_the_scorecard(session)
    resumed, _ = InterviewSession.resume(session.name, content, lambda t: VirtualClock(t))
    assert any("scorecard was not saved; rebuilt it" in n for n in resumed.notes)
    resumed.close()
    assert load_record(session).scorecard == saved


def test_a_revision_that_fits_no_candidate_turn_is_skipped_with_a_note(content, tmp_path, capsys):
    session = _scripted_session(tmp_path, SCRIPT.replace("[+30s] end the interview\n", ""))
    with (session / store.JOURNAL).open("a", encoding="utf-8") as f:
        f.write('{"type":"revise","turn":0,"text":"the interviewer\'s turn"}\n')
        f.write('{"type":"revise","turn":999,"text":"no such turn"}\n')
    resumed, _ = InterviewSession.resume(session.name, content, lambda t: VirtualClock(t))
    assert sum("skipped a revision of turn" in n for n in resumed.notes) == 2
    resumed.close()
    assert main(["export", session.name, "--format", "md,json", "--out", str(tmp_path / "o")]) == 0
    text = (tmp_path / "o" / f"{session.name}.md").read_text(encoding="utf-8")
    assert "no such turn" not in text and "the interviewer's turn" not in text


@pytest.mark.parametrize(
    "line",
    [
        '{"type":"turn","index":1,"speaker":"candidate","text":"x","phase":"p","t":"late"}',
        '{"type":"turn","index":1,"speaker":"candidate","text":"x","phase":"p","t":1,"words":[1]}',
        '{"type":"turn","index":true,"speaker":"candidate","text":"x","phase":"p","t":1}',
        '{"type":"timing","turn":2,"t_first_audio":"soon"}',
        '{"type":"state","phase":"data","elapsed":3,"phases":[7]}',
        '{"type":"said","turn":1,"text":null}',
        '{"type":"recording","path":"r.wav","t0":0,"rate":"fast"}',
        '{"type":"event","kind":"hint","turn":1,"detail":"x","data":[]}',
    ],
)
def test_a_line_of_the_wrong_shape_is_damage_not_a_crash(tmp_path, line):
    path = tmp_path / "journal.jsonl"
    path.write_text('{"type":"end","t":1}\n' + line + "\n", encoding="utf-8")
    read = read_journal(path)
    assert read.events == [ev.EndLine(1)]
    assert [d.number for d in read.damaged] == [2] and "bad value" in read.damaged[0].reason


def test_exporting_an_unfinished_session_never_replays_it(tmp_path, monkeypatch, capsys):
    """Only a journal whose director noted the end is replayed to look for a lost
    scorecard: exporting a long unfinished session stays linear in its turns."""
    from voice_interviewer.session import live

    session = _scripted_session(tmp_path, SCRIPT.replace("[+30s] end the interview\n", ""))

    def no_replay(*args, **kwargs):
        raise AssertionError("replayed")

    monkeypatch.setattr(live, "replay_session", no_replay)
    assert main(["export", session.name, "--format", "json", "--out", str(tmp_path / "o")]) == 0
    assert "rebuild" not in capsys.readouterr().err
