"""How the director answers spoken commands: hint, repeat, easier/harder, next phase,
pause/resume, end, focus on <area>, continue my last session.

A mixin of ``Director``: it shares the director's state and helpers, and holds only the
command handling, so that the interview's main flow reads on its own in director.py.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from voice_interviewer.interview.commands import Command
from voice_interviewer.interview.content import DIFFICULTIES
from voice_interviewer.interview.records import Event, HintTaken
from voice_interviewer.interview.scorecard import weakest_areas
from voice_interviewer.messages import Move, MoveKind

if TYPE_CHECKING:
    from voice_interviewer.interview.director import Director as _Base
else:
    _Base = object


class CommandMoves(_Base):
    """The command half of the director."""

    def _command(self, command: Command, turn: int) -> Move:
        self.events.append(
            Event("command", turn, command.name, {"phrase": command.phrase, "area": command.area})
        )
        lines = self.content.lines
        name = command.name
        if name == "end":
            return self._wrap_up(turn, reason="early")
        if name == "pause":
            self.phases.pause()
            return self._move(MoveKind.PAUSE, lines["pause"], "", keep_question=True)
        if name == "repeat":
            return self._move(
                MoveKind.REPEAT,
                lines["repeat"].format(question=self._last_question),
                self._last_question,
            )
        if name == "hint":
            return self._hint(turn)
        if name in ("easier", "harder"):
            return self._switch_difficulty(name, turn)
        if name == "next_phase":
            if self.problem is None:
                # Skipping the warm-up is not a poor warm-up: take the middle difficulty.
                difficulty = self._forced_difficulty or "medium"
                return self._present(self._choose(difficulty), "present_problem", turn)
            return self._next_phase(turn, reason="candidate asked")
        if name == "focus":
            if command.area is None:
                return self._move(MoveKind.CLARIFY, lines["focus_unknown"], lines["focus_unknown"])
            return self._focus([command.area], "focus", turn)
        if name == "continue_last":
            last = self._last_scorecard()
            if last is None:
                question = self._last_question
                return self._move(
                    MoveKind.FOCUS, lines["continue_none"].format(question=question), question
                )
            # The seed: adjust the flow to last time's gaps, and ask what they want to work on.
            suggested = weakest_areas(last)
            self._focus(suggested, "continue_last", turn, speak=False)
            self._awaiting_focus = suggested
            question = lines["continue_last_question"]
            text = lines["continue_last"].format(
                areas=self._area_titles(suggested), question=question
            )
            return self._move(MoveKind.FOCUS, text, question)
        raise AssertionError(f"unhandled command {name}")

    def _focus_answer(self, text: str, turn: int) -> Move:
        """The answer to "what would you like to work on?": named areas, or the suggestion."""
        suggested, self._awaiting_focus = self._awaiting_focus, []
        named = self._commands.areas_in(text)
        return self._focus(named or suggested, "focus" if named else "continue_last", turn)

    def _while_paused(self, command: Command | None, turn: int) -> Move:
        if command is not None and command.name in ("resume", "end"):
            self.phases.resume()
            self.events.append(Event("command", turn, command.name, {"phrase": command.phrase}))
            if command.name == "end":
                return self._wrap_up(turn, reason="early")
            return self.resume_prompt()
        return self._move(
            MoveKind.PAUSE, self.content.lines["paused_reminder"], "", keep_question=True
        )

    def resume_prompt(self) -> Move:
        """ "Welcome back" and the question that was open (after a pause or a crash)."""
        question = self._last_question
        return self._move(
            MoveKind.RESUME,
            self.content.lines["resume"].format(question=question),
            question,
            keep_question=True,
        )

    def _hint(self, turn: int) -> Move:
        lines = self.content.lines
        if self.problem is None:
            self.events.append(Event("hint", turn, "warm-up hint", {"level": 0}))
            return self._move(
                MoveKind.HINT,
                lines["hint"].format(hint=lines["warmup_hint"]),
                self._last_question,
                keep_question=True,
            )
        exhausted = self._hint_level >= len(self.problem.hints)
        self._hint_level = min(self._hint_level + 1, len(self.problem.hints))
        hint = self.problem.hints[self._hint_level - 1]
        self.hints.append(HintTaken(turn, self.problem.id, hint.level, hint.reveals))
        self.events.append(
            Event(
                "hint",
                turn,
                f"level {hint.level}",
                {"level": hint.level, "problem": self.problem.id},
            )
        )
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
                return self._move(
                    MoveKind.DIFFICULTY_CHANGE,
                    lines["no_harder"].format(question=constraint),
                    constraint,
                )
            question = self._last_question
            return self._move(
                MoveKind.DIFFICULTY_CHANGE, lines[f"no_{name}"].format(question=question), question
            )
        self.strong = name == "harder" or (self.strong and name != "easier")
        move = self._present(self._choose(DIFFICULTIES[index]), name, turn)
        return replace(move, kind=MoveKind.DIFFICULTY_CHANGE)

    def _focus(self, areas: list[str], source: str, turn: int, speak: bool = True) -> Move | None:
        self.focus_areas = areas
        lines = self.content.lines
        target = next(
            (i for i, p in enumerate(self.content.phases) if set(p.areas) & set(areas)), None
        )
        if self.problem is not None and target is not None and target > self.phases.index:
            self.phases.advance(to=target)
            self._phase_turns = 0
            self.events.append(
                Event(
                    "phase_change",
                    turn,
                    f"-> {self.phase.title} ({source})",
                    {"to": self.phase.id, "reason": source},
                )
            )
        if not speak:
            return None
        if self.problem is not None:
            question = self._next_question(areas) or self.content.lines["open_question"]
        else:
            question = self.content.warmup.question
        text = lines["focus"].format(area=self._area_titles(areas), question=question)
        return self._move(MoveKind.FOCUS, text, question)
