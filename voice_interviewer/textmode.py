"""The interview typed at the terminal, or replayed from a script of candidate turns."""

from __future__ import annotations

import codecs
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
from voice_interviewer.session.journal import JournalError
from voice_interviewer.session.live import InterviewSession
from voice_interviewer.text import safe_text
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

    # Lines end at "\n" only: str.splitlines() would also break at form feeds, \x1c-\x1e and
    # U+2028, which a pasted answer may hold, and split one turn in two.
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    for number, line in enumerate(lines, 1):
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


def load_script(path: Path, notes: list[str] | None = None) -> list[ScriptTurn]:
    """The turns of a script file in any encoding: UTF-8 (with or without a BOM) and UTF-16
    with a BOM are read as they are; other bytes are replaced with U+FFFD and ``notes`` gets
    a line saying so. A binary file is a ``ScriptError``."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ScriptError(f"cannot read script {path}: {e.strerror}") from e
    text, note = decode_script(raw, path)
    if note and notes is not None:
        notes.append(note)
    turns = parse_script(text)
    if not turns:
        raise ScriptError(f"{path} holds no candidate turns (paragraphs separated by blank lines)")
    return turns


def decode_script(raw: bytes, path: Path) -> tuple[str, str | None]:
    """The text of a script file and, when bytes had to be replaced, a note saying where."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(codec, errors="replace"), None
    if b"\0" in raw[:8192] or _binary_share(raw[:8192]) > 0.3:
        raise ScriptError(
            f"{path} looks like a binary file, not a text script: write the candidate's "
            "turns as plain text, one paragraph per turn"
        )
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as e:
        text, bad = decode_replacing(raw)
        line = raw[: e.start].count(b"\n") + 1
        return text, (
            f"{path} is not UTF-8 (first bad byte on line {line}); {bad} undecodable "
            "byte(s) were replaced with \ufffd. Save the script as UTF-8 to keep every character."
        )


def _binary_share(head: bytes) -> float:
    """The share of bytes that no text file holds (controls other than tab, newlines, ESC)."""
    if not head:
        return 0.0
    odd = sum(1 for b in head if b < 32 and b not in b"\t\n\r\x0c\x1b")
    return odd / len(head)


def repair_typed(text: str) -> tuple[str, bool]:
    """A line read from a terminal with ``surrogateescape``: its undecodable bytes become
    U+FFFD (a string holding lone surrogates cannot even be written to the journal).
    Returns the text and whether anything was replaced."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text, False
    repaired, _ = decode_replacing(text.encode("utf-8", "surrogateescape"))
    return repaired, True


def decode_replacing(raw: bytes) -> tuple[str, int]:
    """``raw`` as UTF-8 with each undecodable byte sequence replaced by U+FFFD, and how many."""
    text = raw.decode("utf-8", errors="replace")
    return text, text.count("\ufffd") - raw.count("\ufffd".encode())


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
        words = "".join(r.text for r in self.renderer.render(move, self._candidate))
        words = safe_text(words).strip()  # an LLM's reply is echoed: no escape sequences
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
            self._candidate = safe_text(turn.text)
            self.screen.candidate(self._candidate, final=True)
            self.show(self._respond(turn.text))
        self._finish()

    def run_interactive(self, first: Move, read: Callable[[], str] = input) -> None:
        self.show(first)
        warned = False
        for typed in _typed_turns(read):
            text, repaired = repair_typed(typed)
            if repaired and not warned:
                # Said once: the answer is kept, with the bytes the terminal could not decode.
                self.out.write(
                    "\n(Your terminal sent bytes that are not UTF-8; they are kept as \ufffd. "
                    "Set the terminal to UTF-8 to keep every character.)\n"
                )
                warned = True
            self._candidate = safe_text(text)
            self.show(self._respond(text))
            if self.session.finished:
                break
        self._finish()

    def _respond(self, text: str) -> Move:
        try:
            return self.session.respond(text)
        except JournalError as e:
            # Not saved: hand the answer back so that nothing typed is lost.
            raise JournalError(
                f"{e}\nYour last answer was not saved; here it is:\n  {safe_text(text)}"
            ) from e

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
    return safe_text("\n".join(lines))  # an LLM may have written the prose
