"""A running interview: the director plus its journal, and resuming one after a crash."""

from __future__ import annotations

import dataclasses
import errno
import shutil
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
from voice_interviewer.session import events as ev
from voice_interviewer.session import store
from voice_interviewer.session.events import SCHEMA_VERSION, JournalEvent
from voice_interviewer.session.journal import Journal, JournalError, read_journal
from voice_interviewer.session.lock import SessionLock
from voice_interviewer.session.record import SessionRecord, load_record
from voice_interviewer.text import escaped, safe_text


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

    def __init__(
        self,
        director: Director,
        journal: Journal,
        session_id: str,
        lock: SessionLock | None = None,
    ) -> None:
        self.director = director
        self.journal = journal
        self.session_id = session_id
        self.lock = lock
        self.notes: list[str] = []
        """What the user should be told about this session (skipped lines, a rebuilt
        scorecard, a reopened interview); the command prints them."""
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

    def decoder_terms(self) -> tuple[str, ...]:
        """The terms the speech recognisers are primed with (``stt.context.decoder_terms``):
        the problem's vocabulary, then its concepts' names; none before a problem is chosen
        (the warm-up is decoded as before, with the filler prompt alone)."""
        from voice_interviewer.stt.context import decoder_terms

        problem = self.director.problem
        return decoder_terms(self.director.content, problem) if problem is not None else ()

    def revise_turn(self, turn_index: int, final_text: str) -> None:
        """The accurate transcript of a candidate turn replaces the fast one: coverage,
        evidence and the scorecard use it; no new move is made. Journaled as its own
        event, which a resume replays."""
        before = self.director.scorecard
        final_text = safe_text(final_text)
        self.director.revise_turn(turn_index, final_text)
        self.journal.append(ev.ReviseLine(turn_index, final_text))
        after = self.director.scorecard
        if before is not None and after is not None and after != before:
            self.journal.append(ev.ScorecardLine(after.to_dict()))
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
        try:
            directory = store.create_session_dir(session_id)
        except OSError as e:
            raise JournalError(
                f"cannot create a session folder in {store.sessions_dir()}: {e.strerror}. "
                "Make it writable and free some space, or point VOICE_INTERVIEWER_HOME at a "
                "folder that is"
            ) from e
        lock: SessionLock | None = None
        try:
            lock = SessionLock(directory).acquire()  # writes the pid: a full disk fails here
            journal = Journal(directory / store.JOURNAL, mode=store.file_mode())
            journal.resume_command = _resume_command(options.mode)
            journal.append(
                ev.SessionHeader(
                    session_id=session_id,
                    created=datetime.now(timezone.utc).isoformat(timespec="microseconds"),
                    options=dataclasses.asdict(options),
                    version=__version__,
                    schema=SCHEMA_VERSION,
                )
            )
            journal.sync()  # now, so that a full disk fails here and not with a 0-byte journal
            store.fsync_dir(directory)
        except (JournalError, OSError) as e:
            # Nothing was said yet: a session that cannot be resumed must not be listed.
            if lock is not None:
                lock.release()
            shutil.rmtree(directory, ignore_errors=True)
            raise JournalError(
                f"cannot start a session in {store.sessions_dir()}: {_reason(e)}. Nothing was "
                "saved; free some space (or make the folder writable) and start again"
            ) from e
        director = _director(content, clock, options, exclude=session_id)
        return cls(director, journal, session_id, lock)

    @classmethod
    def resume(
        cls, ref: str, content: Content, clock_at: Callable[[float], Clock]
    ) -> tuple[InterviewSession, Move]:
        """Rebuild a session from its journal by replaying the candidate's turns on a
        virtual clock, then continue on ``clock_at(last_t)``. Returns the session and the
        move to say now (the lost reply, if the crash came before it was saved). An ended
        interview is reopened ("continue after all"); a scorecard that was never saved is
        rebuilt and saved first. Refused while another process runs the session."""
        directory = store.find_session_dir(ref)
        lock = SessionLock(directory).acquire("resume")
        try:
            return cls._resume_locked(directory, content, clock_at, lock)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _resume_locked(
        cls,
        directory: Path,
        content: Content,
        clock_at: Callable[[float], Clock],
        lock: SessionLock,
    ) -> tuple[InterviewSession, Move]:
        replayed = replay_session(directory, content)
        director, events = replayed.director, replayed.events
        turns = [e for e in events if isinstance(e, ev.TurnLine)]
        last_t = max(turns[-1].t, director.clock.now())
        director.clock = clock_at(last_t)
        session = cls(
            director, Journal(directory / store.JOURNAL, store.file_mode()), directory.name, lock
        )
        header = next(e for e in events if isinstance(e, ev.SessionHeader))
        session.journal.resume_command = _resume_command(str(header.options.get("mode", "")))
        session.notes.extend(replayed.damaged)
        session._written_events = sum(1 for e in events if isinstance(e, ev.DirectorEvent))
        lost_reply = turns[-1].speaker == "candidate" and replayed.move is not None
        # A reply the crash swallowed is journaled now (the numbering of turns stays whole).
        session._written_turns = len(director.turns) - (1 if lost_reply else 0)
        if director.finished:
            if replayed.scorecard_missing:
                session._save_rebuilt_scorecard(len(turns))
            director.reopen()
            session._scorecard_written = False
            session.journal.append(ev.ReopenedLine(round(last_t, 3)))
            session.notes.append(
                f"session {directory.name} had ended; it continues after all "
                "(the scorecard so far stays saved; a new one is written at the end)"
            )
        elif lost_reply:
            # The crash came between the answer and the reply: say the reply that was lost.
            session._sync()
            return session, replayed.move  # type: ignore[return-value]
        session.journal.append(ev.ResumedLine(round(last_t, 3)))
        welcome = director.resume_prompt()
        session._sync()
        return session, welcome

    def _save_rebuilt_scorecard(self, turn_count: int) -> None:
        scorecard = self.director.scorecard
        assert scorecard is not None  # a finished director has one
        self.journal.append(ev.ScorecardLine(scorecard.to_dict()))
        self.journal.append(ev.EndLine(round(self.director.clock.now(), 3)))
        self.journal.sync()
        self.notes.append(
            f"the interview had ended but its scorecard was not saved; rebuilt it from the "
            f"journal's {turn_count} turns and saved it"
        )

    # --- the turn loop -------------------------------------------------------------------
    def open(self) -> Move:
        move = self.director.open()
        self._sync()
        return move

    def speculate(self, text: str) -> Speculation:
        """The move the director would make if the turn ended now with ``text``; nothing is
        changed or journaled until ``commit``."""
        director = self.director.fork()
        return Speculation(director, director.respond(safe_text(text)), text)

    def commit(self, speculation: Speculation, turn: CandidateTurn) -> Move:
        """Make a speculative turn real: the director becomes its fork, and it is journaled."""
        self.director = speculation.director
        self._sync(candidate_extra=_candidate_extra(turn))
        return speculation.move

    def respond(self, turn: CandidateTurn | str) -> Move:
        text = turn if isinstance(turn, str) else turn.text
        # Escape sequences never reach the director, so no quote, echo or export holds them.
        move = self.director.respond(safe_text(text))
        self._sync(candidate_extra=_candidate_extra(turn))
        return move

    def record(self, event: JournalEvent) -> None:
        """Journal something a runtime measured (timings, what was heard, a recording file,
        device errors); its text (an LLM's words, an error message) without escape
        sequences."""
        self.journal.append(_safe_fields(event))
        self.journal.sync()
        if isinstance(event, ev.RecordingLine):
            store.fsync_dir(self.directory)  # the recording file was just created

    def set_scorecard(self, scorecard: Scorecard) -> None:
        """Replace the director's scorecard (e.g. with LLM-written prose) before it is saved."""
        self.director.scorecard = scorecard
        self._scorecard_written = False
        self._sync()

    def close(self) -> None:
        """Save everything and let other processes resume or delete the session."""
        try:
            self.journal.close()
        finally:
            if self.lock is not None:
                self.lock.release()

    def _sync(self, candidate_extra: dict[str, Any] | None = None) -> None:
        director = self.director
        for turn in director.turns[self._written_turns :]:
            extra = candidate_extra if turn.speaker == "candidate" and candidate_extra else {}
            self.journal.append(ev.TurnLine(**dataclasses.asdict(turn), **extra))
        self._written_turns = len(director.turns)
        for event in director.events[self._written_events :]:
            self.journal.append(
                ev.DirectorEvent(event.type, event.turn, event.detail, dict(event.data))
            )
        self._written_events = len(director.events)
        self.journal.append(
            ev.StateLine(
                phase=director.phase.id,
                elapsed=round(director.elapsed(), 3),
                problem=director.problem.id if director.problem else None,
                difficulty=director.difficulty,
                hint_level=director.hint_level,
                paused=director.paused,
                phases=tuple(dataclasses.asdict(s) for s in director.phase_spans),
            )
        )
        if director.scorecard is not None and not self._scorecard_written:
            self.journal.append(ev.ScorecardLine(director.scorecard.to_dict()))
            self.journal.append(ev.EndLine(round(director.clock.now(), 3)))
            self._scorecard_written = True
        self.journal.sync()


