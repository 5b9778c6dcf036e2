"""The seed's interviewer notes as probes: queued when their trigger is asserted (or their
topic dismissed), asked at the next turn that leaves room, once, while still relevant."""

from __future__ import annotations

from voice_interviewer.interview.content import Probe
from voice_interviewer.interview.coverage import probe_point_covered
from voice_interviewer.interview.desk import Desk, join_words
from voice_interviewer.interview.records import Reply
from voice_interviewer.interview.state import InterviewState
from voice_interviewer.messages import MoveKind


class ProbePolicy(Desk):
    """Keeps the probe queue and says which probe to ask now."""

    def notice(self, state: InterviewState, asserted: set[str], dismissed: set[str]) -> None:
        """Queue the probes this turn made due. Only the design discussion triggers them, and
        only asserted statements or dismissals: never a question, negation or admission."""
        if state.problem.design_start is None:
            return
        since = self.design_start(state)
        for probe in self.content.probes:
            waved = bool(dismissed & set(probe.dismissed_by))
            if probe.id in state.probes.fired and waved and probe.dismissal_question:
                # Asked already, and now waved away: a skeptical interviewer presses once.
                again = probe.id + _PRESSED
                if again not in state.probes.fired and again not in state.probes.queued:
                    state.probes.queued.append(again)
                continue
            if probe.id in state.probes.fired or probe.id in state.probes.queued:
                continue
            if probe_point_covered(probe, state.coverage, since):
                continue
            heard_now = bool(asserted & set(probe.triggers))
            enough = state.coverage.turn_count(probe.triggers, since) >= probe.min_turns
            if (heard_now and enough) or waved:
                state.probes.queued.append(probe.id)

    def next(
        self, state: InterviewState, asserted: set[str], dismissed: set[str], turn: int
    ) -> Reply | None:
        """The probe to ask now, if any: what the candidate just said first, then the oldest
        waiting. A probe whose point got covered meanwhile leaves the queue unasked."""
        since = self.design_start(state)
        probes = {p.id: p for p in self.content.probes}
        queue = state.probes.queued
        queue[:] = [
            pid
            for pid in queue
            if not probe_point_covered(probes[_base(pid)], state.coverage, since)
        ]
        pressed = next((pid for pid in queue if pid.endswith(_PRESSED)), None)
        if pressed is not None:
            # The candidate waved away what was just asked: press once, in the dismissal form.
            queue.remove(pressed)
            state.probes.fired.append(pressed)
            question = probes[_base(pressed)].dismissal_question
            state.event("probe", turn, pressed, question=question)
            state.probes.last_question = question
            return Reply(MoveKind.PROBE, question, question)
        if state.probes.last_question and state.probes.last_question == state.last_question:
            return None  # the candidate is answering a probe: let them, before the next one
        phase = state.phases.phase.id
        ready = [
            probes[pid] for pid in queue if not probes[pid].phases or phase in probes[pid].phases
        ]
        if not ready:
            return None
        ready.sort(
            key=lambda p: (
                not (set(p.dismissed_by) & dismissed),
                not (set(p.triggers) & asserted),
            )
        )
        probe = ready[0]
        queue.remove(probe.id)
        state.probes.fired.append(probe.id)
        dismissal = state.coverage.was_dismissed(probe.dismissed_by, since)
        question = self.question(
            probe, state, dismissal is not None and not self._triggered(probe, state)
        )
        state.event("probe", turn, probe.id, question=question)
        state.probes.last_question = question
        return Reply(MoveKind.PROBE, question, question)

    def _triggered(self, probe: Probe, state: InterviewState) -> bool:
        since = self.design_start(state)
        return state.coverage.turn_count(probe.triggers, since) >= probe.min_turns

    def question(self, probe: Probe, state: InterviewState, dismissed: bool = False) -> str:
        """The probe's question: its dismissal form when the topic was waved away, and for
        "all" probes only the parts the candidate has not covered."""
        if dismissed and probe.dismissal_question:
            return probe.dismissal_question
        if not probe.parts:
            return probe.question
        missing = [text for cid, text in probe.parts.items() if not self.covered(state, cid)]
        if len(missing) == len(probe.parts):
            return probe.question
        return f"{probe.lead} {_oxford(missing)}?"


_PRESSED = ":dismissed"


def _base(entry: str) -> str:
    """The probe id of a queue entry ("gbdt_vs_deep:dismissed" -> "gbdt_vs_deep")."""
    return entry.removesuffix(_PRESSED)


def _oxford(parts: list[str]) -> str:
    if len(parts) <= 2:
        return join_words(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]
