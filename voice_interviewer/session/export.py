"""Exports of a saved session: JSON (docs/export-schema.json), Markdown, SRT, WebVTT, the
recording (FLAC/WAV) and the HTML report.

``export_session`` writes any set of them and says what it skipped and why (a typed session
has no recording or subtitles); ``export`` is the original JSON + Markdown writer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voice_interviewer.interview.content import Content
from voice_interviewer.session import media
from voice_interviewer.session.analytics import Analytics, analyse
from voice_interviewer.session.record import SessionRecord
from voice_interviewer.text import safe_text

EXPORT_TYPES = {"hint", "probe", "pushback", "command", "phase_change"}
JSON_SCHEMA_VERSION = "1.1"
"""1.0: transcript, events, scorecard. 1.1 adds (all optional for 1.0 readers) words and
speech spans on turns, the heard text, recording, timings, analytics, and evidence times."""
FORMATS = ("md", "json", "srt", "vtt", "html", "audio")


@dataclass
class ExportResult:
    """What an export wrote, and what it skipped with the reason (shown to the user)."""

    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Timeline:
    """Where the exported recording sits on the session clock (``t0``), if there is one."""

    t0: float | None
    duration_s: float | None
    file: str | None = None


def timeline(record: SessionRecord, audio_file: str | None = None) -> Timeline:
    """Where the exported recording starts; from the journal alone (no duration) when the
    files are missing or cannot be read here."""
    try:
        info = media.timeline(record)
    except media.MediaError:
        info = None  # export_session says why when it tries to write the audio
    if info is not None:
        return Timeline(info.t0, round(info.duration_s, 3), audio_file)
    available = media.available(record)
    listed = available or record.recordings
    return Timeline(listed[0].t0 if listed else None, None, None)


def _media_t(t: float | None, line: Timeline) -> float | None:
    return None if t is None or line.t0 is None else round(t - line.t0, 3)


def to_json(
    record: SessionRecord,
    content: Content,
    *,
    analytics: Analytics | None = None,
    line: Timeline | None = None,
) -> dict[str, Any]:
    """The session as the documented JSON export (docs/export-schema.json)."""
    analytics = analytics or analyse(record)
    line = line or timeline(record)
    problem = record.problem_event()
    problem_info = None
    if problem is not None:
        p = content.problem(problem.data["id"])
        problem_info = {"id": p.id, "title": p.title, "difficulty": p.difficulty}
    titles = {p.id: p.title for p in content.phases}
    data = {
        "schema_version": JSON_SCHEMA_VERSION,
        "session_id": record.session_id,
        "created": record.created,
        "mode": record.options.get("mode", "text"),
        "problem": problem_info,
        "phases": [
            {
                "name": s["phase"],
                "title": titles.get(s["phase"], s["phase"]),
                "started_at": s["started_at"],
                "ended_at": s["ended_at"],
            }
            for s in record.phases
        ],
        "turns": [_turn(record, t, analytics, line) for t in record.turns],
        "events": [
            {"type": e.kind, "turn": e.turn, "detail": e.detail, "data": e.data}
            for e in record.events
            if e.kind in EXPORT_TYPES
        ],
        "hints_used": [e.data.get("level", 0) for e in record.events if e.kind == "hint"],
        "probes_fired": [e.detail for e in record.events if e.kind == "probe"],
        "scorecard": _scorecard(record, line),
        "finished": record.ended,
        "recording": _recording(record, line),
        "timings": analytics.latencies,
        "analytics": analytics.to_dict(),
    }
    # A journal written before answers were cleaned (or edited by hand) may hold escape
    # sequences: no export built from this (md, html, json) passes them on.
    return _safe(data)


def _safe(value: Any) -> Any:
    """``value`` with every string in it passed through ``safe_text``."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_safe(v) for v in value]
    return value


def _turn(
    record: SessionRecord, t: dict[str, Any], analytics: Analytics, line: Timeline
) -> dict[str, Any]:
    out = {
        "index": t["index"],
        "speaker": t["speaker"],
        "text": t["text"],
        "phase": t["phase"],
        "t": t["t"],
    }
    start = end = None
    if t["speaker"] == "candidate":
        words = record.words(t["index"])
        if words:
            out["words"] = [[w, a, b] for w, a, b in words]
            start, end = words[0][1], words[-1][2]
    else:
        heard = record.heard(t["index"])
        if heard is not None:
            out["heard"] = {"text": heard.text, "interrupted": heard.interrupted}
        start, end = analytics.interviewer_spans.get(t["index"], (None, None))
    if start is not None:
        out["start"], out["end"] = round(start, 3), round(end or start, 3)
        out["media_start"] = _media_t(start, line)
    return out


