"""Answering the candidate's questions about the problem, from its scope facts (each fact
once; asked again, "as I said, ...") or by telling them what to assume; and noticing when
they are answering a different problem."""

from __future__ import annotations

from voice_interviewer.interview.desk import Desk
from voice_interviewer.interview.records import Reply
from voice_interviewer.interview.state import InterviewState
from voice_interviewer.interview.understanding import Reading
from voice_interviewer.messages import MoveKind
from voice_interviewer.text import normalize, padded

# More facts than this in one reply is a lecture, not an answer.
_MAX_FACTS = 2


class ScopePolicy(Desk):
    """Answers questions about the problem and brings a wandering candidate back."""

    def answers(self, state: InterviewState, reading: Reading) -> str:
        """What to say to the turn's questions ("" when it asked none)."""
        problem = self.problem(state)
        if problem is None or not reading.questions:
            return ""
        new: list[str] = []
        repeated: list[str] = []
        other: list[str] = []
        for sentence in reading.questions:
            if sentence.kind == "definition":
                other.append(self.lines["scope_define"])
                continue
            if sentence.kind == "process":
                other.append(self.lines["process_answer"])
                continue
            asked = padded(sentence.norm)
            facts = [
                f for f in problem.scope if any(padded(normalize(k)) in asked for k in f.keywords)
            ][:_MAX_FACTS]
            if not facts:
                other.append(self.rotate("scope_assume", state.flow.assumptions))
                state.flow.assumptions += 1
                continue
            for fact in facts:
                if fact.topic in state.flow.answered_facts:
                    if fact.answer not in repeated and fact.answer not in new:
                        repeated.append(fact.answer)
                elif fact.answer not in new:
                    new.append(fact.answer)
                    state.flow.answered_facts.append(fact.topic)
        parts: list[str] = []
        if new:
            parts.append(self.line("scope_answer", facts=" ".join(new[:_MAX_FACTS])))
        if repeated:
            said = " ".join(repeated[:_MAX_FACTS])
            parts.append(self.line("scope_repeat", facts=said[0].lower() + said[1:]))
        if not new and not repeated:
            parts += list(dict.fromkeys(other))[:1]
        return " ".join(parts)

    def off_problem(self, state: InterviewState, reading: Reading, turn: int) -> bool:
        """Whether this turn answers a different problem: phrases of another problem and
        none of this one, or several of them; a turn with neither continues the last turn's
        course. Its words then earn nothing for this problem."""
        problem = self.problem(state)
        if problem is None or not problem.off_topic:
            return False
        said = padded(" ".join(s.norm for s in reading.statements if s.stance == "asserts"))
        off = {p for p in problem.off_topic if padded(normalize(p)) in said}
        on = {p for p in problem.on_topic if padded(normalize(p)) in said}
        previous = state.previous_candidate_turn(turn)
        if (len(off) >= 2 and len(off) > len(on)) or (off and not on):
            wandering = True
        else:
            wandering = not on and previous in state.coverage.off_problem and not off
        if wandering:
            state.coverage.off_problem.add(turn)
        return wandering

    def redirect(self, state: InterviewState, turn: int) -> Reply | None:
        """Bring the candidate back to the problem (twice per problem at most)."""
        problem = self.problem(state)
        if problem is None or state.flow.redirects >= 2:
            return None
        if state.previous_candidate_turn(turn) in state.coverage.off_problem:
            return None  # said once already for this stretch
        state.flow.redirects += 1
        state.event("redirect", turn, "answering a different problem", problem=problem.id)
        question = state.last_question
        text = self.line("redirect", problem=problem.question, question=question)
        return Reply(MoveKind.REDIRECT, text, question)