@dataclasses.dataclass(frozen=True)
class Speculation:
    """A turn answered ahead of the endpoint on a fork of the director."""

    director: Director
    move: Move
    text: str


def _safe_fields(event: JournalEvent) -> JournalEvent:
    """``event`` with its top-level strings passed through ``safe_text``."""
    changes = {
        f.name: safe_text(value)
        for f in dataclasses.fields(event)  # type: ignore[arg-type]
        if isinstance(value := getattr(event, f.name), str) and safe_text(value) != value
    }
    return dataclasses.replace(event, **changes) if changes else event  # type: ignore[type-var, arg-type]


def _reason(error: BaseException) -> str:
    cause = error if isinstance(error, OSError) else error.__cause__
    if isinstance(cause, OSError):
        return "the disk is full" if cause.errno == errno.ENOSPC else str(cause.strerror)
    return str(error)


def _resume_command(mode: str) -> str:
    """How the user continues a session of ``mode``: a typed one needs ``--text``."""
    text = " --text" if mode == "text" else ""
    return f"voice-interviewer interview{text} --resume {{session}}"


def _candidate_extra(turn: CandidateTurn | str) -> dict[str, Any]:
    """What a turn adds to its journal line: the raw text, escaped, when escape sequences had
    to be taken out; a voice turn's endpoint times and word timestamps."""
    text = turn if isinstance(turn, str) else turn.text
    raw = {"raw": escaped(text)} if safe_text(text) != text else {}
    if isinstance(turn, str):
        return raw
    extra: dict[str, Any] = dict(raw)
    for name, value in (("t_speech_end", turn.t_speech_end), ("t_endpoint", turn.t_endpoint)):
        if value is not None:
            extra[name] = value
    if turn.words:
        extra["words"] = tuple(
            (safe_text(w.text), round(w.start, 3), round(w.end, 3)) for w in turn.words
        )
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
    """The most recent finished session's id and scorecard (unreadable sessions skipped:
    the `sessions` command reports them; a new interview must not fail on them)."""
    for directory in reversed(store.list_session_dirs()):
        if directory.name == exclude:
            continue
        record = _readable(directory)
        if record is not None and record.scorecard is not None:
            return directory.name, record.scorecard
    return None


