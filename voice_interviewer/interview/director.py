"""The director: the deterministic interviewer. One candidate turn in, one Move out.

It owns the interview's substance (phases and their clock, problem choice, hints, probes,
pushback, commands, coverage); a renderer only decides how the Move's words are said.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from voice_interviewer.clock import Clock
from voice_interviewer.interview.commands import Command, CommandParser
from voice_interviewer.interview.content import DIFFICULTIES, Content, Phase, Problem
from voice_interviewer.interview.coverage import Coverage, assess_warmup, probe_due
from voice_interviewer.interview.scorecard import build_scorecard
from voice_interviewer.interview.scorecard_types import Scorecard
from voice_interviewer.messages import InterviewSnapshot, Move, MoveKind


@dataclass(frozen=True)
class Turn:
    """One side's words, with the phase they fell in and the interview clock time."""

    index: int
    speaker: str  # "interviewer" | "candidate"
    text: str
    phase: str
    t: float


@dataclass(frozen=True)
class Event:
    """Something the scorecard and the export report: a hint, probe, pushback, command, ..."""

    type: str
    turn: int
    detail: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HintTaken:
    turn: int
    problem: str
    level: int
    reveals: tuple[str, ...]


@dataclass
class PhaseSpan:
    phase: str
    started_at: float
    ended_at: float | None = None


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
    ) -> None:
        if difficulty is not None and difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be one of {DIFFICULTIES}")
        self.content = content
        self.clock = clock
        self._commands = CommandParser(content.commands)
        self._forced_problem = content.problem(problem_id) if problem_id else None
        self._forced_difficulty = difficulty
        self._recent = tuple(recent_problems)
        self._last_scorecard = last_scorecard
        self.focus_areas: list[str] = list(focus_areas)
        self.turns: list[Turn] = []
        self.events: list[Event] = []
        self.hints: list[HintTaken] = []
        self.coverage = Coverage()
        self.phase_spans: list[PhaseSpan] = []
        self.problem: Problem | None = None
        self.difficulty: str | None = None
        self.strong = False
        self.warmup_level: str | None = None
        self.finished = False
        self.scorecard: Scorecard | None = None
        self._problem_turn = 0
        self._used_problems: list[str] = []
        self._hint_level = 0
        self._phase_index = 0
        self._phase_started = 0.0
        self._paused_at: float | None = None
        self._paused_total = 0.0
        self._fired_probes: set[str] = set()
        self._pushbacks = 0
        self._pushed_phases: set[str] = set()
        self._asked: set[str] = set()
        self._follow_ups_used = 0
        self._follow_up_phases: set[str] = set()
        self._phase_turns = 0
        self._last_question = ""

    # --- clock ---------------------------------------------------------------------------
    def elapsed(self) -> float:
        """Interview time in seconds, not counting pauses."""
        now = self._paused_at if self._paused_at is not None else self.clock.now()
        return now - self._paused_total

    @property
    def phase(self) -> Phase:
        return self.content.phases[self._phase_index]

    def phase_elapsed(self) -> float:
        return self.elapsed() - self._phase_started

    def minutes_left_in_phase(self) -> float:
        return max(0.0, self.phase.minutes - self.phase_elapsed() / 60)

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    @property
    def hint_level(self) -> int:
        return self._hint_level

    @property
    def last_question(self) -> str:
        return self._last_question

    # --- the two entry points ------------------------------------------------------------
    def open(self) -> Move:
        """The greeting and the warm-up question."""
        self.phase_spans.append(PhaseSpan(self.phase.id, 0.0))
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
                {"stages": list(assessment.stages), "failure_modes": list(assessment.failure_modes)},
            )
        )
        template = {"poor": "present_problem_poor", "strong": "present_problem_strong"}.get(
            assessment.level, "present_problem"
        )
        return self._present(self._choose(difficulty), template, turn)

    def _choose(self, difficulty: str) -> Problem:
        if self._forced_problem is not None and not self._used_problems:
            return self._forced_problem
        pool = [p for p in self.content.problems if p.difficulty == difficulty]
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
        if self.phase_elapsed() >= phase.minutes * 60:
            return self._next_phase(turn, reason="time")
        scope = self._scope_answer(text)
        if scope:
            return self._move(MoveKind.SCOPE_ANSWER, scope, self._last_question, keep_question=True)
        if self._needs_pushback(found):
            self._pushbacks += 1
            self.events.append(Event("pushback", turn, "model architecture before business goal and data"))
            question = self.content.lines["pushback_question"]
            text = self.content.lines["pushback"].format(question=question)
            return self._move(MoveKind.PUSHBACK, text, question[0].upper() + question[1:])
        probe = self._due_probe(found)
        if probe is not None:
            self._fired_probes.add(probe.id)
            self.events.append(Event("probe", turn, probe.id, {"question": probe.question}))
            return self._move(MoveKind.PROBE, probe.question, probe.question)
        missing = self._missing_goals()
        if not missing and phase.goals:
            if self.phase_elapsed() < phase.minutes * 60 / 2:
                self.strong = True  # answering everything quickly earns the harder follow-ups
            return self._next_phase(turn, reason="goals covered")
        if (
            missing
            and phase.id not in self._pushed_phases
            and self.phase_elapsed() >= phase.push_at * phase.minutes * 60
        ):
            self._pushed_phases.add(phase.id)
            question = phase.questions[missing[0]]
            self.events.append(Event("push", turn, f"pushing for {', '.join(missing)}"))
            text = self.content.lines["push_missing"].format(
                minutes=_minutes(self.minutes_left_in_phase()),
                phase=phase.title.lower(),
                missing=_join(self.content.label(c, self.problem) for c in missing),
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
            return self._move(MoveKind.CLARIFY, self.content.lines["clarify"].format(question=question), question)
        question = self._next_question()
        ack = self.content.lines["acknowledge"][turn % len(self.content.lines["acknowledge"])]
        return self._move(MoveKind.FOLLOW_UP, f"{ack} {question}", question)

    def _scope_answer(self, text: str) -> str:
        """Facts revealed when the candidate asks about scale, latency, data, ..."""
        assert self.problem is not None
        lowered = text.lower()
        asks = "?" in text or lowered.split(" ", 1)[0] in {
            "what", "how", "is", "are", "do", "does", "can", "could", "should", "which", "who"
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
        if self.phase.id != self.content.phases[0].id:
            return False
        return not (
            self.coverage.covered("business_objective", self._problem_turn)
            and self.coverage.covered("data_sources", self._problem_turn)
        )

    def _due_probe(self, found: set[str]) -> Any:
        due = [
            p for p in self.content.probes
            if p.id not in self._fired_probes and probe_due(p, self.coverage, self._problem_turn)
        ]
        # What the candidate just said comes first: the probe then follows the conversation.
        due.sort(key=lambda p: not set(p.triggers) & found)
        return due[0] if due else None

    def _missing_goals(self) -> list[str]:
        return [g for g in self.phase.goals if not self.coverage.covered(g, self._problem_turn)]

    def _follow_up_constraint(self) -> str:
        assert self.problem is not None
        if not self.strong or self._phase_index == 0 or self._phase_turns < 2:
            return ""
        if self.phase.id in self._follow_up_phases:
            return ""
        if self._follow_ups_used >= len(self.problem.follow_ups):
            return ""
        self._follow_up_phases.add(self.phase.id)
        self._follow_ups_used += 1
        return self.problem.follow_ups[self._follow_ups_used - 1]

    def _next_question(self) -> str:
        """The next thing to ask: a missing goal, then a missing key concept of this phase."""
        assert self.problem is not None
        candidates = [(g, self.phase.questions[g]) for g in self._missing_goals()]
        areas = list(self.phase.areas)
        areas.sort(key=lambda a: a not in self.focus_areas)
        for area in areas:
            for cid in self.problem.key_concepts.get(area, ()):
                if not self.coverage.covered(cid, self._problem_turn):
                    label = self.content.label(cid, self.problem)
                    candidates.append((cid, self.content.lines["key_concept_question"].format(label=label)))
        for key, question in candidates:
            if key not in self._asked:
                self._asked.add(key)
                return question
        return self.content.lines["open_question"]

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
        self.phase_spans[-1].ended_at = self.elapsed()
        if self._phase_index + 1 >= len(self.content.phases):
            return self._wrap_up(turn, early=False)
        self._phase_index += 1
        self._phase_started = self.elapsed()
        self._phase_turns = 0
        self.phase_spans.append(PhaseSpan(self.phase.id, self._phase_started))
        self.events.append(
            Event("phase_change", turn, f"{phase.title} -> {self.phase.title} ({reason})",
                  {"from": phase.id, "to": self.phase.id, "reason": reason, "summary": summary})
        )
        opening = self.phase.opening
        text = lines["phase_change"].format(phase=phase.title.lower(), summary=summary, next_opening=opening)
        return self._move(MoveKind.PHASE_CHANGE, text, opening)

    def _wrap_up(self, turn: int, early: bool) -> Move:
        if self.phase_spans and self.phase_spans[-1].ended_at is None:
            self.phase_spans[-1].ended_at = self.elapsed()
        self.finished = True
        self.scorecard = build_scorecard(
            self.content, self.problem, self.coverage, self.hints, self.events, self.turns,
            since=self._problem_turn,
        )
        summary = "; ".join(f"{a.title}: {a.rating}" for a in self.scorecard.areas) + "."
        template = "wrap_up_early" if early else "wrap_up"
        self.events.append(Event("end", turn, "ended early" if early else "time"))
        return self._move(MoveKind.WRAP_UP, self.content.lines[template].format(summary=summary), "", ends=True)

    # --- commands ------------------------------------------------------------------------
    def _command(self, command: Command, turn: int) -> Move:
        self.events.append(Event("command", turn, command.name, {"phrase": command.phrase, "area": command.area}))
        lines = self.content.lines
        name = command.name
        if name == "end":
            return self._wrap_up(turn, early=True)
        if name == "pause":
            self._paused_at = self.clock.now()
            return self._move(MoveKind.PAUSE, lines["pause"], "", keep_question=True)
        if name == "repeat":
            return self._move(MoveKind.REPEAT, lines["repeat"].format(question=self._last_question), self._last_question)
        if name == "hint":
            return self._hint(turn)
        if name in ("easier", "harder"):
            return self._switch_difficulty(name, turn)
        if name == "next_phase":
            if self.problem is None:
                return self._after_warmup("", set(), turn)
            return self._next_phase(turn, reason="candidate asked")
        if name == "focus":
            if command.area is None:
                return self._move(MoveKind.CLARIFY, lines["focus_unknown"], lines["focus_unknown"])
            return self._focus([command.area], "focus", turn)
        if name == "continue_last":
            last = self._last_scorecard()
            if last is None:
                question = self._last_question
                return self._move(MoveKind.FOCUS, lines["continue_none"].format(question=question), question)
            return self._focus(weakest_areas(last), "continue_last", turn)
        raise AssertionError(f"unhandled command {name}")

    def _while_paused(self, command: Command | None, turn: int) -> Move:
        if command is not None and command.name in ("resume", "end"):
            assert self._paused_at is not None
            self._paused_total += self.clock.now() - self._paused_at
            self._paused_at = None
            self.events.append(Event("command", turn, command.name, {"phrase": command.phrase}))
            if command.name == "end":
                return self._wrap_up(turn, early=True)
            question = self._last_question
            return self._move(MoveKind.RESUME, self.content.lines["resume"].format(question=question), question)
        return self._move(MoveKind.PAUSE, self.content.lines["paused_reminder"], "", keep_question=True)

    def _hint(self, turn: int) -> Move:
        lines = self.content.lines
        if self.problem is None:
            self.events.append(Event("hint", turn, "warm-up hint", {"level": 0}))
            return self._move(MoveKind.HINT, lines["hint"].format(hint=lines["warmup_hint"]), self._last_question, keep_question=True)
        exhausted = self._hint_level >= len(self.problem.hints)
        self._hint_level = min(self._hint_level + 1, len(self.problem.hints))
        hint = self.problem.hints[self._hint_level - 1]
        self.hints.append(HintTaken(turn, self.problem.id, hint.level, hint.reveals))
        self.events.append(Event("hint", turn, f"level {hint.level}", {"level": hint.level, "problem": self.problem.id}))
        text = lines["hint_exhausted" if exhausted else "hint"].format(hint=hint.text)
        return self._move(MoveKind.HINT, text, self._last_question, keep_question=True)

    def _switch_difficulty(self, name: str, turn: int) -> Move:
        lines = self.content.lines
        current = self.difficulty or self._forced_difficulty or "medium"
        step = -1 if name == "easier" else 1
        index = DIFFICULTIES.index(current) + step
        if self.problem is None:
            # Asked during the warm-up: skip its assessment and go straight to a problem.
            target = DIFFICULTIES[max(0, min(index, len(DIFFICULTIES) - 1))]
            return self._present(self._choose(target), name, turn)
        if not 0 <= index < len(DIFFICULTIES):
            if name == "harder" and self._follow_ups_used < len(self.problem.follow_ups):
                self._follow_ups_used += 1
                constraint = self.problem.follow_ups[self._follow_ups_used - 1]
                return self._move(MoveKind.DIFFICULTY_CHANGE, lines["no_harder"].format(question=constraint), constraint)
            question = self._last_question
            return self._move(MoveKind.DIFFICULTY_CHANGE, lines[f"no_{name}"].format(question=question), question)
        self.strong = name == "harder" or self.strong and name != "easier"
        move = self._present(self._choose(DIFFICULTIES[index]), name, turn)
        return Move(**{**move.__dict__, "kind": MoveKind.DIFFICULTY_CHANGE})

    def _focus(self, areas: list[str], source: str, turn: int) -> Move:
        self.focus_areas = areas
        lines = self.content.lines
        target = next((i for i, p in enumerate(self.content.phases) if set(p.areas) & set(areas)), None)
        if self.problem is not None and target is not None and target > self._phase_index:
            self.phase_spans[-1].ended_at = self.elapsed()
            self._phase_index = target
            self._phase_started = self.elapsed()
            self._phase_turns = 0
            self.phase_spans.append(PhaseSpan(self.phase.id, self._phase_started))
            self.events.append(Event("phase_change", turn, f"-> {self.phase.title} ({source})",
                                     {"to": self.phase.id, "reason": source}))
        question = self._next_question() if self.problem is not None else self.content.warmup.question
        key = "continue_last" if source == "continue_last" else "focus"
        text = lines[key].format(areas=self._area_titles(areas), area=self._area_titles(areas), question=question)
        return self._move(MoveKind.FOCUS, text, question)

    # --- helpers -------------------------------------------------------------------------
    def _matcher(self) -> Any:
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

    def _move(self, kind: MoveKind, text: str, question: str, *, ends: bool = False, keep_question: bool = False) -> Move:
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
        )
        return Move(kind=kind, text=text, question=question, phase=self.phase.id, turn=index,
                    snapshot=snapshot, ends_interview=ends)


def weakest_areas(scorecard: Scorecard, count: int = 2) -> list[str]:
    """The lowest-rated areas of a scorecard, worst first (ties keep rubric order)."""
    order = {"Novice": 0, "Intermediate": 1, "Expert": 2}
    ranked = sorted(scorecard.areas, key=lambda a: order.get(a.rating, 0))
    return [a.area for a in ranked[:count]]


def _join(items: Any) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _minutes(minutes: float) -> str:
    whole = max(1, round(minutes))
    return "one minute" if whole == 1 else f"{whole} minutes"
