"""The after-the-interview commands: export, sessions list / show / delete, progress."""

from __future__ import annotations

import builtins
import json

import pytest

from voice_interviewer.cli import main
from voice_interviewer.session import store


# --- export ------------------------------------------------------------------------------------
def test_export_all_of_a_spoken_session(voice_session, tmp_path, capsys):
    sid = voice_session.name
    assert main(["export", sid, "--format", "all", "--out", str(tmp_path / "x")]) == 0
    printed = capsys.readouterr().out.split()
    assert sorted(p.rsplit(".", 1)[1] for p in printed) == [
        "flac",
        "html",
        "json",
        "md",
        "srt",
        "vtt",
    ]
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == sorted(
        p.rsplit("/", 1)[1] for p in printed
    )


def test_export_a_list_of_formats_as_wav(voice_session, tmp_path, capsys):
    assert (
        main(
            [
                "export",
                "latest",
                "--format",
                "srt,vtt",
                "--audio-format",
                "wav",
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 0
    )
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(f"{voice_session.name}.{e}" for e in ("srt", "vtt", "wav"))


def test_export_subtitles_of_a_typed_session_says_why_not(text_session, tmp_path, capsys):
    assert main(["export", text_session.name, "--format", "srt", "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert "typed session" in err and "no recording" in err and "--format md" in err
    assert "Traceback" not in err
    assert not list((tmp_path / "s").glob("*.srt"))


def test_export_all_of_a_typed_session_notes_what_it_skipped(text_session, tmp_path, capsys):
    assert main(["export", text_session.name, "--format", "all", "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert sorted(p.rsplit(".", 1)[1] for p in out.split()) == ["html", "json", "md"]
    assert "note:" in err and "typed session" in err


def test_export_rejects_an_unknown_format(text_session, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["export", "latest", "--format", "pdf"])
    assert exit_.value.code == 2
    assert "unknown format pdf" in capsys.readouterr().err


# --- sessions ------------------------------------------------------------------------------------
def test_sessions_list_is_the_default(text_session, voice_session, capsys):
    assert main(["sessions"]) == 0
    plain = capsys.readouterr().out
    assert main(["sessions", "list"]) == 0
    assert capsys.readouterr().out == plain
    assert text_session.name in plain and voice_session.name in plain
    assert main(["sessions", "list", "--json"]) == 0
    assert {r["id"] for r in json.loads(capsys.readouterr().out)} == {
        text_session.name,
        voice_session.name,
    }


def test_sessions_show_spoken(voice_session, capsys):
    assert main(["sessions", "show", voice_session.name]) == 0
    out = capsys.readouterr().out
    assert f"Session {voice_session.name}" in out and "(replay, finished)" in out
    assert "recording recording.wav" in out and "words/min" in out and "Feature Engineering" in out
    assert main(["sessions", "show", voice_session.name, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["session_id"] == voice_session.name and data["analytics"]["available"]


def test_sessions_show_typed_says_speech_was_not_measured(text_session, capsys):
    assert main(["sessions", "show", "latest"]) == 0
    out = capsys.readouterr().out
    assert "speech    not measured: typed session" in out and "hints     1" in out


def test_sessions_delete_asks_first(text_session, monkeypatch, capsys):
    asked = []
    monkeypatch.setattr(builtins, "input", lambda prompt: asked.append(prompt) or "n")
    assert main(["sessions", "delete", text_session.name]) == 1
    assert text_session.is_dir() and "Not deleted." in capsys.readouterr().out
    assert text_session.name in asked[0] and "[y/N]" in asked[0]
    monkeypatch.setattr(builtins, "input", lambda prompt: "y")
    assert main(["sessions", "delete", text_session.name]) == 0
    assert not text_session.exists() and store.list_session_dirs() == []


def test_sessions_delete_without_an_answer_keeps_the_session(text_session, monkeypatch, capsys):
    def no_terminal(prompt):
        raise EOFError

    monkeypatch.setattr(builtins, "input", no_terminal)
    assert main(["sessions", "delete", "latest"]) == 1
    assert text_session.is_dir() and "--yes" in capsys.readouterr().err


def test_sessions_delete_yes_removes_the_recording_too(voice_session, text_session, capsys):
    assert main(["sessions", "delete", voice_session.name, "--yes"]) == 0
    assert not voice_session.exists()
    assert [d.name for d in store.list_session_dirs()] == [text_session.name]
    assert main(["sessions", "delete", "nope", "--yes"]) == 2
    assert "no session 'nope'" in capsys.readouterr().err


# --- progress ----------------------------------------------------------------------------------
def test_progress_compares_sessions(text_session, voice_session, tmp_path, capsys):
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "FE/MS/MD/ED" in lines[0]
    assert any(text_session.name in line for line in lines) and any(
        voice_session.name in line for line in lines
    )
    assert "mean rating" in out and "not measured" in out
    assert main(["progress", "--json", "--html", str(tmp_path / "p.html")]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_id = {r["session_id"]: r for r in rows}
    assert by_id[text_session.name]["words_per_minute"] is None
    assert by_id[voice_session.name]["words_per_minute"] > 0
    assert set(by_id[voice_session.name]["ratings"]) == {
        "feature_engineering",
        "model_serving",
        "monitoring",
        "experiment_design",
    }
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert '<svg id="plot-ratings"' in page and '<svg id="plot-speech"' in page
    assert text_session.name in page and voice_session.name in page


def test_progress_with_no_sessions(capsys):
    assert main(["progress"]) == 0
    assert "No saved sessions" in capsys.readouterr().out
