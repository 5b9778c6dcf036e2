"""The opening: the greeting with the warm-up question (or, when continuing a past session,
what to work on), the warm-up's grade, and choosing and presenting the problem."""

from __future__ import annotations

from dataclasses import dataclass

from voice_interviewer.interview.content import Problem
from voice_interviewer.interview.desk import Desk
from voice_interviewer.interview.records import Reply
from voice_interviewer.interview.scorecard import below_expert
from voice_interviewer.interview.state import InterviewState
from voice_interviewer.interview.understanding import Reading
from voice_interviewer.messages import MoveKind
from voice_interviewer.text import normalize, padded

# An "I don't know" this short is a poor warm-up, whatever else it names.
_UNSURE_MAX_WORDS = 12


@dataclass(frozen=True)
class WarmupAssessment:
    """How the warm-up went: the stages named, failure modes, explanations, the verdict."""

    stages: tuple[str, ...]
    failure_modes: tuple[str, ...]
    explained: int
    level: str  # "poor" | "solid" | "strong"

    @property
    def difficulty(self) -> str:
        return {"poor": "easy", "solid": "medium", "strong": "hard"}[self.level]


class OpeningPolicy(Desk):
    """Greets, grades the warm-up and presents the problem."""

    def open(self, state: InterviewState) -> Reply:
        state.phases.start()
        warmup = self.content.warmup.question
        if self.options.continue_last and not state.phases.focus_areas:
            return self._open_continuing(state)
        if state.phases.focus_areas:
            text = self.line(
                "greeting_focus", areas=self.area_titles(state.phases.focus_areas), question=warmup
            )
        else:
            text = self.line("greeting", question=warmup)
        return Reply(MoveKind.GREETING, text, warmup)

    def _open_continuing(self, state: InterviewState) -> Reply:
        """--continue-last: name last time's areas below Expert and ask what to work on."""
        last = self.options.last_scorecard()
        warmup = self.content.warmup.question
        if last is None:
            return Reply(
                MoveKind.GREETING, self.line("greeting_continue_missing", question=warmup), warmup
            )
        below = below_expert(last)
        state.flow.awaiting = "focus"
        state.flow.suggested_focus = below
        state.event("continue_last", len(state.turns), "greeting", areas=below)
        if below:
            question = str(self.lines["continue_question"])
            text = self.line("greeting_continue", areas=self.area_titles(below), question=question)
        else:
            question = str(self.lines["continue_question_all_expert"])
            text = self.line("greeting_continue_all_expert", question=question)
        return Reply(MoveKind.GREETING, text, question)

    # --- the warm-up -----------------------------------------------------------------------
    def assess(self, reading: Reading) -> WarmupAssessment:
        """Grade the warm-up by the stages it names, whether it says where things go wrong,
        and whether it explains anything: a bare list of stages is solid at most."""
        warmup = self.content.warmup
        raised = reading.asserted()
        said = padded(" ".join(s.norm for s in reading.statements if s.stance != "admits"))
        stages = tuple(
            name
            for name, stage in warmup.stages.items()
            if raised & set(stage.concepts)
            or any(padded(normalize(p)) in said for p in stage.phrases)
        )
        failures = tuple(c for c in warmup.failure_modes if c in raised)
        explained = sum(s.explains for s in reading.statements)
        whole = padded(normalize(reading.text))
        unsure = len(whole.split()) <= _UNSURE_MAX_WORDS and (
            reading.stance == "admits" or any(padded(normalize(u)) in whole for u in warmup.unsure)
        )
        if unsure or len(stages) < warmup.poor_below:
            level = "poor"
        elif (
            len(stages) >= warmup.strong_at
            and failures
            and explained >= warmup.strong_needs_explained
        ):
            level = "strong"
        else:
            level = "solid"
        return WarmupAssessment(stages, failures, explained, level)

    def after_warmup(self, state: InterviewState, reading: Reading, turn: int) -> Reply:
        assessment = self.assess(reading)
        state.problem.warmup_level = assessment.level
        state.problem.strong = assessment.level == "strong"
        difficulty = self.options.difficulty or assessment.difficulty
        state.event(
            "warmup",
            turn,
            f"warm-up {assessment.level}: {len(assessment.stages)} stages, "
            f"{assessment.explained} explained -> {difficulty}",
            stages=list(assessment.stages),
            failure_modes=list(assessment.failure_modes),
            explained=assessment.explained,
        )
        problem = self.choose(state, difficulty)
        # "Let's make it hard" only when it is (a problem can be forced on the command line).
        template = "present_problem"
        if assessment.level == "strong" and problem.difficulty == "hard":
            template = "present_problem_strong"
        elif assessment.level == "poor" and problem.difficulty == "easy":
            template = "present_problem_poor"
        return self.present(state, problem, template, turn)

    # --- the problem -----------------------------------------------------------------------
    def choose(self, state: InterviewState, difficulty: str) -> Problem:
        if self.options.problem_id and not state.problem.used:
            return self.content.problem(self.options.problem_id)
        # The seed's own problems first, then the authored ones, in bank order.
        pool = sorted(
            (p for p in self.content.problems if p.difficulty == difficulty),
            key=lambda p: p.source != "seed",
        )
        fresh = [p for p in pool if p.id not in state.problem.used]
        unseen = [p for p in fresh if p.id not in self.options.recent_problems]
        return (unseen or fresh or pool)[0]

    def present(self, state: InterviewState, problem: Problem, template: str, turn: int) -> Reply:
        """Start ``problem``. Evidence heard on an earlier problem is kept (the design
        discussion started with the first one); its scope facts and hints are not."""
        ps = state.problem
        ps.id = problem.id
        ps.difficulty = problem.difficulty
        ps.used.append(problem.id)
        ps.hint_level = 0
        ps.problem_turn = turn + 1
        if ps.design_start is None:
            ps.design_start = turn + 1
        ps.follow_ups_used = 0
        ps.follow_up_phases = set()
        state.flow.answered_facts = []
        state.flow.redirects = 0
        state.event("problem", turn, f"{problem.title} ({problem.difficulty})", id=problem.id)
        text = self.line(template, question=problem.question)
        return Reply(MoveKind.PRESENT_PROBLEM, text, problem.question)