def recent_problems(limit: int = 6) -> list[str]:
    """Problems of the latest sessions, newest first, so a new session picks a fresh one."""
    found: list[str] = []
    for directory in reversed(store.list_session_dirs()):
        record = _readable(directory)
        problem = record.problem_id if record is not None else None
        if problem and problem not in found:
            found.append(problem)
        if len(found) >= limit:
            break
    return found


def _readable(directory: Path) -> SessionRecord | None:
    try:
        return load_record(directory)
    except JournalError:
        return None


@dataclasses.dataclass
class Replayed:
    """A session's director rebuilt from its journal (on a virtual clock)."""

    director: Director
    move: Move | None
    """The last move the replay made (the reply a crash may have lost)."""
    events: list[JournalEvent]
    damaged: list[str]
    """What was skipped, for the user: damaged lines, events that do not fit the turns."""
    scorecard_missing: bool
    """The interview ended (the replay says so) but no scorecard was saved after the last
    reopening: writing it failed (a full disk). The replayed director holds it."""


def replay_session(directory: Path, content: Content) -> Replayed:
    """Replay a journal's candidate turns, revisions, resumptions and reopenings through a
    fresh director, in journal order."""
    read = read_journal(directory / store.JOURNAL)
    header = read.header
    if header is None:
        raise JournalError(f"{directory} has no session header; it cannot be resumed")
    raw = header.options
    known = {f.name for f in dataclasses.fields(SessionOptions)}
    options = SessionOptions(
        **{
            **{k: v for k, v in raw.items() if k in known},
            "focus_areas": tuple(raw.get("focus_areas", ())),
            "recent_problems": tuple(raw.get("recent_problems", ())),
        }
    )
    if not any(isinstance(e, ev.TurnLine) for e in read.events):
        raise JournalError(f"session {directory.name} has no turns yet; start a new one instead")
    clock = VirtualClock()
    director = _director(content, clock, options, exclude=directory.name)
    director.open()
    move: Move | None = None
    saved = False
    skipped: list[str] = []
    for event in read.events:
        if isinstance(event, ev.TurnLine) and event.speaker == "candidate":
            clock.set(event.t)
            move = director.respond(safe_text(event.text))
        elif isinstance(event, ev.ResumedLine):
            clock.set(event.t)
            move = director.resume_prompt()
        elif isinstance(event, ev.ReopenedLine):
            clock.set(event.t)
            director.reopen()
            saved = False
        elif isinstance(event, ev.ReviseLine):
            try:
                director.revise_turn(event.turn, event.text)
            except (IndexError, ValueError):
                # A hand-edited or damaged journal: the fast text of that turn stands.
                skipped.append(f"a revision of turn {event.turn}, which is not a candidate turn")
        elif isinstance(event, ev.ScorecardLine):
            saved = True
    damaged = [
        *map(str, read.damaged),
        *(f"{directory / store.JOURNAL}: skipped {s}" for s in skipped),
    ]
    return Replayed(director, move, read.events, damaged, director.finished and not saved)


def rebuild_scorecard(directory: Path, content: Content) -> Scorecard | None:
    """Save the scorecard of an interview that ended but whose scorecard was never written;
    None when there is nothing to rebuild. Refused while the session is running."""
    with SessionLock(directory).acquire("rebuild the scorecard of"):
        replayed = replay_session(directory, content)
        if not replayed.scorecard_missing:
            return None
        scorecard = replayed.director.scorecard
        assert scorecard is not None
        with Journal(directory / store.JOURNAL, store.file_mode()) as journal:
            journal.append(ev.ScorecardLine(scorecard.to_dict()))
            journal.append(ev.EndLine(round(replayed.director.clock.now(), 3)))
        return scorecard


def scorecard_rebuildable(record: SessionRecord, content: Content) -> bool:
    """Whether the journal's turns end the interview but no scorecard was saved. Only a
    journal whose director noted the end is replayed, so an unfinished session (however
    long) costs nothing here."""
    if record.scorecard is not None or not any(e.kind == "end" for e in record.events):
        return False
    try:
        return replay_session(record.directory, content).scorecard_missing
    except JournalError:
        return False
