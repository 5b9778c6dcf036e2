"""Every exporter on the recorded session and on a typed one: the recording (stereo, aligned),
SRT and WebVTT (valid, on the recording's time line), JSON (against docs/export-schema.json),
Markdown, and what a session without a recording gets."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from report_support import level_db, parse_srt, parse_vtt

from voice_interviewer.session.export import FORMATS, JSON_SCHEMA_VERSION, export_session, to_json
from voice_interviewer.session.record import load_record

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "export-schema.json"
sf = pytest.importorskip("soundfile")
jsonschema = pytest.importorskip("jsonschema")


def _validate(data):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path)
    )
    assert not errors, [(list(e.path), e.message[:200]) for e in errors[:5]]


@pytest.fixture(scope="module")
def exported(voice_session_dir, content, tmp_path_factory):
    """All formats of the recorded session, written once for this module."""
    out = tmp_path_factory.mktemp("export-all")
    record = load_record(voice_session_dir)
    result = export_session(record, content, set(FORMATS), out)
    audio, rate = sf.read(str(out / f"{record.session_id}.flac"), dtype="float32", always_2d=True)
    data = json.loads((out / f"{record.session_id}.json").read_text(encoding="utf-8"))
    return record, result, out, audio, rate, data


def test_all_formats_written_named_by_session(exported):
    record, result, out, *_ = exported
    sid = record.session_id
    assert sorted(p.name for p in result.written) == sorted(
        f"{sid}.{ext}" for ext in ("flac", "json", "md", "srt", "vtt", "html")
    )
    assert result.notes == []


def test_recording_is_stereo_candidate_left_interviewer_right(exported):
    record, _, _, audio, rate, data = exported
    assert rate == 16_000 and audio.shape[1] == 2
    source, _ = sf.read(str(record.recordings[0].path), dtype="float32", always_2d=True)
    assert len(audio) == len(source)
    assert np.allclose(audio, source, atol=1 / 32767)  # FLAC is lossless
    t0 = data["recording"]["t0"]
    assert data["recording"]["file"] == f"{record.session_id}.flac"
    assert data["recording"]["duration_s"] == pytest.approx(len(audio) / rate, abs=0.01)
    for turn in data["turns"]:
        if "start" not in turn:
            continue
        a, b = turn["start"] - t0, turn["end"] - t0
        assert turn["media_start"] == pytest.approx(a, abs=1e-3)
        mine, other = (0, 1) if turn["speaker"] == "candidate" else (1, 0)
        assert level_db(audio, rate, a, b, mine) > -40, turn["index"]
        assert level_db(audio, rate, a, b, mine) > level_db(audio, rate, a, b, other) + 20, turn[
            "index"
        ]


def test_wav_export_matches_flac(voice_session_dir, content, tmp_path, exported):
    *_, flac, _, _ = exported
    record = load_record(voice_session_dir)
    result = export_session(record, content, {"audio"}, tmp_path, audio_format="wav")
    assert [p.suffix for p in result.written] == [".wav"]
    info = sf.info(str(result.written[0]))
    assert (info.samplerate, info.channels, info.subtype) == (16_000, 2, "PCM_16")
    wav, _ = sf.read(str(result.written[0]), dtype="float32", always_2d=True)
    assert np.array_equal(wav, flac)


def _cue_checks(cues, data, audio, rate):
    t0 = data["recording"]["t0"]
    assert {c.speaker for c in cues} == {"Candidate", "Interviewer"}
    for c in cues:
        channel = 0 if c.speaker == "Candidate" else 1
        assert c.end <= len(audio) / rate + 0.05
        assert level_db(audio, rate, c.start, c.end, channel) > -45, c
    # the candidate's cues carry exactly the recognised words, in order, at their times
    words = [w for t in data["turns"] if t["speaker"] == "candidate" for w in t["words"]]
    said = " ".join(c.text for c in cues if c.speaker == "Candidate").split()
    assert said == [w[0] for w in words]
    starts = {round(w[1] - t0, 3) for w in words}
    assert all(round(c.start, 3) in starts for c in cues if c.speaker == "Candidate")


def test_srt_is_valid_and_lines_up_with_the_recording(exported):
    record, _, out, audio, rate, data = exported
    _cue_checks(
        parse_srt((out / f"{record.session_id}.srt").read_text(encoding="utf-8")), data, audio, rate
    )


def test_vtt_is_valid_and_matches_the_srt(exported):
    record, _, out, audio, rate, data = exported
    vtt = parse_vtt((out / f"{record.session_id}.vtt").read_text(encoding="utf-8"))
    srt = parse_srt((out / f"{record.session_id}.srt").read_text(encoding="utf-8"))
    assert [(c.start, c.end, c.speaker, c.text) for c in vtt] == [
        (c.start, c.end, c.speaker, c.text) for c in srt
    ]
    _cue_checks(vtt, data, audio, rate)


def test_json_follows_the_schema(exported):
    *_, data = exported
    _validate(data)
    assert data["schema_version"] == JSON_SCHEMA_VERSION
    assert data["mode"] == "replay" and data["analytics"]["available"] is True
    assert len(data["timings"]) >= 4 and all(x["voice_to_voice"] > 0 for x in data["timings"][1:])


def test_evidence_links_point_at_the_quote_in_the_recording(exported):
    record, _, _, audio, rate, data = exported
    evidence = [ev for a in data["scorecard"]["areas"] for ev in a["evidence"]]
    assert evidence, "the feature store answer should be quoted"
    turns = {t["index"]: t for t in data["turns"]}
    for ev in evidence:
        words = turns[ev["turn"]]["words"]
        at = next(w for w in words if abs(w[1] - ev["start"]) < 1e-6)
        first_quoted = re.sub(r"[^a-z']", "", ev["quote"].removeprefix("... ").split()[0].lower())
        assert re.sub(r"[^a-z']", "", at[0].lower()) == first_quoted, (ev, at)
        assert ev["media_t"] == pytest.approx(ev["start"] - data["recording"]["t0"], abs=1e-3)
        # Whisper may start a word a little before its sound (after a pause): within a second
        assert level_db(audio, rate, ev["media_t"], ev["media_t"] + 1.0, 0) > -40


def test_markdown_has_analytics_and_timed_evidence(exported):
    record, _, out, *_ = exported
    md = (out / f"{record.session_id}.md").read_text(encoding="utf-8")
    assert "## Speech analytics" in md and "| Overall |" in md
    assert re.search(r'- Feature Engineering, turn \d+ at \d\d:\d\d in the recording: "', md)


# --- a typed session: what applies, and said so -----------------------------------------------
def test_typed_session_exports_what_applies(text_session, content, tmp_path):
    record = load_record(text_session)
    result = export_session(record, content, set(FORMATS), tmp_path)
    assert sorted(p.suffix for p in result.written) == [".html", ".json", ".md"]
    assert any(
        "typed session" in n and "no recording" in n and "subtitles" in n for n in result.notes
    )
    data = json.loads((tmp_path / f"{record.session_id}.json").read_text(encoding="utf-8"))
    _validate(data)
    assert data["recording"] is None and data["timings"] == []
    assert data["analytics"]["available"] is False
    for ev in (ev for a in data["scorecard"]["areas"] for ev in a["evidence"]):
        assert ev["start"] is None and ev["media_t"] is None
    md = (tmp_path / f"{record.session_id}.md").read_text(encoding="utf-8")
    assert "Typed session: no word timings" in md and "n/a" in md


def test_unfinished_typed_session_follows_the_schema(content):
    from voice_interviewer.clock import VirtualClock
    from voice_interviewer.session.live import InterviewSession, SessionOptions

    session = InterviewSession.start(content, VirtualClock(), SessionOptions())
    session.open()
    session.close()
    data = to_json(load_record(session.directory), content)
    _validate(data)
    assert data["scorecard"] is None and data["problem"] is None


# --- recordings that are missing, or several after a resume ----------------------------------
def test_missing_recording_is_reported_and_the_rest_still_exported(
    voice_session, content, tmp_path
):
    (voice_session / "recording.wav").unlink()
    record = load_record(voice_session)
    result = export_session(record, content, set(FORMATS), tmp_path)
    assert sorted(p.suffix for p in result.written) == [".html", ".json", ".md", ".srt", ".vtt"]
    assert any("missing" in n and "recording.wav" in n for n in result.notes)
    data = json.loads((tmp_path / f"{record.session_id}.json").read_text(encoding="utf-8"))
    _validate(data)
    assert data["analytics"]["interviewer_basis"] == "estimated from the heard text"
    assert data["recording"]["sources"] == [
        {"path": "recording.wav", "t0": record.recordings[0].t0, "present": False}
    ]
    parse_srt((tmp_path / f"{record.session_id}.srt").read_text(encoding="utf-8"))


def test_resumed_session_recordings_are_joined_on_the_session_clock(
    voice_session_dir, content, tmp_path
):
    """recording-2.wav starts (after a crash and resume) at t0 = 10 s, before recording.wav
    ended: the export keeps the first up to 10 s, then the second."""
    directory = tmp_path / voice_session_dir.name
    shutil.copytree(voice_session_dir, directory)
    rate = 16_000
    first = np.zeros((12 * rate, 2), dtype=np.float32)
    first[:, 0] = 0.1
    second = np.zeros((5 * rate, 2), dtype=np.float32)
    second[:, 1] = 0.2
    sf.write(str(directory / "recording.wav"), first, rate, subtype="PCM_16")
    sf.write(str(directory / "recording-2.wav"), second, rate, subtype="PCM_16")
    lines = [json.loads(x) for x in (directory / "journal.jsonl").read_text().splitlines()]
    lines = [x for x in lines if x["type"] != "recording"]
    lines.insert(1, {"type": "recording", "path": "recording.wav", "t0": 0.0, "rate": rate})
    lines.append({"type": "recording", "path": "recording-2.wav", "t0": 10.0, "rate": rate})
    (directory / "journal.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    result = export_session(load_record(directory), content, {"audio"}, tmp_path / "out", "wav")
    audio, _ = sf.read(str(result.written[0]), dtype="float32", always_2d=True)
    assert len(audio) == 15 * rate
    assert np.allclose(audio[: 10 * rate, 0], 0.1, atol=1e-3) and np.allclose(
        audio[10 * rate :, 0], 0.0
    )
    assert np.allclose(audio[10 * rate :, 1], 0.2, atol=1e-3)


def test_spoken_session_cut_off_after_the_greeting(content, tmp_path, _isolated_home):
    """A voice session that crashed before the candidate said a word, its recording lost:
    nothing is called typed, nothing timed is invented, and the JSON still validates."""
    directory = _isolated_home / "sessions" / "20260101-000000-000-abcd"
    directory.mkdir(parents=True)
    lines = [
        {"type": "session", "created": "2026-01-01T00:00:00+00:00", "options": {"mode": "voice"}},
        {"type": "recording", "path": "recording.wav", "t0": 0.02, "rate": 16000},
        {
            "type": "turn",
            "index": 0,
            "speaker": "interviewer",
            "text": "Hi. Let's warm up.",
            "phase": "requirements",
            "t": 0.03,
        },
        {"type": "timing", "turn": 0, "t_first_audio": 0.1},
        {
            "type": "state",
            "phase": "requirements",
            "phases": [{"phase": "requirements", "started_at": 0.03, "ended_at": None}],
        },
    ]
    (directory / "journal.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    record = load_record(directory)
    result = export_session(record, content, set(FORMATS), tmp_path / "out")
    assert sorted(p.suffix for p in result.written) == [".html", ".json", ".md", ".srt", ".vtt"]
    assert not any("typed" in n for n in result.notes)
    assert any("missing" in n for n in result.notes)
    data = json.loads((tmp_path / "out" / f"{record.session_id}.json").read_text())
    _validate(data)
    assert data["analytics"]["basis"] == "none" and data["analytics"]["available"] is False
    assert (tmp_path / "out" / f"{record.session_id}.srt").read_text() == ""
