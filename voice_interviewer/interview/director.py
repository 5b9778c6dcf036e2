"""The director: the deterministic interviewer. One candidate turn in, one Move out.

It owns the interview's substance (phases and their clock, problem choice, hints, probes,
pushback, commands, coverage); a renderer only decides how the Move's words are said.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from voice_interviewer.clock import Clock
from voice_interviewer.interview.command_moves import CommandMoves
from voice_interviewer.interview.commands import CommandParser
from voice_interviewer.interview.concepts import ConceptMatcher
from voice_interviewer.interview.content import DIFFICULTIES, Content, Phase, Probe, Problem
from voice_interviewer.interview.coverage import Coverage, assess_warmup, probe_due
from voice_interviewer.interview.phase_clock import PhaseClock, PhaseSpan
from voice_interviewer.interview.records import Event, HintTaken, Turn
from voice_interviewer.interview.scorecard import build_scorecard
from voice_interviewer.interview.scorecard_types import Scorecard
from voice_interviewer.messages import InterviewSnapshot, Move, MoveKind


class Director(CommandMoves):
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
    ) -> None:
        if difficulty is not None and difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be one of {DIFFICULTIES}")
        self.content = content
        self.phases = PhaseClock(content.phases, clock)
        self._commands = CommandParser(content.commands)
        self._forced_problem = content.problem(problem_id) if problem_id else None
        self._forced_difficulty = difficulty
        self._recent = tuple(recent_problems)
        self._last_scorecard = last_scorecard
        self.focus_areas = list(focus_areas)
        self.turns: list[Turn] = []
        self.events: list[Event] = []
        self.hints: list[HintTaken] = []
        self.coverage = Coverage()
        self.problem: Problem | None = None
        self.difficulty: str | None = None
        self.strong = False
        self.warmup_level: str | None = None
        self.finished = False
        self.scorecard: Scorecard | None = None
        self._problem_turn = 0
        self._used_problems: list[str] = []
        self._hint_level = 0
        self._awaiting_focus: list[str] = []
        self._reasked = 0
        self._fired_probes: set[str] = set()
        self._pushbacks = 0
        self._pushed_phases: set[str] = set()
        self._asked: set[str] = set()
        self._follow_ups_used = 0
        self._follow_up_phases: set[str] = set()
        self._phase_turns = 0
        self._last_question = ""

    # --- clock and phase ---------------------------------------------------------------
    @property
    def clock(self) -> Clock:
        return self.phases.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        """Swap the clock (resume: replay on a virtual clock, then continue on a real one)."""
        self.phases.clock = clock

    @property
    def focus_areas(self) -> list[str]:
        return list(self.phases.focus_areas)

    @focus_areas.setter
    def focus_areas(self, areas: Sequence[str]) -> None:
        self.phases.focus_areas = tuple(areas)

    @property
    def phase(self) -> Phase:
        return self.phases.phase

    @property
    def phase_spans(self) -> list[PhaseSpan]:
        return self.phases.spans

    def elapsed(self) -> float:
        """Interview time in seconds, not counting pauses."""
        return self.phases.elapsed()

    def minutes_left_in_phase(self) -> float:
        return self.phases.minutes_left()

    @property
    def paused(self) -> bool:
        return self.phases.paused

    @property
    def hint_level(self) -> int:
        return self._hint_level

    @property
    def last_question(self) -> str:
        return self._last_question

    def fork(self) -> Director:
        """An independent copy for a speculative turn: respond on it, then keep it or drop it.

        The content, the clock and the command parser are shared (immutable or external);
        everything the interview state holds is copied.
        """
        memo = {
            id(self.content): self.content,
            id(self.phases.clock): self.phases.clock,
            id(self._commands): self._commands,
        }
        return copy.deepcopy(self, memo)

    # --- the two entry points ------------------------------------------------------------
    def open(self) -> Move:
        """The greeting and the warm-up question."""
        self.phases.start()
        lines = self.content.lines
        if self.focus_areas:
            greeting = lines["greeting_focus"].format(areas=self._area_titles(self.focus_areas))
        else:
            greeting = lines["greeting"]
        return self._move(MoveKind.GREETING, greeting, self.content.warmup.question)

    def respond(self, text: str) -> Move:
        """Decide the next move after one candidate turn."""
        text = text.strip()
        turn = self._record("candidate", text)
        if self.finished:
            return self._move(MoveKind.WRAP_UP, "The interview is over.", "", ends=True)
        command = self._commands.parse(text)
        if self.paused:
            return self._while_paused(command, turn)
        if command is not None and command.name != "resume":
            return self._command(command, turn)
        found = self.coverage.add(text, turn, self.clock.now(), self._matcher())
        if self.problem is None:
            return self._after_warmup(text, found, turn)
        return self._during_problem(text, found, turn)

    # --- warm-up and problem choice ------------------------------------------------------
    def _after_warmup(self, text: str, found: set[str], turn: int) -> Move:
        assessment = assess_warmup(text, found, self.content.warmup)
        self.warmup_level = assessment.level
        self.strong = assessment.level == "strong"
        difficulty = self._forced_difficulty or assessment.difficulty
        self.events.append(
            Event(
                "warmup",
                turn,
                f"warm-up {assessment.level}: {len(assessment.stages)} stages -> {difficulty}",
                {
                    "stages": list(assessment.stages),
                    "failure_modes": list(assessment.failure_modes),
                },
            )
        )
        template = {"poor": "present_problem_poor", "strong": "present_problem_strong"}.get(
            assessment.level, "present_problem"
        )
        return self._present(self._choose(difficulty), template, turn)

    def _choose(self, difficulty: str) -> Problem:
        if self._forced_problem is not None and not self._used_problems:
            return self._forced_problem
        # The seed's own problems first, then the authored ones, in bank order.
        pool = sorted(
            (p for p in self.content.problems if p.difficulty == difficulty),
            key=lambda p: p.source != "seed",
        )
        fresh = [p for p in pool if p.id not in self._used_problems]
        unseen = [p for p in fresh if p.id not in self._recent]
        choice = (unseen or fresh or pool)[0]
        return choice

    def _present(self, problem: Problem, template: str, turn: int) -> Move:
        self.problem = problem
        self.difficulty = problem.difficulty
        self._used_problems.append(problem.id)
        self._hint_level = 0
        self._problem_turn = turn + 1
        self.events.append(
            Event("problem", turn, f"{problem.title} ({problem.difficulty})", {"id": problem.id})
        )
        text = self.content.lines[template].format(question=problem.question)
        return self._move(MoveKind.PRESENT_PROBLEM, text, problem.question)

    # --- the body of the interview -------------------------------------------------------
    def _during_problem(self, text: str, found: set[str], turn: int) -> Move:
        self._phase_turns += 1
        phase = self.phase
        if self._awaiting_focus:
            return self._focus_answer(text, turn)
        if self.phases.over_time():
            return self._next_phase(turn, reason="time")
        scope = self._scope_answer(text)
        if scope:
            return self._move(MoveKind.SCOPE_ANSWER, scope, self._last_question, keep_question=True)
        if self._needs_pushback(found):
            self._pushbacks += 1
            self.events.append(
                Event("pushback", turn, "model architecture before business goal and data")
            )
            question = self.content.lines["pushback_question"]
            text = self.content.lines["pushback"].format(question=question)
            return self._move(MoveKind.PUSHBACK, text, question[0].upper() + question[1:])
        probe = self._due_probe(found, turn)
        if probe is not None:
            self._fired_probes.add(probe.id)
            self.events.append(Event("probe", turn, probe.id, {"question": probe.question}))
            return self._move(MoveKind.PROBE, probe.question, probe.question)
        missing = self._missing_goals()
        focused = bool(set(phase.areas) & set(self.focus_areas))
        if not missing and phase.goals and not focused:
            if not self.phases.past(0.5):
                self.strong = True  # answering everything quickly earns the harder follow-ups
            return self._next_phase(turn, reason="goals covered")
        if missing and phase.id not in self._pushed_phases and self.phases.past(phase.push_at):
            self._pushed_phases.add(phase.id)
            question = phase.questions[missing[0]]
            self.events.append(Event("push", turn, f"pushing for {', '.join(missing)}"))
            text = self.content.lines["push_missing"].format(
                minutes=_minutes(self.minutes_left_in_phase()),
                phase=phase.title.lower(),
                missing=self._labels(missing),
                question=question,
            )
            return self._move(MoveKind.PUSH_MISSING, text, question)
        constraint = self._follow_up_constraint()
        if constraint:
            self.events.append(Event("follow_up", turn, constraint))
            text = self.content.lines["follow_up_constraint"].format(constraint=constraint)
            return self._move(MoveKind.FOLLOW_UP, text, constraint)
        if not found and len(text.split()) < 4:
            question = self._last_question
            return self._move(
                MoveKind.CLARIFY, self.content.lines["clarify"].format(question=question), question
            )
        question = self._next_question() or self._fallback_question()
        ack = self.content.lines["acknowledge"][turn % len(self.content.lines["acknowledge"])]
        return self._move(MoveKind.FOLLOW_UP, f"{ack} {question}", question)

    def _scope_answer(self, text: str) -> str:
        """Facts revealed when the candidate asks about scale, latency, data, ..."""
        assert self.problem is not None
        lowered = text.lower()
        asks = "?" in text or lowered.split(" ", 1)[0] in {
            "what",
            "how",
            "is",
            "are",
            "do",
            "does",
            "can",
            "could",
            "should",
            "which",
            "who",
        }
        if not asks:
            return ""
        facts = [f.answer for f in self.problem.scope if any(k in lowered for k in f.keywords)]
        if not facts:
            return ""
        return self.content.lines["scope_answer"].format(facts=" ".join(facts[:2]))

    def _needs_pushback(self, found: set[str]) -> bool:
        if "model_architecture" not in found or self._pushbacks >= 2:
            return False
        if self.phases.index != 0:
            return False
        return not (
            self.coverage.covered("business_objective", self._problem_turn)
            and self.coverage.covered("data_sources", self._problem_turn)
        )

    def _due_probe(self, found: set[str], turn: int) -> Probe | None:
        """The probe to ask now: its trigger was heard in this or the previous answer (so the
        probe follows the conversation), and its point is still uncovered."""
        recent = turn - 2
        due = [
            p
            for p in self.content.probes
            if p.id not in self._fired_probes
            and probe_due(p, self.coverage, self._problem_turn)
            and max((t for c in p.triggers for t in self.coverage.turns(c)), default=-1) >= recent
        ]
        # What the candidate just said comes first.
        due.sort(key=lambda p: not set(p.triggers) & found)
        return due[0] if due else None

    def _missing_goals(self) -> list[str]:
        return [g for g in self.phase.goals if not self.coverage.covered(g, self._problem_turn)]

    def _follow_up_constraint(self) -> str:
        assert self.problem is not None
        if not self.strong or self.phases.index == 0 or self._phase_turns < 2:
            return ""
        if self.phase.id in self._follow_up_phases:
            return ""
        if self._follow_ups_used >= len(self.problem.follow_ups):
            return ""
        self._follow_up_phases.add(self.phase.id)
        self._follow_ups_used += 1
        return self.problem.follow_ups[self._follow_ups_used - 1]

    def _candidate_questions(self, areas: Sequence[str]) -> list[tuple[str, str]]:
        """Questions about what is still missing: the phase's goals, then the key concepts
        of ``areas`` (the focus areas first)."""
        assert self.problem is not None
        focus = [a for a in areas if a in self.focus_areas]
        ordered = focus + [a for a in areas if a not in focus]
        found: list[tuple[str, str]] = []
        goals = [(g, self.phase.questions[g]) for g in self._missing_goals()]
        focus_goals = [(g, q) for g, q in goals if self._concept_area(g) in focus]
        found += focus_goals
        for area in focus:
            found += self._key_concept_questions(area)
        found += [gq for gq in goals if gq not in focus_goals]
        for area in ordered:
            if area not in focus:
                found += self._key_concept_questions(area)
        return found

    def _key_concept_questions(self, area: str) -> list[tuple[str, str]]:
        assert self.problem is not None
        template = self.content.lines["key_concept_question"]
        return [
            (c, template.format(label=self.content.label(c, self.problem)))
            for c in self.problem.key_concepts.get(area, ())
            if not self.coverage.covered(c, self._problem_turn)
        ]

    def _concept_area(self, cid: str) -> str:
        concept = self.content.concepts.get(cid) or (
            self.problem.concepts.get(cid) if self.problem else None
        )
        return concept.area if concept else ""

    def _next_question(self, areas: Sequence[str] | None = None) -> str | None:
        """The next thing to ask that has not been asked yet; None when nothing is left."""
        for key, question in self._candidate_questions(areas or self.phase.areas):
            if key not in self._asked:
                self._asked.add(key)
                return question
        return None

    def _fallback_question(self) -> str:
        """Everything has been asked once: the open question, then the missing goals again,
        in turn (the phase still runs to its time)."""
        open_key = f"open:{self.phase.id}"
        if open_key not in self._asked:
            self._asked.add(open_key)
            return self.content.lines["open_question"]
        missing = self._missing_goals()
        if not missing:
            return self.content.lines["open_question"]
        self._reasked += 1
        return self.phase.questions[missing[self._reasked % len(missing)]]

    def _next_phase(self, turn: int, reason: str) -> Move:
        phase = self.phase
        covered = [g for g in phase.goals if self.coverage.covered(g, self._problem_turn)]
        missing = [g for g in phase.goals if g not in covered]
        lines = self.content.lines
        parts = []
        if covered:
            parts.append(lines["phase_summary_covered"].format(covered=self._labels(covered)))
        if missing:
            parts.append(lines["phase_summary_missing"].format(missing=self._labels(missing)))
        summary = " ".join(parts) or lines["phase_summary_nothing"]
        if self.phases.is_last:
            return self._wrap_up(turn, reason="time" if reason == "time" else "done")
        self.phases.advance()
        self._phase_turns = 0
        self.events.append(
            Event(
                "phase_change",
                turn,
                f"{phase.title} -> {self.phase.title} ({reason})",
                {"from": phase.id, "to": self.phase.id, "reason": reason, "summary": summary},
            )
        )
        opening = self.phase.opening
        text = lines["phase_change"].format(
            phase=phase.title.lower(), summary=summary, next_opening=opening
        )
        return self._move(MoveKind.PHASE_CHANGE, text, opening)

    def _wrap_up(self, turn: int, reason: str) -> Move:
        self.phases.close()
        self.finished = True
        self.scorecard = build_scorecard(
            self.content,
            self.problem,
            self.coverage,
            self.hints,
            self.events,
            self.turns,
            since=self._problem_turn,
        )
        summary = "; ".join(f"{a.title}: {a.rating}" for a in self.scorecard.areas) + "."
        template = {"early": "wrap_up_early", "done": "wrap_up_done"}.get(reason, "wrap_up")
        self.events.append(Event("end", turn, reason))
        return self._move(
            MoveKind.WRAP_UP, self.content.lines[template].format(summary=summary), "", ends=True
        )

    # --- helpers -------------------------------------------------------------------------
    def _matcher(self) -> ConceptMatcher:
        return self.content.matcher_for(self.problem)

    def _labels(self, ids: list[str]) -> str:
        return _join(self.content.label(c, self.problem) for c in ids)

    def _area_titles(self, areas: Sequence[str]) -> str:
        return _join(self.content.area(a).title.lower() for a in areas)

    def _record(self, speaker: str, text: str) -> int:
        # The warm-up belongs to the first phase, as in the seed.
        turn = Turn(len(self.turns), speaker, text, self.phase.id, round(self.clock.now(), 3))
        self.turns.append(turn)
        return turn.index

    def _move(
        self,
        kind: MoveKind,
        text: str,
        question: str,
        *,
        ends: bool = False,
        keep_question: bool = False,
    ) -> Move:
        if question and not keep_question:
            self._last_question = question
        if ends:
            self.finished = True
        index = self._record("interviewer", text)
        snapshot = InterviewSnapshot(
            phase=self.phase.id,
            phase_title=self.phase.title,
            minutes_left_in_phase=round(self.minutes_left_in_phase(), 1),
            problem_title=self.problem.title if self.problem else None,
            problem_question=self.problem.question if self.problem else None,
            gaps=tuple(self.content.label(c, self.problem) for c in self._missing_goals()),
            hint_level_earned=self._hint_level,
            difficulty=self.difficulty,
            problem_id=self.problem.id if self.problem else None,
        )
        return Move(
            kind=kind,
            text=text,
            question=question,
            phase=self.phase.id,
            turn=index,
            snapshot=snapshot,
            ends_interview=ends,
        )


def _join(items: Any) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _minutes(minutes: float) -> str:
    whole = max(1, round(minutes))
    return "one minute" if whole == 1 else f"{whole} minutes"