def _scorecard(record: SessionRecord, line: Timeline) -> dict[str, Any] | None:
    """The scorecard with each evidence quote's moment: ``start`` (session clock, where the
    quote begins in the words) and ``media_t`` (seconds into the exported recording)."""
    if record.scorecard is None:
        return None
    card = record.scorecard.to_dict()
    for area in card["areas"]:
        for ev in area["evidence"]:
            ev["start"] = record.quote_start(ev["turn"], ev["quote"])
            ev["media_t"] = _media_t(ev["start"], line)
    return card


def _recording(record: SessionRecord, line: Timeline) -> dict[str, Any] | None:
    if not record.recordings:
        return None
    return {
        "file": line.file,
        "t0": line.t0,
        "duration_s": line.duration_s,
        "rate": record.recordings[0].rate,
        "channels": ["candidate", "interviewer"],
        "sources": [
            {"path": r.path.name, "t0": r.t0, "present": r.exists} for r in record.recordings
        ],
    }


def to_markdown(
    record: SessionRecord,
    content: Content,
    *,
    analytics: Analytics | None = None,
    line: Timeline | None = None,
) -> str:
    data = to_json(record, content, analytics=analytics, line=line)
    out = [f"# Interview {record.session_id}", ""]
    if data["problem"]:
        p = data["problem"]
        out += [f"**Problem:** {p['title']} ({p['difficulty']})", ""]
    out += [f"**Date:** {record.created}  ", f"**Finished:** {'yes' if record.ended else 'no'}", ""]
    events_by_turn: dict[int, list[dict[str, Any]]] = {}
    for e in data["events"]:
        events_by_turn.setdefault(e["turn"], []).append(e)
    out += ["## Transcript", ""]
    titles = {p.id: p.title for p in content.phases}
    phase = None
    for t in data["turns"]:
        if t["phase"] != phase:
            phase = t["phase"]
            out += [f"### {titles.get(phase, phase)}", ""]
        who = "Interviewer" if t["speaker"] == "interviewer" else "Candidate"
        text = (
            t["heard"]["text"] + " (interrupted)"
            if t.get("heard", {}).get("interrupted")
            else t["text"]
        )
        at = _clock(t["media_start"]) if t.get("media_start") is not None else _clock(t["t"])
        out.append(f"**{who}** [{at}] (turn {t['index']}): {text}")
        out.append("")
        for e in events_by_turn.get(t["index"], []):
            out += [f"> *{e['type'].replace('_', ' ')}*: {e['detail']}", ""]
    out += ["## Hints and probes", ""]
    out.append(
        f"- Hints used: {len(data['hints_used'])}"
        + (f" (levels {', '.join(map(str, data['hints_used']))})" if data["hints_used"] else "")
    )
    out.append(f"- Probes fired: {', '.join(data['probes_fired']) or 'none'}")
    out.append("")
    out += _analytics_markdown(data["analytics"], titles)
    card = record.scorecard
    if card is None:
        out += ["## Scorecard", "", "The interview did not reach the scorecard.", ""]
        return safe_text("\n".join(out))
    out += ["## Scorecard", "", "| Area | Rating | Justification |", "| --- | --- | --- |"]
    for a in card.areas:
        out.append(f"| {a.title} | {a.rating} | {a.justification.replace('|', '/')} |")
    out += ["", "### Evidence", ""]
    for a in data["scorecard"]["areas"]:
        for ev in a["evidence"]:
            at = (
                f" at {_clock(ev['media_t'])} in the recording"
                if ev.get("media_t") is not None
                else ""
            )
            out.append(f'- {a["title"]}, turn {ev["turn"]}{at}: "{ev["quote"]}"')
    out += ["", "### Strengths", ""] + [f"{i}. {s}" for i, s in enumerate(card.strengths, 1)]
    out += ["", "### Improvements", ""] + [f"{i}. {s}" for i, s in enumerate(card.improvements, 1)]
    out += ["", "### Resources", ""] + [f"- {r}" for r in card.resources]
    out += ["", f"*{card.hint_rule}*", ""]
    return safe_text("\n".join(out))  # the scorecard comes from the journal as saved


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.1f}{unit}"
    return f"{value}{unit}"


