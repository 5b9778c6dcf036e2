"""A saved session read back from its journal: what `sessions` lists and `export` writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voice_interviewer.interview.scorecard_types import Scorecard
from voice_interviewer.session import store
from voice_interviewer.session.journal import read_journal

WordTiming = tuple[str, float, float]
"""One recognised word: (text, start, end) on the session clock."""


@dataclass(frozen=True)
class Said:
    """What the candidate heard of interviewer turn ``turn`` (a barge-in may cut it short,
    an LLM may have rephrased the authored words)."""

    turn: int | None
    text: str
    full_text: str
    interrupted: bool


@dataclass(frozen=True)
class Timing:
    """The runtime's per-reply timestamps (DESIGN.md "Latency"); ``turn`` is the interviewer
    turn the reply spoke. Times are on the session clock, durations in seconds."""

    turn: int
    t_speech_end: float | None = None
    t_endpoint: float | None = None
    t_first_audio: float | None = None
    response_latency: float | None = None
    voice_to_voice: float | None = None
    stt_last_segment_s: float | None = None
    tts_first_chunk_s: float | None = None
    authored: bool | None = None


@dataclass(frozen=True)
class Recording:
    """One recording file of the session; sample k of it is at session time ``t0 + k / rate``.
    A resumed session has one per run (recording.wav, recording-2.wav, ...)."""

    path: Path
    t0: float
    rate: int = 16_000
    channels: tuple[str, ...] = ("candidate", "interviewer")

    @property
    def exists(self) -> bool:
        return self.path.is_file()


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
    """Journal lines of other types, in order: the runtime's "said", "timing", "recording",
    "resumed", "device_lost", ... (the typed accessors below read them)."""

    @property
    def problem_id(self) -> str | None:
        return self.state.get("problem")

    @property
    def phase_reached(self) -> str:
        return self.state.get("phase", "")

    @property
    def phases(self) -> list[dict[str, Any]]:
        return list(self.state.get("phases", []))

    @property
    def mode(self) -> str:
        """ "text", "voice" or "replay"."""
        return str(self.options.get("mode", "text"))

    @property
    def spoken(self) -> bool:
        """A voice session (even one where the candidate has not spoken yet)."""
        return self.mode != "text" or bool(self.recordings) or self.has_word_timings

    @property
    def has_word_timings(self) -> bool:
        """Whether speech analytics can be measured (voice sessions' candidate turns carry
        word timestamps; typed turns do not)."""
        return any(t.get("words") for t in self.turns)

    def problem_event(self) -> dict[str, Any] | None:
        """The last problem presented (a candidate may switch problems mid-interview)."""
        found = [e for e in self.events if e.get("type") == "problem"]
        return found[-1] if found else None

    def words(self, turn_index: int) -> list[WordTiming]:
        """A candidate turn's recognised words with their times; empty for typed turns."""
        for turn in self.turns:
            if turn["index"] == turn_index:
                return [(str(w[0]), float(w[1]), float(w[2])) for w in turn.get("words", ())]
        return []

    def quote_start(self, turn_index: int, quote: str) -> float | None:
        """When the candidate began saying ``quote`` (a scorecard evidence quote of that turn):
        the start of the word where the quote's opening words line up best with the turn's
        recognised words. None for typed turns."""
        words = self.words(turn_index)
        if not words:
            return None
        said = [_token(w[0]) for w in words]
        wanted = [t for t in (_token(x) for x in quote.split()) if t][:8]  # "... " marks drop out
        if not wanted:
            return words[0][1]
        best, best_score = 0, -1
        for i in range(len(said)):
            score = sum(1 for j, t in enumerate(wanted) if i + j < len(said) and said[i + j] == t)
            if score > best_score:
                best, best_score = i, score
        return words[best][1]

    @property
    def said(self) -> list[Said]:
        return [
            Said(
                e.get("turn"),
                e.get("text", ""),
                e.get("full_text", e.get("text", "")),
                bool(e.get("interrupted", False)),
            )
            for e in self.extra
            if e.get("type") == "said"
        ]

    def heard(self, turn_index: int) -> Said | None:
        """What was heard of an interviewer turn (the last account, if there are several)."""
        found = [s for s in self.said if s.turn == turn_index]
        return found[-1] if found else None

    @property
    def timings(self) -> list[Timing]:
        names = Timing.__dataclass_fields__
        return [
            Timing(**{k: v for k, v in e.items() if k in names})
            for e in self.extra
            if e.get("type") == "timing" and e.get("turn") is not None
        ]

    def timing(self, turn_index: int) -> Timing | None:
        found = [t for t in self.timings if t.turn == turn_index]
        return found[-1] if found else None

    @property
    def recordings(self) -> list[Recording]:
        """The session's recording files in session-time order (paths resolved)."""
        found = [
            Recording(
                self.directory / e["path"],
                float(e.get("t0", 0.0)),
                int(e.get("rate", 16_000)),
                tuple(e.get("channels", ("candidate", "interviewer"))),
            )
            for e in self.extra
            if e.get("type") == "recording" and e.get("path")
        ]
        return sorted(found, key=lambda r: r.t0)


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


def _token(word: str) -> str:
    return "".join(c for c in word.lower() if c.isalnum() or c == "'")
