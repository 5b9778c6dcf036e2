"""The command line: interview (scripted, interactive, resumed), sessions, export, and errors."""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scenario import POOR_WARMUP, SOLID_WARMUP

from voice_interviewer.cli import main
from voice_interviewer.session import store
from voice_interviewer.session.record import load_record
from voice_interviewer.textmode import ScriptError, load_script, parse_script

SCRIPT = f"""# A scripted candidate: paragraphs are turns, [+Ns] / [+Nm] is how long the turn took.
[+60s] {SOLID_WARMUP}

[+2m] The business objective is revenue per session,
and the data sources are clickstream logs and purchase history.

give me a hint

[+11m] We keep the user and item features in a feature store
with point in time joins for training.

[+30s] end the interview
"""

UNFINISHED = f"""[+60s] {SOLID_WARMUP}

[+2m] The business objective is revenue per session, and the data is clickstream logs.

hint

hint
"""


@pytest.fixture
def script(tmp_path) -> Path:
    path = tmp_path / "candidate.txt"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def _interview(path: Path, *extra: str) -> int:
    return main(["interview", "--text", "--script", str(path), "--clock", "virtual", *extra])


def _only_session() -> Path:
    dirs = store.list_session_dirs()
    assert len(dirs) == 1, dirs
    return dirs[0]


# --- the script format ----------------------------------------------------------------------------
def test_parse_script_paragraphs_durations_and_comments():
    turns = parse_script(SCRIPT)
    assert [t.seconds for t in turns] == [60, 120, 60, 660, 30]
    assert turns[1].text == (
        "The business objective is revenue per session, and the data sources are "
        "clickstream logs and purchase history."
    )
    assert turns[2].text == "give me a hint"
    assert turns[0].line == 2


