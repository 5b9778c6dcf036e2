"""The director: the deterministic interviewer. One candidate turn in, one Move out.

It owns the interview's substance (phases and their clock, problem choice, hints, probes,
pushback, requests, coverage, the scorecard) and is built by composition: one deep-copyable
``InterviewState`` and small policies that each decide a part of the interview and return
a Reply. A renderer only decides how the Move's words are said.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence

from voice_interviewer.clock import Clock
from voice_interviewer.interview.commands import CommandPolicy
from voice_interviewer.interview.content import DIFFICULTIES, Content, Phase, Problem
from voice_interviewer.interview.coverage import Coverage
from voice_interviewer.interview.desk import Options
from voice_interviewer.interview.hints import HintPolicy
from voice_interviewer.interview.opening import OpeningPolicy
from voice_interviewer.interview.phase_clock import PhaseClock, PhaseSpan
from voice_interviewer.interview.phases import PhasePolicy
from voice_interviewer.interview.probes import ProbePolicy
from voice_interviewer.interview.records import Event, HintTaken, Reply, Turn
from voice_interviewer.interview.scope import ScopePolicy
from voice_interviewer.interview.scorecard_types import Scorecard
from voice_interviewer.interview.state import InterviewState
from voice_interviewer.interview.understanding import Reading
from voice_interviewer.messages import InterviewSnapshot, Move, MoveKind


class Director:
    """Runs one interview. Deterministic given the content, the clock and the candidate's words."""

    def __init__(
        self,
        content: Content,
        clock: Clock,
        *,
        problem_id: str | None = None,
        difficulty: str | None = None,
        focus_areas: Sequence[str] = (),
        recent_problems: Sequence[str] = (),
        last_scorecard: Callable[[], Scorecard | None] = lambda: None,
        continue_last: bool = False,
    ) -> None:
        if difficulty is not None and difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be one of {DIFFICULTIES}")
        if problem_id is not None:
            content.problem(problem_id)  # an unknown id fails here, naming the choices
        self.content = content
        content.reader  # noqa: B018 - compile the phrasings now, not on the first answer
        options = Options(
            problem_id, difficulty, tuple(recent_problems), last_scorecard, continue_last
        )
        self.options = options
        self.state = InterviewState(PhaseClock(content.phases, clock))
        self.state.phases.focus_areas = tuple(focus_areas)
        self.phases_policy = PhasePolicy(content, options)
        self.probes_policy = ProbePolicy(content, options)
        self.hints_policy = HintPolicy(content, options)
        self.scope_policy = ScopePolicy(content, options)
        self.opening_policy = OpeningPolicy(content, options)
        self.commands = CommandPolicy(
            content, options, self.phases_policy, self.hints_policy, self.opening_policy
        )

    # --- the public state (contract 2 in TEAM.md) ------------------------------------------
    @property
    def clock(self) -> Clock:
        return self.state.phases.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        """Swap the clock (resume: replay on a virtual clock, then continue on a real one)."""
        self.state.phases.clock = clock

    @property
    def turns(self) -> list[Turn]:
        return self.state.turns

    @property
    def events(self) -> list[Event]:
        return self.state.events

    @property
    def hints(self) -> list[HintTaken]:
        return self.state.hints

    @property
    def coverage(self) -> Coverage:
        return self.state.coverage

    @property
    def phase(self) -> Phase:
        return self.state.phases.phase

    @property
    def phase_spans(self) -> list[PhaseSpan]:
        return self.state.phases.spans

    @property
    def problem(self) -> Problem | None:
        return self.phases_policy.problem(self.state)

    @property
    def difficulty(self) -> str | None:
        return self.state.problem.difficulty

    @property
    def hint_level(self) -> int:
        return self.state.problem.hint_level

    @property
    def warmup_level(self) -> str | None:
        return self.state.problem.warmup_level

    @property
    def strong(self) -> bool:
        return self.state.problem.strong

    @property
    def paused(self) -> bool:
        return self.state.phases.paused

    @property
    def finished(self) -> bool:
        return self.state.finished

    @property
    def scorecard(self) -> Scorecard | None:
        return self.state.scorecard

    @scorecard.setter
    def scorecard(self, scorecard: Scorecard | None) -> None:
        self.state.scorecard = scorecard

    @property
    def last_question(self) -> str:
        return self.state.last_question

    @property
    def focus_areas(self) -> list[str]:
        return list(self.state.phases.focus_areas)

    def elapsed(self) -> float:
        """Interview time in seconds, not counting pauses."""
        return self.state.phases.elapsed()

    def minutes_left_in_phase(self) -> float:
        return self.state.phases.minutes_left()

    def fork(self) -> Director:
        """An independent copy for a speculative turn: respond on it, then keep it or drop it.
        The content, the clock and the policies are shared; only the state is copied."""
        clone = copy.copy(self)
        clone.state = self.state.fork()
        return clone

    # --- the entry points ----------------------------------------------------------------------
    def open(self) -> Move:
        """The greeting, ending with the warm-up question (or, continuing a past session, with
        what the candidate would like to work on)."""
        return self._emit(self.opening_policy.open(self.state))

    def respond(self, text: str) -> Move:
        """Decide the next move after one candidate turn."""
        state = self.state
        text = text.strip()
        turn = self._record("candidate", text)
        if state.finished:
            return self._emit(Reply(MoveKind.WRAP_UP, str(self.content.lines["over"]), ends=True))
        when = "paused" if self.paused else ("warmup" if state.problem.id is None else "answering")
        reading = self.content.reader.read(text, self.phases_policy.matcher(state), when)
        request = self.content.reader.requests.choose(reading.requests)
        if self.paused:
            return self._emit(self.commands.while_paused(state, request, turn))
        asserted = self._listen(reading, turn)
        reply = self._awaited(reading, request, turn)
        if reply is None and request is not None:
            reply = self.commands.handle(state, request, turn)
        if reply is None and state.problem.id is None:
            reply = self.opening_policy.after_warmup(state, reading, turn)
        if reply is None:
            reply = self._during_problem(reading, asserted, turn)
        return self._emit(reply)

    def resume_prompt(self) -> Move:
        """ "Welcome back" and the question that was open (after a pause or a crash)."""
        return self._emit(self.commands.resume_prompt(self.state))

    def reopen(self) -> None:
        """Continue an ended interview after all: the phase it ended in runs on, and the next
        end makes a new scorecard (the old one stays in the journal)."""
        state = self.state
        if not state.finished:
            return
        state.finished = False
        state.scorecard = None
        if state.phases.spans:
            state.phases.spans[-1].ended_at = None

    def revise_turn(self, turn_index: int, final_text: str) -> None:
        """The accurate transcript of a candidate turn replaces the fast one: coverage,
        evidence and the scorecard use it. The move already made stands; no new move."""
        state = self.state
        old = state.turns[turn_index]
        if old.speaker != "candidate":
            raise ValueError(f"turn {turn_index} is the interviewer's, not the candidate's")
        final_text = final_text.strip()
        state.turns[turn_index] = Turn(old.index, old.speaker, final_text, old.phase, old.t)
        state.coverage.remove_turn(turn_index)
        reading = self.content.reader.read(final_text, self.phases_policy.matcher(state))
        state.coverage.add(
            reading, turn_index, old.t, lambda s: self.hints_policy.is_read_back(state, s)
        )
        if state.scorecard is not None and state.scorecard.prose_by == "director":
            from voice_interviewer.interview.scorecard import build_scorecard

            state.scorecard = build_scorecard(self.content, self.problem, state)

    # --- one turn ------------------------------------------------------------------------------
    def _listen(self, reading: Reading, turn: int) -> set[str]:
        """Take in what the turn says: coverage, questions asked, probes it makes due."""
        state = self.state
        asserted = state.coverage.add(
            reading, turn, self.clock.now(), lambda s: self.hints_policy.is_read_back(state, s)
        )
        for question in reading.questions:
            if state.problem.id is not None:
                state.event("question", turn, question.kind, text=question.text)
        if state.problem.id is not None and self.scope_policy.off_problem(state, reading, turn):
            return set()
        self.probes_policy.notice(state, asserted, reading.dismissed())
        return asserted

    def _awaited(self, reading: Reading, request: object, turn: int) -> Reply | None:
        """The answer to a question the interviewer is waiting on (end now? what focus?)."""
        state = self.state
        awaiting = state.flow.awaiting
        if awaiting == "confirm_end":
            return self.commands.confirm_answer(state, reading, request, turn)  # type: ignore[arg-type]
        if awaiting == "focus" and request is None:
            return self.commands.focus_answer(state, reading, turn)
        if awaiting:
            state.flow.awaiting = ""
        return None

    def _during_problem(self, reading: Reading, asserted: set[str], turn: int) -> Reply:
        state = self.state
        flow = self.phases_policy
        state.flow.phase_turns += 1
        answers = self.scope_policy.answers(state, reading)
        if turn in state.coverage.off_problem:
            redirect = self.scope_policy.redirect(state, turn)
            if redirect is not None:
                return _after(answers, redirect)
        if state.phases.over_time():
            return _after(answers, flow.next_phase(state, turn, reason="time"))
        if answers and not asserted:
            # Only questions: answer them and let the candidate go on.
            return Reply(MoveKind.SCOPE_ANSWER, answers, "", keep_question=True)
        dismissed = reading.dismissed()
        reply = (
            flow.pushback(state, asserted, turn)
            or self.probes_policy.next(state, asserted, dismissed, turn)
            or flow.advance_when_done(state, turn)
            or flow.push_missing(state, turn)
            or flow.follow_up(state, turn)
            or flow.ask_next(state, reading, asserted, turn)
        )
        return _after(answers, reply)

    # --- records -------------------------------------------------------------------------------
    def _record(self, speaker: str, text: str) -> int:
        # The warm-up belongs to the first phase, as in the seed.
        state = self.state
        turn = Turn(len(state.turns), speaker, text, self.phase.id, round(self.clock.now(), 3))
        state.turns.append(turn)
        return turn.index

    def _emit(self, reply: Reply) -> Move:
        state = self.state
        if reply.question and not reply.keep_question:
            state.last_question = reply.question
        if reply.ends:
            state.finished = True
        index = self._record("interviewer", reply.text)
        return Move(
            kind=reply.kind,
            text=reply.text,
            question=reply.question,
            phase=self.phase.id,
            turn=index,
            snapshot=self.snapshot(),
            ends_interview=reply.ends,
        )

    def snapshot(self) -> InterviewSnapshot:
        """The compact state a renderer or a display may show (never the rubric)."""
        state = self.state
        problem = self.problem
        return InterviewSnapshot(
            phase=self.phase.id,
            phase_title=self.phase.title,
            minutes_left_in_phase=round(self.minutes_left_in_phase(), 1),
            problem_title=problem.title if problem else None,
            problem_question=problem.question if problem else None,
            gaps=tuple(
                self.content.label(c, problem) for c in self.phases_policy.missing_goals(state)
            ),
            hint_level_earned=state.problem.hint_level,
            difficulty=state.problem.difficulty,
            problem_id=problem.id if problem else None,
            phase_minutes=round(state.phases.budget(), 1),
            diagram=self.content.diagrams.get(self.phase.diagram, ""),
            paused=self.paused,
            finished=state.finished,
        )

    def vocabulary(self) -> str:
        """Words the speech recogniser should expect now: the problem's jargon."""
        problem = self.problem
        return ", ".join(problem.vocabulary) if problem else ""


def _after(answers: str, reply: Reply) -> Reply:
    """The answers to the candidate's questions, then the move the turn called for."""
    if not answers:
        return reply
    kind = reply.kind if reply.ends else MoveKind.SCOPE_ANSWER
    return Reply(kind, f"{answers} {reply.text}", reply.question, reply.keep_question, reply.ends)
