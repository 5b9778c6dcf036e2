"""Exports of a saved session: JSON (the documented fields) and Markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from voice_interviewer.interview.content import Content
from voice_interviewer.session.record import SessionRecord

EXPORT_TYPES = {"hint", "probe", "pushback", "command", "phase_change"}
JSON_SCHEMA_VERSION = "1.0"


def to_json(record: SessionRecord, content: Content) -> dict[str, Any]:
    """The session as the documented JSON export (docs/export-schema.json)."""
    problem = record.problem_event()
    problem_info = None
    if problem is not None:
        p = content.problem(problem["data"]["id"])
        problem_info = {"id": p.id, "title": p.title, "difficulty": p.difficulty}
    titles = {p.id: p.title for p in content.phases}
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "session_id": record.session_id,
        "created": record.created,
        "mode": record.options.get("mode", "text"),
        "problem": problem_info,
        "phases": [
            {"name": s["phase"], "title": titles.get(s["phase"], s["phase"]),
             "started_at": s["started_at"], "ended_at": s["ended_at"]}
            for s in record.phases
        ],
        "turns": [
            {"index": t["index"], "speaker": t["speaker"], "text": t["text"], "phase": t["phase"], "t": t["t"]}
            for t in record.turns
        ],
        "events": [
            {"type": e["type"], "turn": e["turn"], "detail": e["detail"], "data": e.get("data", {})}
            for e in record.events
            if e["type"] in EXPORT_TYPES
        ],
        "hints_used": [e["data"].get("level", 0) for e in record.events if e["type"] == "hint"],
        "probes_fired": [e["detail"] for e in record.events if e["type"] == "probe"],
        "scorecard": record.scorecard.to_dict() if record.scorecard else None,
        "finished": record.ended,
    }


def to_markdown(record: SessionRecord, content: Content) -> str:
    data = to_json(record, content)
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
        out.append(f"**{who}** [{_clock(t['t'])}] (turn {t['index']}): {t['text']}")
        out.append("")
        for e in events_by_turn.get(t["index"], []):
            out += [f"> *{e['type'].replace('_', ' ')}*: {e['detail']}", ""]
    out += ["## Hints and probes", ""]
    out.append(f"- Hints used: {len(data['hints_used'])}"
               + (f" (levels {', '.join(map(str, data['hints_used']))})" if data["hints_used"] else ""))
    out.append(f"- Probes fired: {', '.join(data['probes_fired']) or 'none'}")
    out.append("")
    card = record.scorecard
    if card is None:
        out += ["## Scorecard", "", "The interview did not reach the scorecard.", ""]
        return "\n".join(out)
    out += ["## Scorecard", "", "| Area | Rating | Justification |", "| --- | --- | --- |"]
    for a in card.areas:
        out.append(f"| {a.title} | {a.rating} | {a.justification.replace('|', '/')} |")
    out += ["", "### Strengths", ""] + [f"{i}. {s}" for i, s in enumerate(card.strengths, 1)]
    out += ["", "### Improvements", ""] + [f"{i}. {s}" for i, s in enumerate(card.improvements, 1)]
    out += ["", "### Resources", ""] + [f"- {r}" for r in card.resources]
    out += ["", f"*{card.hint_rule}*", ""]
    return "\n".join(out)


def export(record: SessionRecord, content: Content, fmt: str, out_dir: Path) -> list[Path]:
    """Write the requested format(s) into ``out_dir``; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if fmt in ("json", "all"):
        path = out_dir / f"{record.session_id}.json"
        path.write_text(json.dumps(to_json(record, content), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    if fmt in ("md", "all"):
        path = out_dir / f"{record.session_id}.md"
        path.write_text(to_markdown(record, content), encoding="utf-8")
        written.append(path)
    return written


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m:02d}:{s:02d}"
