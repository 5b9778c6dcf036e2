"""The hint ladder (levels 1-4 per problem, one level per request) and telling a hint read
back from the candidate's own words."""

from __future__ import annotations

from voice_interviewer.interview.desk import Desk
from voice_interviewer.interview.records import HintTaken, Reply
from voice_interviewer.interview.state import InterviewState
from voice_interviewer.messages import MoveKind
from voice_interviewer.text import words


class HintPolicy(Desk):
    """Gives the next hint of the current problem's ladder (the warm-up has its own)."""

    def hint(self, state: InterviewState, turn: int) -> Reply:
        problem = self.problem(state)
        if problem is None:
            state.event("hint", turn, "warm-up hint", level=0)
            text = self.line("hint", hint=self.lines["warmup_hint"])
            return Reply(MoveKind.HINT, text, state.last_question, keep_question=True)
        exhausted = state.problem.hint_level >= len(problem.hints)
        state.problem.hint_level = min(state.problem.hint_level + 1, len(problem.hints))
        hint = problem.hints[state.problem.hint_level - 1]
        state.hints.append(HintTaken(turn, problem.id, hint.level, hint.reveals))
        state.event("hint", turn, f"level {hint.level}", level=hint.level, problem=problem.id)
        text = self.line("hint_exhausted" if exhausted else "hint", hint=hint.text)
        return Reply(MoveKind.HINT, text, state.last_question, keep_question=True)

    def is_read_back(self, state: InterviewState, sentence: str) -> bool:
        """Whether ``sentence`` mostly restates a hint the candidate was given."""
        if not state.hints:
            return False
        rules = self.content.understanding.read_back
        said = [w for w in words(sentence) if w not in rules.stop_words]
        if len(said) < rules.min_content_words:
            return False
        given: set[str] = set()
        for taken in state.hints:
            problem = self.content.problem(taken.problem)
            given |= set(words(problem.hints[taken.level - 1].text))
        shared = sum(w in given for w in said)
        return shared / len(said) >= rules.overlap
