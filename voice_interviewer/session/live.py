"""A running interview: the director plus its journal, and resuming one after a crash."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from voice_interviewer import __version__
from voice_interviewer.clock import Clock, VirtualClock
from voice_interviewer.interview.content import Content
from voice_interviewer.interview.director import Director
from voice_interviewer.interview.scorecard_types import Scorecard
from voice_interviewer.messages import CandidateTurn, InterviewSnapshot, Move
from voice_interviewer.session import store
from voice_interviewer.session.journal import SCHEMA_VERSION, Journal, JournalError, read_journal
from voice_interviewer.session.record import load_record


@dataclasses.dataclass(frozen=True)
class SessionOptions:
    """How a session was started; saved in the journal so a resume rebuilds it exactly."""

    mode: str = "text"
    problem_id: str | None = None
    difficulty: str | None = None
    focus_areas: tuple[str, ...] = ()
    continue_from: str | None = None
    recent_problems: tuple[str, ...] = ()


class InterviewSession:
    """Feeds candidate turns to the director and journals everything, turn by turn."""

    def __init__(self, director: Director, journal: Journal, session_id: str) -> None:
        self.director = director
        self.journal = journal
        self.session_id = session_id
        self._written_turns = 0
        self._written_events = 0
        self._scorecard_written = False

    @property
    def directory(self) -> Path:
        return self.journal.path.parent

    @property
    def finished(self) -> bool:
        return self.director.finished

    # --- the narrow interface the rest of the program uses (not ``session.director``) ----
    @property
    def clock(self) -> Clock:
        """The clock the interview runs on (audio and journal times use it too)."""
        return self.director.clock

    @property
    def scorecard(self) -> Scorecard | None:
        return self.director.scorecard

    def snapshot(self) -> InterviewSnapshot:
        """Where the interview is, for displays: phase, time left, problem, hint level."""
        return self.director.snapshot()

    def vocabulary(self) -> str:
        """The current problem's jargon, for the speech recogniser's hotwords."""
        return self.director.vocabulary()

    def revise_turn(self, turn_index: int, final_text: str) -> None:
        """The accurate transcript of a candidate turn replaces the fast one: coverage,
        evidence and the scorecard use it; no new move is made. Journaled as its own
        event, which a resume replays."""
        before = self.director.scorecard
        self.director.revise_turn(turn_index, final_text)
        self.journal.append({"type": "revise", "turn": turn_index, "text": final_text})
        after = self.director.scorecard
        if before is not None and after is not None and after != before:
            self.journal.append({"type": "scorecard", "scorecard": after.to_dict()})
        self.journal.sync()

    # --- creating and resuming -----------------------------------------------------------
    @classmethod
    def start(cls, content: Content, clock: Clock, options: SessionOptions) -> InterviewSession:
        if options.continue_from is not None and not options.focus_areas:
            # The director names last time's areas below Expert and asks what to work on.
            last = last_scorecard(exclude=None)
            if last is not None:
                options = dataclasses.replace(options, continue_from=last[0])
        if not options.recent_problems:
            options = dataclasses.replace(options, recent_problems=tuple(recent_problems()))
        session_id = store.new_session_id()
        path = store.create_session_dir(session_id) / store.JOURNAL
        journal = Journal(path)
        journal.append(
            {
                "type": "session",
                "schema": SCHEMA_VERSION,
                "session_id": session_id,
                "created": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
                "version": __version__,
                "options": dataclasses.asdict(options),
            }
        )
        return cls(_director(content, clock, options, exclude=session_id), journal, session_id)

    @classmethod
    def resume(
        cls, ref: str, content: Content, clock_at: Callable[[float], Clock]
    ) -> tuple[InterviewSession, Move]:
        """Rebuild a session from its journal by replaying the candidate's turns on a
        virtual clock, then continue on ``clock_at(last_t)``. Returns the session and the
        move to say now (the lost reply, if the crash came before it was saved)."""
        directory = store.find_session_dir(ref)
        events = list(read_journal(directory / store.JOURNAL))
        header = next((e for e in events if e["type"] == "session"), None)
        if header is None:
            raise JournalError(f"{directory} has no session header; it cannot be resumed")
        options = SessionOptions(
            **{
                **header["options"],
                "focus_areas": tuple(header["options"].get("focus_areas", ())),
                "recent_problems": tuple(header["options"].get("recent_problems", ())),
            }
        )
        replay_clock = VirtualClock()
        director = _director(content, replay_clock, options, exclude=directory.name)
        turns = [e for e in events if e["type"] == "turn"]
        if not turns:
            raise JournalError(
                f"session {directory.name} has no turns yet; start a new one instead"
            )
        director.open()
        move: Move | None = None
        for event in events:
            # Replay in journal order: candidate turns, and the "welcome back" of earlier resumes.
            if event["type"] == "turn" and event["speaker"] == "candidate":
                replay_clock.set(event["t"])
                move = director.respond(event["text"])
            elif event["type"] == "resumed":
                replay_clock.set(event["t"])
                move = director.resume_prompt()
            elif event["type"] == "revise":
                director.revise_turn(event["turn"], event["text"])
        if director.finished:
            raise JournalError(f"session {directory.name} already ended; export it instead")
        last_t = max(turns[-1]["t"], replay_clock.now())
        director.clock = clock_at(last_t)
        session = cls(director, Journal(directory / store.JOURNAL), directory.name)
        session._written_events = sum(1 for e in events if e["type"] == "event")
        lost_reply = turns[-1]["speaker"] == "candidate"
        if lost_reply and move is not None:
            # The crash came between the answer and the reply: say the reply that was lost.
            session._written_turns = len(director.turns) - 1
            session._sync()
            return session, move
        session._written_turns = len(director.turns)
        session.journal.append({"type": "resumed", "t": round(last_t, 3)})
        welcome = director.resume_prompt()
        session._sync()
        return session, welcome

    # --- the turn loop -------------------------------------------------------------------
    def open(self) -> Move:
        move = self.director.open()
        self._sync()
        return move

    def speculate(self, text: str) -> Speculation:
        """The move the director would make if the turn ended now with ``text``; nothing is
        changed or journaled until ``commit``."""
        director = self.director.fork()
        return Speculation(director, director.respond(text), text)

    def commit(self, speculation: Speculation, turn: CandidateTurn) -> Move:
        """Make a speculative turn real: the director becomes its fork, and it is journaled."""
        self.director = speculation.director
        self._sync(candidate_extra=_candidate_extra(turn))
        return speculation.move

    def respond(self, turn: CandidateTurn | str) -> Move:
        text = turn if isinstance(turn, str) else turn.text
        move = self.director.respond(text)
        self._sync(candidate_extra=_candidate_extra(turn))
        return move

    def record(self, event_type: str, **fields: Any) -> None:
        """Journal something a runtime measured (timings, what was heard, device errors)."""
        self.journal.append({"type": event_type, **fields})
        self.journal.sync()

    def set_scorecard(self, scorecard: Scorecard) -> None:
        """Replace the director's scorecard (e.g. with LLM-written prose) before it is saved."""
        self.director.scorecard = scorecard
        self._scorecard_written = False
        self._sync()

    def close(self) -> None:
        self.journal.close()

    def _sync(self, candidate_extra: dict[str, Any] | None = None) -> None:
        director = self.director
        for turn in director.turns[self._written_turns :]:
            line = {"type": "turn", **dataclasses.asdict(turn)}
            if turn.speaker == "candidate" and candidate_extra:
                line.update(candidate_extra)
            self.journal.append(line)
        self._written_turns = len(director.turns)
        for event in director.events[self._written_events :]:
            fields = dataclasses.asdict(event)
            # "type" names the journal line; the event's own type travels as "kind".
            fields["kind"] = fields.pop("type")
            self.journal.append({"type": "event", **fields})
        self._written_events = len(director.events)
        self.journal.append(
            {
                "type": "state",
                "phase": director.phase.id,
                "elapsed": round(director.elapsed(), 3),
                "problem": director.problem.id if director.problem else None,
                "difficulty": director.difficulty,
                "hint_level": director.hint_level,
                "paused": director.paused,
                "phases": [dataclasses.asdict(s) for s in director.phase_spans],
            }
        )
        if director.scorecard is not None and not self._scorecard_written:
            self.journal.append({"type": "scorecard", "scorecard": director.scorecard.to_dict()})
            self.journal.append({"type": "end", "t": round(director.clock.now(), 3)})
            self._scorecard_written = True
        self.journal.sync()


