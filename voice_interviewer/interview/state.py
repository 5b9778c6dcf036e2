"""The interview state: everything the director knows about one interview, in one deep-copyable
object. Policies read and change it; ``fork`` copies it cheaply for a speculative turn."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from voice_interviewer.interview.coverage import Coverage
from voice_interviewer.interview.phase_clock import PhaseClock
from voice_interviewer.interview.records import Event, HintTaken, Turn
from voice_interviewer.interview.scorecard_types import Scorecard


@dataclass
class ProblemState:
    """Which problem, how it was chosen, and how far the candidate has taken it."""

    id: str | None = None
    difficulty: str | None = None
    used: list[str] = field(default_factory=list)
    hint_level: int = 0
    problem_turn: int = 0
    """The first turn of the current problem (scope facts and goals are per problem)."""
    design_start: int | None = None
    """The first turn of the design discussion: evidence counts from here, across switches."""
    strong: bool = False
    warmup_level: str | None = None
    follow_ups_used: int = 0
    follow_up_phases: set[str] = field(default_factory=set)


@dataclass
class FlowState:
    """Where the conversation is: what was asked, what is awaited, what was answered."""

    phase_turns: int = 0
    pushbacks: int = 0
    pushed_phases: set[str] = field(default_factory=set)
    asked: set[str] = field(default_factory=set)
    reasked: int = 0
    awaiting: str = ""
    """"" | "focus" (what to work on) | "confirm_end" (end the interview now?)."""
    suggested_focus: list[str] = field(default_factory=list)
    focus_chosen: bool = False
    """The candidate chose the focus themselves: it holds for the whole session."""
    redirects: int = 0
    answered_facts: list[str] = field(default_factory=list)
    assumptions: int = 0
    acknowledgements: int = 0


@dataclass
class ProbeState:
    queued: list[str] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)
    last_question: str = ""
    """The last probe asked: while it is the open question, no other probe is asked."""


@dataclass
class InterviewState:
    """One interview's state; the content and the clock are shared, never copied."""

    phases: PhaseClock
    turns: list[Turn] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    hints: list[HintTaken] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    problem: ProblemState = field(default_factory=ProblemState)
    flow: FlowState = field(default_factory=FlowState)
    probes: ProbeState = field(default_factory=ProbeState)
    last_question: str = ""
    finished: bool = False
    scorecard: Scorecard | None = None

    def fork(self) -> InterviewState:
        """An independent copy. Records (turns, events, mentions) are immutable and shared;
        the clock and the phase definitions come from outside and are shared too."""
        memo = {
            id(self.phases.clock): self.phases.clock,
            id(self.phases.phases): self.phases.phases,
        }
        return copy.deepcopy(self, memo)

    def event(self, kind: str, turn: int, detail: str, **data: object) -> None:
        self.events.append(Event(kind, turn, detail, dict(data)))

    def previous_candidate_turn(self, turn: int) -> int | None:
        return next(
            (t.index for t in reversed(self.turns[:turn]) if t.speaker == "candidate"), None
        )

    def candidate_turns(self, since: int = 0) -> list[Turn]:
        return [t for t in self.turns if t.speaker == "candidate" and t.index >= since]
