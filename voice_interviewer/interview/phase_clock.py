"""The phase machine's clock: which phase, for how long, with pauses not counted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voice_interviewer.clock import Clock
from voice_interviewer.interview.content import Phase

# A focus chosen by the candidate moves time from the other phases to the focused ones.
FOCUS_STRETCH = 1.5
UNFOCUSED_SHRINK = 0.75


@dataclass
class PhaseSpan:
    """When a phase ran, on the session clock (pauses included, so it lines up with turns)."""

    phase: str
    started_at: float
    ended_at: float | None = None


class PhaseClock:
    """Tracks the current phase and the interview time spent in it, excluding pauses."""

    def __init__(self, phases: Sequence[Phase], clock: Clock) -> None:
        self.phases = tuple(phases)
        self.clock = clock
        self.index = 0
        self.spans: list[PhaseSpan] = []
        self.focus_areas: tuple[str, ...] = ()
        self._started = 0.0  # interview time when the current phase began
        self._paused_at: float | None = None
        self._paused_total = 0.0

    @property
    def phase(self) -> Phase:
        return self.phases[self.index]

    @property
    def is_last(self) -> bool:
        return self.index + 1 >= len(self.phases)

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def start(self) -> None:
        self.spans.append(PhaseSpan(self.phase.id, round(self.clock.now(), 3)))

    def elapsed(self) -> float:
        """Interview seconds so far, pauses excluded."""
        now = self._paused_at if self._paused_at is not None else self.clock.now()
        return now - self._paused_total

    def in_phase(self) -> float:
        return self.elapsed() - self._started

    def budget(self, phase: Phase | None = None) -> float:
        """The phase's minutes, stretched or shrunk when the candidate chose a focus."""
        phase = phase or self.phase
        if not self.focus_areas or not phase.areas:
            return phase.minutes
        focused = set(phase.areas) & set(self.focus_areas)
        return phase.minutes * (FOCUS_STRETCH if focused else UNFOCUSED_SHRINK)

    def minutes_left(self) -> float:
        return max(0.0, self.budget() - self.in_phase() / 60)

    def over_time(self) -> bool:
        return self.in_phase() >= self.budget() * 60

    def past(self, fraction: float) -> bool:
        return self.in_phase() >= fraction * self.budget() * 60

    def advance(self, to: int | None = None) -> None:
        """End the current phase and start the next one (or phase ``to``)."""
        self.close()
        self.index = self.index + 1 if to is None else to
        self._started = self.elapsed()
        self.start()

    def close(self) -> None:
        if self.spans and self.spans[-1].ended_at is None:
            self.spans[-1].ended_at = round(self.clock.now(), 3)

    def pause(self) -> None:
        self._paused_at = self.clock.now()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._paused_total += self.clock.now() - self._paused_at
            self._paused_at = None
