"""What every policy of the director shares: the content, the options the interview was
started with, and the helpers that name things aloud."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from voice_interviewer.interview.concepts import ConceptMatcher
from voice_interviewer.interview.content import Content, Problem
from voice_interviewer.interview.records import Reply
from voice_interviewer.interview.scorecard_types import Scorecard
from voice_interviewer.interview.state import InterviewState
from voice_interviewer.messages import MoveKind


@dataclass(frozen=True)
class Options:
    """How the interview was started; shared by every fork, never changed."""

    problem_id: str | None = None
    difficulty: str | None = None
    recent_problems: tuple[str, ...] = ()
    last_scorecard: Callable[[], Scorecard | None] = lambda: None
    continue_last: bool = False
    """Open by naming last session's areas below Expert and asking what to work on."""


class Desk:
    """The shared base of the policies: content, options, and naming helpers."""

    def __init__(self, content: Content, options: Options) -> None:
        self.content = content
        self.options = options
        self.lines = content.lines

    # --- the problem -----------------------------------------------------------------------
    def problem(self, state: InterviewState) -> Problem | None:
        pid = state.problem.id
        return self.content.problem(pid) if pid else None

    def matcher(self, state: InterviewState) -> ConceptMatcher:
        return self.content.matcher_for(self.problem(state))

    # --- coverage, as the flow needs it ------------------------------------------------------
    def is_scope(self, cid: str, state: InterviewState) -> bool:
        concept = self.content.concept(cid, self.problem(state))
        return concept is not None and concept.area == "scope"

    def covered(self, state: InterviewState, cid: str) -> bool:
        """Covered anywhere in the design discussion. Scope is per problem, and a question
        covers it ("what's the scale?" is exactly what scoping asks for)."""
        if self.is_scope(cid, state):
            return state.coverage.covered(cid, state.problem.problem_turn, questions=True)
        return state.coverage.covered(cid, self.design_start(state))

    def design_start(self, state: InterviewState) -> int:
        start = state.problem.design_start
        return len(state.turns) if start is None else start

    def missing_goals(self, state: InterviewState) -> list[str]:
        return [g for g in state.phases.phase.goals if not self.covered(state, g)]

    # --- words -------------------------------------------------------------------------------
    def label(self, cid: str, state: InterviewState) -> str:
        return self.content.label(cid, self.problem(state))

    def labels(self, ids: Iterable[str], state: InterviewState) -> str:
        return join_words(self.label(c, state) for c in ids)

    def area_titles(self, areas: Sequence[str]) -> str:
        return join_words(self.content.area(a).title.lower() for a in areas)

    def line(self, key: str, **fields: Any) -> str:
        return str(self.lines[key]).format(**fields)

    def rotate(self, key: str, counter: int) -> str:
        options = self.lines[key]
        return str(options[counter % len(options)])

    def reask(self, state: InterviewState, key: str, kind: MoveKind = MoveKind.CLARIFY) -> Reply:
        """An authored line followed by the open question, which stays open."""
        question = state.last_question
        return Reply(kind, self.line(key, question=question), question)


def join_words(items: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def minutes_words(minutes: float) -> str:
    whole = max(1, round(minutes))
    return "one minute" if whole == 1 else f"{whole} minutes"
