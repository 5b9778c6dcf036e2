"""The phase policy: what to ask next within a phase, when to push, when to move on, and the
wrap-up. Coverage is checked against the whole design discussion before every question, so
the interviewer never asks for what the candidate already said."""

from __future__ import annotations

from collections.abc import Sequence

from voice_interviewer.interview.desk import Desk, minutes_words
from voice_interviewer.interview.records import Reply
from voice_interviewer.interview.scorecard import build_scorecard
from voice_interviewer.interview.state import InterviewState
from voice_interviewer.interview.understanding import Reading
from voice_interviewer.messages import MoveKind

# A turn this short that names nothing gets "could you say more?".
_CLARIFY_BELOW_WORDS = 4
# An echoed phrase longer than this sounds like a quote, not an acknowledgement.
_ECHO_MAX_WORDS = 5
_MAX_PUSHBACKS = 2


class PhasePolicy(Desk):
    """Moves through a phase: pushback, the push for what is missing, follow-ups, questions."""

    # --- pushback (seed, phase 1: "push back if they jump straight to model architecture") ---
    def pushback(self, state: InterviewState, asserted: set[str], turn: int) -> Reply | None:
        trigger = set(state.phases.phase.pushback_on)
        if not asserted & trigger or state.flow.pushbacks >= _MAX_PUSHBACKS:
            return None
        settled = state.phases.phase.pushback_settled_by
        since = self.design_start(state)
        # Asking about the data ("where do the labels come from?") is understanding it too.
        if any(state.coverage.covered(g, since, questions=True) for g in settled):
            return None  # the data came first: that is not jumping to the model
        asks = self.lines["pushback_questions"]
        missing = [g for g in asks if not self.covered(state, g)]
        if "business_objective" not in missing and "data_sources" not in missing:
            return None
        state.flow.pushbacks += 1
        state.event("pushback", turn, "model architecture before business goal and data")
        question = _sentence(_oxford([asks[g] for g in missing]) + "?")
        text = self.line("pushback", question=question[0].lower() + question[1:])
        return Reply(MoveKind.PUSHBACK, text, question)

    # --- moving on -------------------------------------------------------------------------
    def advance_when_done(self, state: InterviewState, turn: int) -> Reply | None:
        """Every goal of the phase covered (and no focus holding us here): move on."""
        phase = state.phases.phase
        focused = bool(set(phase.areas) & set(state.phases.focus_areas))
        if self.missing_goals(state) or not phase.goals or focused:
            return None
        if not state.phases.past(0.5):
            state.problem.strong = True  # answering everything quickly earns harder follow-ups
        return self.next_phase(state, turn, reason="goals covered")

    def push_missing(self, state: InterviewState, turn: int) -> Reply | None:
        phase = state.phases.phase
        missing = self.missing_goals(state)
        if not missing or phase.id in state.flow.pushed_phases:
            return None
        if not state.phases.past(phase.push_at):
            return None
        state.flow.pushed_phases.add(phase.id)
        question = phase.questions[missing[0]]
        state.flow.asked.add(missing[0])
        state.event("push", turn, f"pushing for {', '.join(missing)}")
        text = self.line(
            "push_missing",
            minutes=minutes_words(state.phases.minutes_left()),
            phase=phase.title.lower(),
            missing=self.labels(missing, state),
            question=question,
        )
        return Reply(MoveKind.PUSH_MISSING, text, question)

    def follow_up(self, state: InterviewState, turn: int) -> Reply | None:
        """A strong candidate, once the design is under way, gets the problem's constraints."""
        problem = self.problem(state)
        ps = state.problem
        if problem is None or not ps.strong or state.phases.index == 0:
            return None
        if state.flow.phase_turns < 2 or state.phases.phase.id in ps.follow_up_phases:
            return None
        constraint = self.next_constraint(state)
        if constraint is None:
            return None
        ps.follow_up_phases.add(state.phases.phase.id)
        state.event("follow_up", turn, constraint)
        return Reply(
            MoveKind.FOLLOW_UP, self.line("follow_up_constraint", constraint=constraint), constraint
        )

    def next_constraint(self, state: InterviewState) -> str | None:
        problem = self.problem(state)
        if problem is None or state.problem.follow_ups_used >= len(problem.follow_ups):
            return None
        state.problem.follow_ups_used += 1
        return problem.follow_ups[state.problem.follow_ups_used - 1]

    # --- the next question ---------------------------------------------------------------------
    def ask_next(
        self, state: InterviewState, reading: Reading, asserted: set[str], turn: int
    ) -> Reply:
        if not asserted and len(reading.text.split()) < _CLARIFY_BELOW_WORDS:
            question = state.last_question
            return Reply(MoveKind.CLARIFY, self.line("clarify", question=question), question)
        question = self.next_question(state) or self.fallback_question(state)
        ack = self.acknowledgement(state, reading)
        return Reply(MoveKind.FOLLOW_UP, f"{ack} {question}", question)

    def acknowledgement(self, state: InterviewState, reading: Reading) -> str:
        """A short "got it", naming the candidate's own words when the turn named something of
        the design (not scoping phrases like "the goal is")."""
        count = state.flow.acknowledgements
        state.flow.acknowledgements += 1
        heads = set(self.content.understanding.echo_heads)
        for sentence in reversed(reading.statements):
            for mention in sentence.mentions:
                if mention.stance != "asserts" or self.is_scope(mention.concept, state):
                    continue
                heard = mention.heard
                following = reading.text[mention.end :].split()[:2]
                for word in following:
                    clean = word.strip(" ,.;:?!").lower()
                    if clean not in heads:
                        break
                    heard += " " + word.strip(" ,.;:?!")
                heard = heard.strip(" ,.")
                if 0 < len(heard.split()) <= _ECHO_MAX_WORDS:
                    return self.rotate("acknowledge_heard", count).format(heard=heard)
        return self.rotate("acknowledge", count)

    def candidate_questions(
        self, state: InterviewState, areas: Sequence[str]
    ) -> list[tuple[str, str]]:
        """Questions about what is still missing: the phase's goals, then the key concepts
        of ``areas`` (the focus areas first)."""
        focus = [a for a in areas if a in state.phases.focus_areas]
        ordered = focus + [a for a in areas if a not in focus]
        phase = state.phases.phase
        goals = [(g, phase.questions[g]) for g in self.missing_goals(state)]
        focus_goals = [(g, q) for g, q in goals if self._area_of(state, g) in focus]
        found: list[tuple[str, str]] = list(focus_goals)
        for area in focus:
            found += self._key_concept_questions(state, area)
        found += [gq for gq in goals if gq not in focus_goals]
        for area in ordered:
            if area not in focus:
                found += self._key_concept_questions(state, area)
        return found

    def _key_concept_questions(self, state: InterviewState, area: str) -> list[tuple[str, str]]:
        problem = self.problem(state)
        if problem is None:
            return []
        template = self.lines["key_concept_question"]
        return [
            (c, template.format(label=self.label(c, state)))
            for c in problem.key_concepts.get(area, ())
            if not self.covered(state, c)
        ]

    def _area_of(self, state: InterviewState, cid: str) -> str:
        concept = self.content.concept(cid, self.problem(state))
        return concept.area if concept else ""

    def next_question(
        self, state: InterviewState, areas: Sequence[str] | None = None
    ) -> str | None:
        """The next thing to ask that was neither asked nor covered; None when nothing is left."""
        for key, question in self.candidate_questions(state, areas or state.phases.phase.areas):
            if key not in state.flow.asked:
                state.flow.asked.add(key)
                return question
        return None

    def fallback_question(self, state: InterviewState) -> str:
        """Everything has been asked once: the open question, then the missing goals again,
        in turn (the phase still runs to its time)."""
        open_key = f"open:{state.phases.phase.id}"
        if open_key not in state.flow.asked:
            state.flow.asked.add(open_key)
            return str(self.lines["open_question"])
        missing = self.missing_goals(state)
        if not missing:
            return str(self.lines["open_question"])
        state.flow.reasked += 1
        return state.phases.phase.questions[missing[state.flow.reasked % len(missing)]]

    def opening(self, state: InterviewState) -> str:
        """The phase's opening question, unless the candidate already covered what it asks."""
        phase = state.phases.phase
        if not all(self.covered(state, g) for g in phase.opening_goals):
            state.flow.asked.update(phase.opening_goals)
            return phase.opening
        return self.next_question(state) or self.fallback_question(state)

    # --- phase changes and the end -------------------------------------------------------------
    def next_phase(self, state: InterviewState, turn: int, reason: str) -> Reply:
        phase = state.phases.phase
        covered = [g for g in phase.goals if self.covered(state, g)]
        missing = [g for g in phase.goals if g not in covered]
        parts = []
        if covered:
            parts.append(self.line("phase_summary_covered", covered=self.labels(covered, state)))
        if missing:
            parts.append(self.line("phase_summary_missing", missing=self.labels(missing, state)))
        summary = " ".join(parts) or str(self.lines["phase_summary_nothing"])
        if state.phases.is_last:
            return self.wrap_up(state, turn, reason="time" if reason == "time" else "done")
        state.phases.advance()
        state.flow.phase_turns = 0
        state.event(
            "phase_change",
            turn,
            f"{phase.title} -> {state.phases.phase.title} ({reason})",
            **{"from": phase.id, "to": state.phases.phase.id, "reason": reason, "summary": summary},
        )
        opening = self.opening(state)
        text = self.line(
            "phase_change", phase=phase.title.lower(), summary=summary, next_opening=opening
        )
        return Reply(MoveKind.PHASE_CHANGE, text, opening)

    def jump_to(self, state: InterviewState, areas: Sequence[str], turn: int, source: str) -> None:
        """Move ahead to the first phase that examines ``areas`` (a focus chosen mid-way)."""
        target = next(
            (i for i, p in enumerate(self.content.phases) if set(p.areas) & set(areas)), None
        )
        if state.problem.id is None or target is None or target <= state.phases.index:
            return
        state.phases.advance(to=target)
        state.flow.phase_turns = 0
        state.event(
            "phase_change",
            turn,
            f"-> {state.phases.phase.title} ({source})",
            to=state.phases.phase.id,
            reason=source,
        )

    def wrap_up(self, state: InterviewState, turn: int, reason: str) -> Reply:
        state.phases.close()
        state.finished = True
        state.scorecard = build_scorecard(self.content, self.problem(state), state)
        summary = "; ".join(f"{a.title}: {a.rating}" for a in state.scorecard.areas) + "."
        template = {"early": "wrap_up_early", "done": "wrap_up_done"}.get(reason, "wrap_up")
        state.event("end", turn, reason)
        return Reply(MoveKind.WRAP_UP, self.line(template, summary=summary), "", ends=True)


def _oxford(parts: list[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