def _analytics_markdown(a: dict[str, Any], titles: dict[str, str]) -> list[str]:
    out = ["## Speech analytics", "", a["note"], ""]
    rows = a["phases"] + [a["overall"]]
    out += [
        "| Phase | Words | WPM | Fillers/min | Talk (you / interviewer) | Longest monologue | "
        "Pauses > 3 s | First word after | Hints |",
        "| --- | " + "--- | " * 8,
    ]
    for r in rows:
        name = "Overall" if r["phase"] == "overall" else titles.get(r["phase"], r["phase"])
        share = (
            f" ({r['candidate_share'] * 100:.0f}% you)" if r["candidate_share"] is not None else ""
        )
        fillers = _fmt(r["fillers_per_minute"]) if a["available"] else f"{r['fillers']} (count)"
        out.append(
            f"| {name} | {r['candidate_words']} | {_fmt(r['words_per_minute'])} | {fillers} | "
            f"{_fmt(r['candidate_talk_s'], ' s')} / {_fmt(r['interviewer_talk_s'], ' s')}{share} | "
            f"{_fmt(r['longest_monologue_s'], ' s')} | "
            f"{r['long_pauses'] if a['available'] else 'n/a'} | "
            f"{_fmt(r['first_word_after_s'], ' s')} | {r['hints']} |"
        )
    if a["filler_counts"]:
        out += [
            "",
            "Fillers: " + ", ".join(f'"{k}" x{v}' for k, v in sorted(a["filler_counts"].items())),
        ]
    return out + [""]


def _write(path: Path, text: str, result: ExportResult) -> None:
    path.write_text(text, encoding="utf-8")
    result.written.append(path)


def export_session(
    record: SessionRecord,
    content: Content,
    formats: set[str],
    out_dir: Path,
    audio_format: str = "flac",
    step: Callable[[], None] | None = None,
) -> ExportResult:
    """Write ``formats`` (a subset of ``FORMATS``) into ``out_dir``, named by the session id.
    Subtitles and the HTML report come with the recording they refer to. ``step`` is called
    as each format is done (a progress bar)."""
    done = step or (lambda: None)
    from voice_interviewer.session import html_report, subtitles

    unknown = formats - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown export formats {sorted(unknown)}; choose from {FORMATS}")
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    sid = record.session_id
    analytics = analyse(record)
    gone = media.missing(record)
    if gone:
        result.notes.append(
            "recording file(s) missing from the session folder: "
            + ", ".join(str(r.path) for r in gone)
        )
    wants_audio = bool(formats & {"audio", "srt", "vtt", "html"})
    audio = None
    if wants_audio and media.available(record):
        audio = media.write_recording(record, out_dir / f"{sid}.{audio_format}", audio_format)
        if audio is not None and audio.path is not None:
            result.written.append(audio.path)
        if "audio" in formats:
            done()
    elif wants_audio and not record.spoken:
        result.notes.append(
            f"{sid} is a typed session: it has no recording"
            + (" and no subtitles" if formats & {"srt", "vtt"} else "")
        )
    elif wants_audio and not record.recordings:
        result.notes.append(f"{sid} has no recording (it was made without one)")
    line = timeline(record, audio.path.name if audio is not None and audio.path else None)
    if "json" in formats:
        data = to_json(record, content, analytics=analytics, line=line)
        _write(
            out_dir / f"{sid}.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n", result
        )
        done()
    if "md" in formats:
        _write(
            out_dir / f"{sid}.md",
            to_markdown(record, content, analytics=analytics, line=line),
            result,
        )
        done()
    if formats & {"srt", "vtt"} and record.spoken:
        cues = subtitles.cues(record, analytics, line.t0 if line.t0 is not None else 0.0)
        if line.t0 is None:
            result.notes.append("no recording: subtitle times are on the session clock")
        if "srt" in formats:
            _write(out_dir / f"{sid}.srt", subtitles.to_srt(cues), result)
            done()
        if "vtt" in formats:
            _write(out_dir / f"{sid}.vtt", subtitles.to_vtt(cues), result)
            done()
    if "html" in formats:
        page = html_report.render(
            record,
            content,
            analytics=analytics,
            line=line,
            audio=audio.path if audio is not None else None,
        )
        _write(out_dir / f"{sid}.html", page, result)
        done()
    return result


def export(record: SessionRecord, content: Content, fmt: str, out_dir: Path) -> list[Path]:
    """The transcript exports: ``fmt`` "json", "md" or "all" (both); returns the files written.
    ``export_session`` writes the other formats."""
    formats = {"json", "md"} if fmt == "all" else {fmt}
    return export_session(record, content, formats, out_dir).written


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m:02d}:{s:02d}"
