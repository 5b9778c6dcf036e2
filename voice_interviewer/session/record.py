"""A saved session read back from its journal: what `sessions` lists and `export` writes."""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voice_interviewer.interview.scorecard_types import Scorecard
from voice_interviewer.session import events as ev
from voice_interviewer.session import store
from voice_interviewer.session.events import SaidLine, TimingLine, WordTiming
from voice_interviewer.session.journal import DamagedLine, read_journal

__all__ = ["Recording", "Said", "SessionRecord", "Timing", "WordTiming", "load_record"]

Said = SaidLine
"""What the candidate heard of an interviewer turn (the journal's "said" line)."""

Timing = TimingLine
"""The runtime's per-reply timestamps (the journal's "timing" line)."""


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
    events: list[ev.DirectorEvent] = field(default_factory=list)
    """The director's events (hints, probes, commands, problems, ...), in order."""
    state: dict[str, Any] = field(default_factory=dict)
    scorecard: Scorecard | None = None
    ended: bool = False
    extra: list[ev.JournalEvent] = field(default_factory=list)
    """The runtime's journal lines, in order: "said", "timing", "recording", "resumed",
    "device_lost", ... (the typed accessors below read them)."""
    damaged: list[DamagedLine] = field(default_factory=list)
    """Journal lines that could not be read and were skipped (see ``journal.read_journal``)."""
    revised: dict[int, str] = field(default_factory=dict)
    """Candidate turns whose text the accurate final pass replaced (already applied to
    ``turns``): turn index -> the fast text it replaced."""

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

    def problem_event(self) -> ev.DirectorEvent | None:
        """The last problem presented (a candidate may switch problems mid-interview)."""
        found = [e for e in self.events if e.kind == "problem"]
        return found[-1] if found else None

    def words(self, turn_index: int) -> list[WordTiming]:
        """A candidate turn's recognised words with their times; empty for typed turns."""
        turn = self._turn_by_index.get(turn_index)
        if turn is None:
            return []
        return [(str(w[0]), float(w[1]), float(w[2])) for w in turn.get("words", ())]

    # Indexes built once, after load_record has filled the record: looking a turn up by a
    # scan per turn made every export quadratic in the number of turns.
    @functools.cached_property
    def _turn_by_index(self) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        for turn in self.turns:
            found.setdefault(turn["index"], turn)
        return found

    @functools.cached_property
    def _heard_by_turn(self) -> dict[int | None, Said]:
        return {s.turn: s for s in self.said}  # the last account of a turn wins

    @functools.cached_property
    def _timing_by_turn(self) -> dict[int, Timing]:
        return {t.turn: t for t in self.timings}

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
        return [e for e in self.extra if isinstance(e, SaidLine)]

    def heard(self, turn_index: int) -> Said | None:
        """What was heard of an interviewer turn (the last account, if there are several)."""
        return self._heard_by_turn.get(turn_index)

    @property
    def timings(self) -> list[Timing]:
        return [e for e in self.extra if isinstance(e, TimingLine)]

    def timing(self, turn_index: int) -> Timing | None:
        return self._timing_by_turn.get(turn_index)

    @property
    def recordings(self) -> list[Recording]:
        """The session's recording files in session-time order (paths resolved)."""
        found = [
            Recording(self.directory / e.path, float(e.t0), int(e.rate), tuple(e.channels))
            for e in self.extra
            if isinstance(e, ev.RecordingLine) and e.path
        ]
        return sorted(found, key=lambda r: r.t0)


def load_record(directory: Path) -> SessionRecord:
    """A session read back from its journal. Damaged lines are skipped (``record.damaged``
    says which); revise events are applied, so every export and the scorecard evidence use
    the final text of a turn."""
    with _no_cyclic_gc():
        return _load_record(directory)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Parsing a long journal makes millions of small objects, none in a cycle; the cyclic
    collector would rescan the whole growing heap again and again (measured: the last quarter
    of a 40k-turn journal parsed 4x slower than the first with it, evenly without it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_record(directory: Path) -> SessionRecord:
    read = read_journal(directory / store.JOURNAL)
    record = SessionRecord(session_id=directory.name, directory=directory, damaged=read.damaged)
    by_index: dict[tuple[int, str], dict[str, Any]] = {}  # a revision finds its turn at once
    for event in read.events:
        if isinstance(event, ev.SessionHeader):
            record.created = event.created
            record.options = dict(event.options)
        elif isinstance(event, ev.TurnLine):
            record.turns.append(_turn_dict(event))
            by_index.setdefault((event.index, event.speaker), record.turns[-1])
        elif isinstance(event, ev.DirectorEvent):
            record.events.append(event)
        elif isinstance(event, ev.StateLine):
            record.state = {**ev.encode(event), "phases": list(event.phases)}
        elif isinstance(event, ev.ScorecardLine):
            record.scorecard = _scorecard(event, record)
        elif isinstance(event, ev.EndLine):
            record.ended = True
        elif isinstance(event, ev.ReopenedLine):
            record.ended = False
        elif isinstance(event, ev.ReviseLine):
            _revise(record, event, by_index)
        else:
            record.extra.append(event)
    return record


def _turn_dict(turn: ev.TurnLine) -> dict[str, Any]:
    """A turn as the exporters read it; optional voice fields only when present."""
    out: dict[str, Any] = {
        "index": turn.index,
        "speaker": turn.speaker,
        "text": turn.text,
        "phase": turn.phase,
        "t": turn.t,
    }
    for name in ("t_speech_end", "t_endpoint"):
        if getattr(turn, name) is not None:
            out[name] = getattr(turn, name)
    if turn.words:
        out["words"] = [list(w) for w in turn.words]
    return out


def _revise(
    record: SessionRecord,
    revise: ev.ReviseLine,
    by_index: dict[tuple[int, str], dict[str, Any]],
) -> None:
    turn = by_index.get((revise.turn, "candidate"))
    if turn is not None:
        record.revised.setdefault(revise.turn, turn["text"])
        turn["text"] = revise.text.strip()


def _scorecard(line: ev.ScorecardLine, record: SessionRecord) -> Scorecard | None:
    try:
        return Scorecard.from_dict(line.scorecard)
    except (KeyError, TypeError, ValueError) as e:
        where = record.directory / store.JOURNAL
        record.damaged.append(DamagedLine(where, 0, f"a scorecard that cannot be read ({e})"))
        return record.scorecard


def _token(word: str) -> str:
    return "".join(c for c in word.lower() if c.isalnum() or c == "'")
