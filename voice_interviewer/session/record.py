"""A saved session read back from its journal: what `sessions` lists and `export` writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voice_interviewer.interview.scorecard_types import Scorecard
from voice_interviewer.session import store
from voice_interviewer.session.journal import read_journal


@dataclass
class SessionRecord:
    """Everything in one session's journal, grouped by kind."""

    session_id: str
    directory: Path
    created: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    turns: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    scorecard: Scorecard | None = None
    ended: bool = False
    extra: list[dict[str, Any]] = field(default_factory=list)

    @property
    def problem_id(self) -> str | None:
        return self.state.get("problem")

    @property
    def phase_reached(self) -> str:
        return self.state.get("phase", "")

    @property
    def phases(self) -> list[dict[str, Any]]:
        return list(self.state.get("phases", []))

    def problem_event(self) -> dict[str, Any] | None:
        """The last problem presented (a candidate may switch problems mid-interview)."""
        found = [e for e in self.events if e.get("type") == "problem"]
        return found[-1] if found else None


def load_record(directory: Path) -> SessionRecord:
    record = SessionRecord(session_id=directory.name, directory=directory)
    for event in read_journal(directory / store.JOURNAL):
        kind = event.get("type")
        if kind == "session":
            record.created = event.get("created", "")
            record.options = event.get("options", {})
        elif kind == "turn":
            record.turns.append(event)
        elif kind == "event":
            record.events.append({**event, "type": event["kind"]})
        elif kind == "state":
            record.state = event
        elif kind == "scorecard":
            record.scorecard = Scorecard.from_dict(event["scorecard"])
        elif kind == "end":
            record.ended = True
        else:
            record.extra.append(event)
    return record
