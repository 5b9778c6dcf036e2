"""The command table: what the interviewer does for each request (prompts/requests.toml maps
each request to one of these actions). Every action returns a Reply; none of them discards
the evidence heard so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from voice_interviewer.interview.content import DIFFICULTIES, Content
from voice_interviewer.interview.desk import Desk, Options
from voice_interviewer.interview.hints import HintPolicy
from voice_interviewer.interview.opening import OpeningPolicy
from voice_interviewer.interview.phases import PhasePolicy
from voice_interviewer.interview.records import Reply
from voice_interviewer.interview.requests import Request
from voice_interviewer.interview.scorecard import below_expert
from voice_interviewer.interview.state import InterviewState
from voice_interviewer.interview.understanding import Reading
from voice_interviewer.messages import MoveKind
from voice_interviewer.text import normalize, padded

Action = Callable[[InterviewState, Request, int], Reply]

# A reply to "what would you like to focus on?" longer than this is an answer, not a choice.
_CHOICE_MAX_WORDS = 20
# A reply to "end now?" this long with no yes in it is the candidate carrying on.
_CARRY_ON_WORDS = 6


class CommandPolicy(Desk):
    """Handles requests through a table of actions."""

    def __init__(
        self,
        content: Content,
        options: Options,
        phases: PhasePolicy,
        hints: HintPolicy,
        opening: OpeningPolicy,
    ) -> None:
        super().__init__(content, options)
        self.phases = phases
        self.hints = hints
        self.opening = opening
        table: dict[str, Action] = {
            "refuse": self.refuse,
            "end": self.end,
            "continue_last": self.continue_last,
            "focus": self.focus,
            "hint": self.hint,
            "repeat": self.repeat,
            "easier": self.easier,
            "harder": self.harder,
            "next_phase": self.next_phase,
            "pause": self.pause,
            "resume": self.resume,
        }
        self._table = {name: table[action] for name, action in content.requests.actions.items()}
        self._yes = [padded(normalize(w)) for w in content.requests.confirm_yes]
        self._no = [padded(normalize(w)) for w in content.requests.confirm_no]

    def handle(self, state: InterviewState, request: Request, turn: int) -> Reply:
        state.event(
            "command",
            turn,
            request.name,
            phrase=request.phrase,
            area=request.area,
            variant=request.variant,
            end_kind=request.end_kind,
        )
        return self._table[request.name](state, request, turn)

    # --- the actions -------------------------------------------------------------------------
    def refuse(self, state: InterviewState, request: Request, turn: int) -> Reply:
        """Manipulation: a short refusal in character, and the question again. Asking for
        "the last hint" when the next hint is the last one is an ordinary hint."""
        problem = self.problem(state)
        if request.variant == "solution" and "hint" in request.phrase and problem is not None:
            if state.problem.hint_level == len(problem.hints) - 1:
                return self.hints.hint(state, turn)
        key = f"refuse_{request.variant or 'override'}"
        return self.reask(state, key, MoveKind.REFUSE)

    def end(self, state: InterviewState, request: Request, turn: int) -> Reply:
        if request.end_kind == "ask":
            state.flow.awaiting = "confirm_end"
            question = str(self.lines["confirm_end"])
            return Reply(MoveKind.CONFIRM, question, question, keep_question=True)
        return self.phases.wrap_up(state, turn, reason="early")

    def hint(self, state: InterviewState, request: Request, turn: int) -> Reply:
        return self.hints.hint(state, turn)

    def repeat(self, state: InterviewState, request: Request, turn: int) -> Reply:
        question = state.last_question
        return Reply(MoveKind.REPEAT, self.line("repeat", question=question), question)

    def pause(self, state: InterviewState, request: Request, turn: int) -> Reply:
        state.phases.pause()
        return Reply(MoveKind.PAUSE, str(self.lines["pause"]), "", keep_question=True)

    def resume(self, state: InterviewState, request: Request, turn: int) -> Reply:
        return self.resume_prompt(state)

    def next_phase(self, state: InterviewState, request: Request, turn: int) -> Reply:
        if state.problem.id is None:
            # Skipping the warm-up is not a poor warm-up: take the middle difficulty.
            difficulty = self.options.difficulty or "medium"
            problem = self.opening.choose(state, difficulty)
            return self.opening.present(state, problem, "present_problem", turn)
        return self.phases.next_phase(state, turn, reason="candidate asked")

    def easier(self, state: InterviewState, request: Request, turn: int) -> Reply:
        return self._switch(state, "easier", turn)

    def harder(self, state: InterviewState, request: Request, turn: int) -> Reply:
        # After the first phase the design is under way: harder means a new constraint on
        # this problem, not a new problem (and nothing heard is thrown away).
        if state.problem.id is not None and state.phases.index > 0:
            constraint = self.phases.next_constraint(state)
            if constraint is None:
                return self.reask(state, "no_more_constraints", MoveKind.DIFFICULTY_CHANGE)
            state.problem.strong = True
            state.problem.follow_up_phases.add(state.phases.phase.id)
            state.event("follow_up", turn, constraint)
            text = self.line("harder_constraint", question=constraint)
            return Reply(MoveKind.DIFFICULTY_CHANGE, text, constraint)
        return self._switch(state, "harder", turn)

    def _switch(self, state: InterviewState, name: str, turn: int) -> Reply:
        current = state.problem.difficulty or self.options.difficulty or "medium"
        index = DIFFICULTIES.index(current) + (-1 if name == "easier" else 1)
        if state.problem.id is None:
            # Asked during the warm-up: skip its assessment and go straight to a problem.
            target = DIFFICULTIES[max(0, min(index, len(DIFFICULTIES) - 1))]
            return self.opening.present(state, self.opening.choose(state, target), name, turn)
        if not 0 <= index < len(DIFFICULTIES):
            if name == "harder":
                constraint = self.phases.next_constraint(state)
                if constraint is not None:
                    state.event("follow_up", turn, constraint)
                    text = self.line("no_harder", question=constraint)
                    return Reply(MoveKind.DIFFICULTY_CHANGE, text, constraint)
            return self.reask(state, f"no_{name}", MoveKind.DIFFICULTY_CHANGE)
        state.problem.strong = name == "harder" or (state.problem.strong and name != "easier")
        reply = self.opening.present(
            state, self.opening.choose(state, DIFFICULTIES[index]), name, turn
        )
        return replace(reply, kind=MoveKind.DIFFICULTY_CHANGE)

    def focus(self, state: InterviewState, request: Request, turn: int) -> Reply:
        if request.area is None:
            last = self.options.last_scorecard()
            weak = below_expert(last) if last is not None else []
            if not weak:
                question = str(self.lines["focus_unknown"])
                return Reply(MoveKind.CLARIFY, question, question)
            return self.set_focus(state, weak, turn, "focus")
        return self.set_focus(state, [request.area], turn, "focus")

    def continue_last(self, state: InterviewState, request: Request, turn: int) -> Reply:
        """The seed's last note: name what was below Expert last time, ask what to work on."""
        last = self.options.last_scorecard()
        if last is None:
            return self.reask(state, "continue_none", MoveKind.FOCUS)
        below = below_expert(last)
        state.flow.awaiting = "focus"
        state.flow.suggested_focus = below
        if below:
            question = str(self.lines["continue_question"])
            text = self.line("continue_last", areas=self.area_titles(below), question=question)
        else:
            question = str(self.lines["continue_question_all_expert"])
            text = self.line("continue_last_all_expert", question=question)
        return Reply(MoveKind.FOCUS, text, question)

    # --- focus -------------------------------------------------------------------------------
    def focus_answer(self, state: InterviewState, reading: Reading, turn: int) -> Reply | None:
        """The answer to "what would you like to work on?": named areas, yes to the
        suggestion, or no. A long answer about something else is not a choice (None)."""
        suggested, state.flow.awaiting = state.flow.suggested_focus, ""
        named = self.content.reader.requests.areas_in(reading.text)
        said = padded(normalize(reading.text))
        if not named and len(said.split()) > _CHOICE_MAX_WORDS:
            return None
        declined = any(n in said for n in self._no) and not any(y in said for y in self._yes)
        areas = named or ([] if declined else suggested)
        if areas:
            return self.set_focus(state, areas, turn, "focus" if named else "continue_last")
        state.flow.focus_chosen = True
        key = "no_focus_warmup" if state.problem.id is None else "no_focus"
        question = self._question_after_focus(state, [])
        return Reply(MoveKind.FOCUS, self.line(key, question=question), question)

    def set_focus(self, state: InterviewState, areas: list[str], turn: int, source: str) -> Reply:
        """Focus on ``areas`` for the rest of the session (the candidate's choice holds)."""
        state.phases.focus_areas = tuple(areas)
        state.flow.focus_chosen = True
        state.event("focus", turn, ", ".join(areas), areas=list(areas), source=source)
        self.phases.jump_to(state, areas, turn, source)
        question = self._question_after_focus(state, areas)
        titles = self.area_titles(areas)
        if state.problem.id is None:
            text = self.line("focus_chosen_warmup", areas=titles, question=question)
        else:
            text = self.line("focus", area=titles, question=question)
        return Reply(MoveKind.FOCUS, text, question)

    def _question_after_focus(self, state: InterviewState, areas: list[str]) -> str:
        if state.problem.id is None:
            return self.content.warmup.question
        return self.phases.next_question(state, areas or None) or str(self.lines["open_question"])

    # --- pause, confirmation -------------------------------------------------------------------
    def while_paused(self, state: InterviewState, request: Request | None, turn: int) -> Reply:
        if request is not None and request.name in ("resume", "end", "repeat"):
            state.event("command", turn, request.name, phrase=request.phrase)
            state.phases.resume()
            if request.name == "end":
                return self.end(state, request, turn)
            return self.resume_prompt(state)
        return Reply(MoveKind.PAUSE, str(self.lines["paused_reminder"]), "", keep_question=True)

    def resume_prompt(self, state: InterviewState) -> Reply:
        """ "Welcome back" and the question that was open (after a pause or a crash)."""
        question = state.last_question
        return Reply(
            MoveKind.RESUME, self.line("resume", question=question), question, keep_question=True
        )

    def confirm_answer(
        self, state: InterviewState, reading: Reading, request: Request | None, turn: int
    ) -> Reply | None:
        """The answer to "end the interview now?": yes ends it; anything else carries on,
        and an answer given instead keeps its credit (None: the normal flow takes the turn)."""
        state.flow.awaiting = ""
        said = padded(normalize(reading.text))
        if request is not None and request.name == "end":
            return self.phases.wrap_up(state, turn, reason="early")
        if request is not None:
            return None
        yes = any(y in said for y in self._yes)
        no = any(n in said for n in self._no)
        if yes and not no and len(said.split()) <= _CARRY_ON_WORDS * 2:
            state.event("command", turn, "end", phrase="confirmed")
            return self.phases.wrap_up(state, turn, reason="early")
        if reading.asserted() or len(said.split()) > _CARRY_ON_WORDS:
            return None
        return self.reask(state, "confirm_end_declined", MoveKind.RESUME)
