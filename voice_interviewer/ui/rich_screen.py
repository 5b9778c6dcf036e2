"""The interview on a terminal, drawn with rich.

Finished lines (the interviewer's replies, the candidate's turns, notes) scroll as in any
terminal; in a spoken interview a live area below them is redrawn four times a second:

    Requirements 03:12 / 10:00 · total 12:40 · hint level 1
    listening  mic ▮▮▮▯▯▯▯▯▯▯   space: end my turn · h: hint · q: end
    You: so the first thing I would ask is who the users are

Candidate text is shown as ``Text``, never parsed as markup: "[bold]" said aloud stays words.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from voice_interviewer.interview.scorecard_types import Scorecard
from voice_interviewer.messages import InterviewSnapshot
from voice_interviewer.text import safe_text
from voice_interviewer.ui.screen import PhaseClock, meter

STATE_STYLE = {"listening": "bold green", "thinking": "bold yellow", "speaking": "bold cyan"}
RATING_STYLE = {"Expert": "bold green", "Intermediate": "yellow", "Novice": "red"}
KEYS = "space: end my turn · h: hint · q: end"
REFRESH_PER_SECOND = 4


class RichScreen:
    """A ``Screen`` on a terminal; ``live`` adds the redrawn status area (spoken interviews)."""

    def __init__(
        self,
        now: Callable[[], float],
        *,
        out: TextIO | None = None,
        console: Console | None = None,
        live: bool = False,
        show_latency: bool = False,
        keys: bool = True,
    ) -> None:
        # rich turns colour off by itself when NO_COLOR is set.
        self.console = console or Console(file=out, highlight=False)
        self.clock = PhaseClock(now)
        self.show_latency = show_latency
        self.keys = keys
        self._lock = threading.RLock()
        self._state = "thinking"
        self._level = 0.0
        self._spoken: list[str] = []  # clauses of the reply being spoken
        self._heard: list[str] = []  # segments of the turn being recognised
        self._last_latency = ""
        self._header_shown = False  # a phase rule was just drawn: no status line before the reply
        self._live: Live | None = None
        if live:
            self._live = Live(
                self, console=self.console, refresh_per_second=REFRESH_PER_SECOND, transient=True
            )
            self._live.start()

    # --- the live area --------------------------------------------------------------------
    def __rich__(self) -> RenderableType:
        # No lock here: rich calls this from its refresh thread while holding its own lock,
        # and from a thread that prints while holding ours; taking ours would deadlock the
        # two. Copies of plain attributes are enough for a frame redrawn 4 times a second.
        spoken, heard, state = list(self._spoken), list(self._heard), self._state
        header = Text(self.clock.header(), style="bold")
        if self._last_latency:
            header.append(f" · last reply {self._last_latency}", style="dim")
        line = Text(f"{state:<9}", style=STATE_STYLE.get(state, ""))
        # The loudest frame since the last frame drawn, then falling: a short word still shows.
        level, self._level = self._level, self._level * 0.5
        line.append(f"  mic {meter(level)}")
        if self.keys:
            line.append(f"   {KEYS}", style="dim")
        lines: list[RenderableType] = [header, line]
        if spoken:
            lines.append(Text.assemble(("Interviewer: ", "bold cyan"), " ".join(spoken)))
        if heard:
            lines.append(Text.assemble(("You: ", "bold green"), (" ".join(heard), "italic")))
        return Group(*lines)

    # --- Screen ---------------------------------------------------------------------------
    def phase(self, snapshot: InterviewSnapshot, diagram: bool = False) -> None:
        with self._lock:
            self.clock.update(snapshot)
            self._flush_spoken()
            if self._live is None:
                self.console.rule(Text(self.clock.header(), style="bold"), style="blue")
            else:
                # Not a full-width rule: rich's live area, redrawn below, miscounts a line that
                # fills the terminal exactly and erases its second half (seen under tmux).
                self.console.print(Text(f"── {self.clock.header()} ──", style="bold blue"))
            self._header_shown = True
            if diagram and snapshot.diagram:
                self.console.print(Text(snapshot.diagram), style="dim")

    def status(self, snapshot: InterviewSnapshot) -> None:
        with self._lock:
            self.clock.update(snapshot)

    def hint(self, level: int) -> None:
        with self._lock:
            self._flush_spoken()
            self.console.print(Text(f"hint level {level} of 4", style="bold magenta"))

    def interviewer(self, text: str, final: bool = True) -> None:
        with self._lock:
            if not final and self._live is not None:
                self._spoken.append(text)
                return
            self._flush_spoken()
            if self._live is None and not self._header_shown:
                self.console.print(Text(self.clock.header(), style="dim"), justify="right")
            self._header_shown = False
            self._print_said("Interviewer: ", text, "bold cyan")

    def candidate(self, text: str, final: bool) -> None:
        with self._lock:
            if not final:
                if self._live is None:
                    self._print_said("You: ", text, "bold green")
                else:
                    self._heard.append(text)
                return
            self._heard = []
            self._print_said("You: ", text, "bold green")

    def state(self, name: str) -> None:
        with self._lock:
            if name != "speaking":
                self._flush_spoken()
            self._state = name

    def level(self, rms: float) -> None:
        with self._lock:
            self._level = max(rms, self._level)

    def latency(self, voice_to_voice_s: float, response_s: float | None) -> None:
        if not self.show_latency:
            return
        with self._lock:
            self._last_latency = f"{voice_to_voice_s * 1000:.0f} ms"
            line = f"  reply began {voice_to_voice_s * 1000:.0f} ms after you stopped"
            if response_s is not None:
                line += f" ({response_s * 1000:.0f} ms after the endpoint)"
            self._flush_spoken()
            self.console.print(Text(line, style="dim"))

    def note(self, text: str) -> None:
        with self._lock:
            self._flush_spoken()
            self.console.print(Text(text, style="dim"))

    def error(self, text: str) -> None:
        with self._lock:
            self._flush_spoken()
            self.console.print(Text(f"! {text}", style="bold red"))

    def scorecard(self, card: Scorecard) -> None:
        with self._lock:
            self._flush_spoken()
            self.console.print(scorecard_table(card))
            for title, items in (
                ("Strengths", card.strengths),
                ("To improve", card.improvements),
                ("Resources", card.resources),
            ):
                if items:
                    self.console.print(Text(title, style="bold"))
                    for item in items:
                        # Wrapped lines stay indented under the bullet.
                        self.console.print(Padding(Text(f"• {safe_text(item)}"), (0, 0, 0, 2)))

    def close(self) -> None:
        with self._lock:
            self._flush_spoken()
            live, self._live = self._live, None
        if live is not None:
            live.stop()

    # --- helpers --------------------------------------------------------------------------
    def _flush_spoken(self) -> None:
        """The reply that was being spoken moves from the live area into the scrollback."""
        if self._spoken:
            words, self._spoken = " ".join(self._spoken), []
            self._print_said("Interviewer: ", words, "bold cyan")

    def _print_said(self, who: str, text: str, style: str) -> None:
        self.console.print(Text.assemble((who, style), text))


def scorecard_table(card: Scorecard) -> Table:
    """The four rubric areas with their ratings, why, and the candidate's own words."""
    table = Table(title="Scorecard", show_lines=True, expand=True)
    table.add_column("Area", style="bold", ratio=2)
    table.add_column("Rating", ratio=2)
    table.add_column("Why", ratio=5)
    table.add_column("In your words", ratio=5)
    for area in card.areas:
        rating = Text(area.rating, style=RATING_STYLE.get(area.rating, ""))
        if area.lowered_by_hints:
            rating.append(" (hints)", style="dim")
        quotes = Text(
            "\n".join(f"“{safe_text(e.quote)}”" for e in area.evidence[:2]) or "-",
            style="italic",
        )
        # The prose may be an LLM's: no escape sequences reach the terminal.
        table.add_row(Text(area.title), rating, Text(safe_text(area.justification)), quotes)
    return table
