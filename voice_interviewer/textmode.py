"""The interview typed at the terminal, or replayed from a script of candidate turns."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from voice_interviewer.clock import VirtualClock
from voice_interviewer.interview.scorecard_types import Scorecard
from voice_interviewer.messages import Move, MoveKind
from voice_interviewer.session.events import SaidLine
from voice_interviewer.session.live import InterviewSession
from voice_interviewer.ui import Screen, make_screen

DEFAULT_TURN_SECONDS = 60.0
_DURATION = re.compile(r"^\[\+(\d+(?:\.\d+)?)\s*(s|m|min)?\]\s*")


class ScriptError(ValueError):
    """The script file cannot be read or parsed; the message names the line."""


@dataclass(frozen=True)
class ScriptTurn:
    text: str
    seconds: float
    line: int


def parse_script(text: str) -> list[ScriptTurn]:
    """Paragraphs are turns; `[+90s]` (or `[+2m]`) says how long a turn takes; `#` lines are comments."""
    turns: list[ScriptTurn] = []
    paragraph: list[str] = []
    start = 0

    def flush() -> None:
        if not paragraph:
            return
        body = " ".join(line.strip() for line in paragraph)
        seconds = DEFAULT_TURN_SECONDS
        m = _DURATION.match(body)
        if m:
            seconds = float(m.group(1)) * (60 if m.group(2) in ("m", "min") else 1)
            body = body[m.end() :]
        if body.strip():
            turns.append(ScriptTurn(body.strip(), seconds, start))
        paragraph.clear()

    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        if not line.strip():
            flush()
            continue
        if not paragraph:
            start = number
        paragraph.append(line)
    flush()
    return turns


def load_script(path: Path) -> list[ScriptTurn]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ScriptError(f"cannot read script {path}: {e.strerror}") from e
    turns = parse_script(text)
    if not turns:
        raise ScriptError(f"{path} holds no candidate turns (paragraphs separated by blank lines)")
    return turns


class TextInterview:
    """Drives a session from typed or scripted turns and prints the conversation."""

    def __init__(
        self,
        session: InterviewSession,
        out: TextIO | None = None,
        renderer: Any = None,
        screen: Screen | None = None,
    ) -> None:
        self.session = session
        # Looked up now, not at import, so redirection and test capture see the transcript.
        self.out = out or sys.stdout
        # The renderer decides the words; without one the director's authored words are said.
        self.renderer = renderer
        self.screen = screen or make_screen(session.clock.now, out=self.out)
        self._candidate = ""

    def _say(self, move: Move) -> str:
        if self.renderer is None:
            return move.text
        words = "".join(r.text for r in self.renderer.render(move, self._candidate)).strip()
        if words and words != move.text:
            self.session.record(SaidLine(move.turn, words, words, interrupted=False))
        return words or move.text

    def show(self, move: Move) -> None:
        view = self.session.snapshot()
        if move.kind in (MoveKind.PHASE_CHANGE, MoveKind.GREETING):
            self.screen.phase(view, diagram=move.kind == MoveKind.PHASE_CHANGE)
        else:
            self.screen.status(view)
        if move.kind == MoveKind.HINT:
            self.screen.hint(view.hint_level_earned)
        self.screen.interviewer(self._say(move))

    def run_script(self, turns: list[ScriptTurn], first: Move) -> None:
        self.show(first)
        clock = self.session.clock
        for turn in turns:
            if self.session.finished:
                break
            if isinstance(clock, VirtualClock):
                clock.advance(turn.seconds)
            self.screen.candidate(turn.text, final=True)
            self._candidate = turn.text
            self.show(self.session.respond(turn.text))
        self._finish()

    def run_interactive(self, first: Move, read: Callable[[], str] = input) -> None:
        self.show(first)
        for text in _typed_turns(read):
            self._candidate = text
            self.show(self.session.respond(text))
            if self.session.finished:
                break
        self._finish()

    def _finish(self) -> None:
        session = self.session
        if session.finished and session.scorecard is not None and self.renderer is not None:
            from voice_interviewer.llm.scorecard_prose import scorecard_prose_for

            session.set_scorecard(scorecard_prose_for(self.renderer, session.scorecard))
        if session.finished and session.scorecard is not None:
            self.screen.scorecard(session.scorecard)
            self.screen.note(
                f"\nSaved as {session.session_id}. "
                f"Export it with: voice-interviewer export {session.session_id} --format md"
            )
        else:
            self.screen.note(
                f"\nSession {session.session_id} saved. "
                f"Continue it with: voice-interviewer interview --text --resume {session.session_id}"
            )
        self.screen.close()
        session.close()


def _typed_turns(read: Callable[[], str]) -> Iterator[str]:
    while True:
        try:
            text = read()
        except EOFError:
            return
        if text.strip():
            yield text.strip()


def format_scorecard(card: Scorecard) -> str:
    lines = ["Scorecard", "========="]
    width = max(len(a.title) for a in card.areas)
    for a in card.areas:
        lines.append(f"{a.title.ljust(width)}  {a.rating}")
        lines.append(f"  {a.justification}")
    lines += ["", "Strengths:"] + [f"  {i}. {s}" for i, s in enumerate(card.strengths, 1)]
    lines += ["", "Improvements:"] + [f"  {i}. {s}" for i, s in enumerate(card.improvements, 1)]
    lines += ["", "Resources:"] + [f"  - {r}" for r in card.resources]
    return "\n".join(lines)