@dataclasses.dataclass(frozen=True)
class Speculation:
    """A turn answered ahead of the endpoint on a fork of the director."""

    director: Director
    move: Move
    text: str


def _candidate_extra(turn: CandidateTurn | str) -> dict[str, Any]:
    """What a voice turn adds to its journal line: endpoint times and word timestamps."""
    if isinstance(turn, str):
        return {}
    extra: dict[str, Any] = {
        k: v
        for k, v in (("t_speech_end", turn.t_speech_end), ("t_endpoint", turn.t_endpoint))
        if v is not None
    }
    if turn.words:
        extra["words"] = [[w.text, round(w.start, 3), round(w.end, 3)] for w in turn.words]
    return extra


def _director(
    content: Content, clock: Clock, options: SessionOptions, exclude: str | None
) -> Director:
    def previous() -> Scorecard | None:
        found = last_scorecard(exclude=exclude)
        return found[1] if found else None

    return Director(
        content,
        clock,
        problem_id=options.problem_id,
        difficulty=options.difficulty,
        focus_areas=options.focus_areas,
        recent_problems=options.recent_problems,
        last_scorecard=previous,
        continue_last=options.continue_from is not None and not options.focus_areas,
    )


def last_scorecard(exclude: str | None) -> tuple[str, Scorecard] | None:
    """The most recent finished session's id and scorecard."""
    for directory in reversed(store.list_session_dirs()):
        if directory.name == exclude:
            continue
        record = load_record(directory)
        if record.scorecard is not None:
            return directory.name, record.scorecard
    return None


def recent_problems(limit: int = 6) -> list[str]:
    """Problems of the latest sessions, newest first, so a new session picks a fresh one."""
    found: list[str] = []
    for directory in reversed(store.list_session_dirs()):
        problem = load_record(directory).problem_id
        if problem and problem not in found:
            found.append(problem)
        if len(found) >= limit:
            break
    return found