def test_load_script_errors_name_the_file(tmp_path):
    with pytest.raises(ScriptError, match="cannot read script"):
        load_script(tmp_path / "missing.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("# only a comment\n\n", encoding="utf-8")
    with pytest.raises(ScriptError, match="no candidate turns"):
        load_script(empty)


# --- interview ------------------------------------------------------------------------------------
def test_interview_prints_to_the_current_stdout(script, capsys):
    """The transcript goes to sys.stdout as it is when the command runs (so it can be captured
    or redirected), not to the stream that was current when the module was imported."""
    assert _interview(script, "--problem", "recommendation") == 0
    out = capsys.readouterr().out
    assert "Interviewer: Hi, thanks for joining." in out


def test_scripted_interview_runs_to_the_scorecard(script, capsys, content):
    assert _interview(script, "--problem", "recommendation") == 0
    out = capsys.readouterr().out
    assert "== Requirements & Scope (10 min) ==" in out
    assert f"Candidate: {SOLID_WARMUP}" in out
    assert content.problem("recommendation").question in out
    assert content.problem("recommendation").hints[0].text in out
    assert "Scorecard" in out and "Strengths:" in out and "Resources:" in out
    session = _only_session()
    assert f"Saved as {session.name}." in out
    record = load_record(session)
    assert record.ended and record.scorecard is not None
    assert record.problem_id == "recommendation"


def test_virtual_clock_follows_the_scripts_durations(script, capsys, content):
    _interview(script, "--problem", "recommendation")
    out = capsys.readouterr().out
    # [+11m] pushed the interview past the 10-minute first phase: the data phase and its diagram.
    assert "== Data & Feature Engineering (15 min) ==" in out
    assert content.diagrams["feature_store"].strip().splitlines()[0] in out
    record = load_record(_only_session())
    assert [t["t"] for t in record.turns if t["speaker"] == "candidate"] == [
        60.0,
        180.0,
        240.0,
        900.0,
        930.0,
    ]
    assert [p["phase"] for p in record.phases] == ["requirements", "data"]


def test_script_defaults_to_the_virtual_clock(script, capsys):
    assert (
        main(["interview", "--text", "--script", str(script), "--problem", "recommendation"]) == 0
    )
    record = load_record(_only_session())
    assert record.turns[-1]["t"] == 930.0


def test_unfinished_script_says_how_to_resume_and_resume_continues(tmp_path, capsys, content):
    first = tmp_path / "first.txt"
    first.write_text(UNFINISHED, encoding="utf-8")
    assert _interview(first, "--problem", "recommendation") == 0
    out = capsys.readouterr().out
    session = _only_session()
    assert f"--resume {session.name}" in out
    record = load_record(session)
    assert not record.ended and record.state["hint_level"] == 2

    rest = tmp_path / "rest.txt"
    rest.write_text("[+30s] hint\n\n[+30s] end the interview\n", encoding="utf-8")
    assert (
        main(
            [
                "interview",
                "--text",
                "--resume",
                session.name,
                "--script",
                str(rest),
                "--clock",
                "virtual",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert content.problem("recommendation").hints[2].text in out  # the ladder went on at level 3
    assert "Scorecard" in out
    record = load_record(session)
    assert record.ended and record.problem_id == "recommendation"
    assert store.list_session_dirs() == [session]


def test_interactive_text_mode_reads_typed_answers(monkeypatch, capsys, content):
    typed = iter(
        [
            SOLID_WARMUP,
            "",
            "The business objective is revenue per session.",
            "repeat the question",
            "end the interview",
            "never read",
        ]
    )

    def fake_input(prompt=""):
        print(prompt, end="")
        return next(typed)

    monkeypatch.setattr(builtins, "input", fake_input)
    assert main(["interview", "--text", "--problem", "recommendation"]) == 0
    out = capsys.readouterr().out
    assert "You: " in out
    assert content.problem("recommendation").question in out
    assert "Scorecard" in out
    record = load_record(_only_session())
    said = [t["text"] for t in record.turns if t["speaker"] == "candidate"]
    assert said == [
        SOLID_WARMUP,
        "The business objective is revenue per session.",
        "repeat the question",
        "end the interview",
    ]
    assert next(typed) == "never read"


def test_interactive_end_of_input_saves_an_unfinished_session(monkeypatch, capsys):
    typed = iter([POOR_WARMUP])

    def fake_input(prompt=""):
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr(builtins, "input", fake_input)
    assert main(["interview", "--text"]) == 0
    out = capsys.readouterr().out
    session = _only_session()
    assert f"--resume {session.name}" in out
    record = load_record(session)
    assert not record.ended and record.state["difficulty"] == "easy"


def test_continue_last_focuses_on_the_previous_weak_areas(tmp_path, capsys):
    first = tmp_path / "first.txt"
    first.write_text(
        f"[+60s] {SOLID_WARMUP}\n\n[+60s] We keep features in a feature store with point in "
        "time joins and log features at serving to avoid skew.\n\nend the interview\n",
        encoding="utf-8",
    )
    assert _interview(first, "--problem", "recommendation") == 0
    capsys.readouterr()
    again = tmp_path / "again.txt"
    again.write_text(
        f"[+20s] Experiment design, please.\n\n[+60s] {SOLID_WARMUP}\n\n[+60s] end the interview\n",
        encoding="utf-8",
    )
    assert _interview(again, "--continue-last") == 0
    out = capsys.readouterr().out
    # Feature engineering was Expert last time (point-in-time joins and logged features,
    # with why), so it is not named; the other three areas are, and the candidate is asked.
    greeting = out.split("Candidate:", 1)[0]
    assert (
        "Last time, you were below Expert on model serving, monitoring & drift and "
        "experiment design" in greeting
    )
    assert "feature engineering" not in greeting.lower()
    assert "Would you like to work on those" in greeting
    # The answer is honoured: experiment design it is, then the warm-up question.
    assert "we'll focus on experiment design" in out
    newest = store.list_session_dirs()
    assert len(newest) == 2
    record = load_record(newest[-1])
    focus = [e for e in record.events if e.kind == "focus"]
    assert focus and focus[0].data["areas"] == ["experiment_design"]


def test_same_script_twice_gives_the_same_scorecard(script, capsys, tmp_path):
    for _ in range(2):
        assert _interview(script, "--problem", "recommendation") == 0
    cards = []
    for directory in store.list_session_dirs():
        assert (
            main(["export", directory.name, "--format", "json", "--out", str(tmp_path / "x")]) == 0
        )
        cards.append(
            json.loads((tmp_path / "x" / f"{directory.name}.json").read_text())["scorecard"]
        )
    assert len(cards) == 2 and cards[0] == cards[1]


# --- sessions -------------------------------------------------------------------------------------
def test_sessions_with_none_saved(capsys):
    assert main(["sessions"]) == 0
    assert "No saved sessions" in capsys.readouterr().out
    assert main(["sessions", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_sessions_lists_finished_and_unfinished(script, tmp_path, capsys):
    _interview(script, "--problem", "recommendation")
    unfinished = tmp_path / "u.txt"
    unfinished.write_text(UNFINISHED, encoding="utf-8")
    _interview(unfinished, "--problem", "fraud_detection")
    capsys.readouterr()
    assert main(["sessions"]) == 0
    out = capsys.readouterr().out
    for directory in store.list_session_dirs():
        assert directory.name in out
    assert "recommendation" in out and "fraud_detection" in out
    assert "* unfinished" in out


def test_sessions_json(script, capsys):
    _interview(script, "--problem", "recommendation")
    capsys.readouterr()
    assert main(["sessions", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == _only_session().name
    assert row["problem"] == "recommendation" and row["finished"] is True
    assert row["phase"] == "data"
    assert set(row["ratings"]) == {
        "feature_engineering",
        "model_serving",
        "monitoring",
        "experiment_design",
    }
    assert row["ratings"]["feature_engineering"] in ("Intermediate", "Expert")


# --- export ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["md", "json"])
def test_export_writes_to_out(script, tmp_path, capsys, fmt):
    _interview(script, "--problem", "recommendation")
    capsys.readouterr()
    sid = _only_session().name
    out_dir = tmp_path / "exports"
    assert main(["export", sid, "--format", fmt, "--out", str(out_dir)]) == 0
    path = out_dir / f"{sid}.{fmt}"
    assert capsys.readouterr().out.strip() == str(path)
    text = path.read_text(encoding="utf-8")
    if fmt == "json":
        data = json.loads(text)
        assert data["session_id"] == sid and data["problem"]["id"] == "recommendation"
    else:
        assert text.startswith(f"# Interview {sid}") and "## Scorecard" in text


def test_export_by_prefix_and_latest(script, tmp_path, capsys):
    _interview(script, "--problem", "recommendation")
    sid = _only_session().name
    assert main(["export", sid[:15], "--format", "json", "--out", str(tmp_path / "a")]) == 0
    assert main(["export", "latest", "--format", "all", "--out", str(tmp_path / "b")]) == 0
    # "all" is every format that applies: a typed session has no recording or subtitles.
    names = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert names == [f"{sid}.html", f"{sid}.json", f"{sid}.md"]


def test_export_of_an_unknown_id_exits_2_with_a_clear_message(script, tmp_path, capsys):
    _interview(script, "--problem", "recommendation")
    capsys.readouterr()
    assert main(["export", "nope", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no session 'nope'" in err and "voice-interviewer sessions" in err
    assert "Traceback" not in err
    assert not list(tmp_path.glob("nope*"))


def test_export_with_no_sessions_exits_2(capsys, tmp_path):
    assert main(["export", "latest", "--out", str(tmp_path)]) == 2
    assert "no saved sessions" in capsys.readouterr().err


# --- errors ---------------------------------------------------------------------------------------
def test_missing_script_exits_2(tmp_path, capsys):
    assert _interview(tmp_path / "nowhere.txt") == 2
    err = capsys.readouterr().err
    assert "cannot read script" in err and "nowhere.txt" in err
    assert store.list_session_dirs() == []


def test_empty_script_exits_2(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n# nothing\n", encoding="utf-8")
    assert _interview(empty) == 2
    assert "no candidate turns" in capsys.readouterr().err


def test_unknown_problem_exits_2(script, capsys):
    assert _interview(script, "--problem", "nope") == 2
    err = capsys.readouterr().err
    assert "no problem 'nope'" in err and "recommendation" in err


def test_resume_of_an_unknown_session_exits_2(script, capsys):
    assert main(["interview", "--text", "--resume", "nope", "--script", str(script)]) == 2
    assert "voice-interviewer:" in capsys.readouterr().err


def test_voice_mode_with_a_missing_microphone_exits_2_with_advice(capsys):
    pytest.importorskip("sounddevice")
    assert main(["interview", "--input-device", "no-such-microphone-xyz"]) == 2
    err = capsys.readouterr().err
    assert "no-such-microphone-xyz" in err and "--text" in err and "devices" in err


def test_help_lists_the_subcommands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in ("interview", "sessions", "export"):
        assert name in out


# --- the installed console script, once, end to end -----------------------------------------------
def test_console_script_interactive_session_over_stdin(tmp_path):
    exe = Path(sys.executable).with_name("voice-interviewer")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "voice_interviewer.cli"]
    env = {**os.environ, "VOICE_INTERVIEWER_HOME": str(tmp_path / "home")}
    typed = f"{SOLID_WARMUP}\nhint\nend the interview\n"
    result = subprocess.run(
        [*cmd, "interview", "--text", "--problem", "recommendation"],
        input=typed,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Interviewer: Hi, thanks for joining." in result.stdout
    assert "Here's a hint." in result.stdout and "Scorecard" in result.stdout
    sessions = list((tmp_path / "home" / "sessions").iterdir())
    assert len(sessions) == 1 and f"Saved as {sessions[0].name}." in result.stdout
    listed = subprocess.run(
        [*cmd, "sessions", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert json.loads(listed.stdout)[0]["finished"] is True
