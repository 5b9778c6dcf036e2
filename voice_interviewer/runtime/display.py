"""The live terminal display of a spoken interview: the loop's events, shown on a ``Screen``.

Shown as they happen: the phase with its clock and the whole interview's, the interviewer's
words clause by clause as they are spoken, the candidate's words as each segment is
recognised and then the whole turn (and the final pass's re-reading of it when it heard
something else), listening / thinking / speaking, the input level (fed by
``MeteredSource``), the hint level, the seed's architecture diagram when a phase that uses it
begins, and each turn's latency when asked for (--show-latency). What it looks like is the
screen's business (voice_interviewer/ui/).
"""

from __future__ import annotations

from typing import Any, TextIO

from voice_interviewer.audio.base import AudioSource
from voice_interviewer.messages import AudioFrame, Move, MoveKind
from voice_interviewer.session.live import InterviewSession
from voice_interviewer.text import safe_text
from voice_interviewer.ui import Screen, make_screen
from voice_interviewer.ui.screen import rms_level


class TerminalDisplay:
    """Receives the loop's events (``on_event``) and shows them on a screen."""

    def __init__(
        self,
        session: InterviewSession,
        out: TextIO | None = None,
        show_latency: bool = False,
        screen: Screen | None = None,
        keys: bool = True,
    ) -> None:
        self.session = session
        self.screen = screen or make_screen(
            lambda: session.clock.now(), out=out, live=True, show_latency=show_latency, keys=keys
        )
        self._phase = ""
        self._timing: dict[str, Any] | None = None

    def on_event(self, kind: str, data: dict[str, Any]) -> None:
        """One loop event (``VoiceLoop``'s ``on_event``); unknown kinds are ignored."""
        handler = getattr(self, f"_on_{kind}", None)
        if handler is not None:
            handler(data)

    def close(self) -> None:
        self.screen.close()

    def _on_move(self, data: dict[str, Any]) -> None:
        move: Move = data["move"]
        view = self.session.snapshot()
        if view.phase != self._phase or move.kind in (MoveKind.GREETING, MoveKind.PHASE_CHANGE):
            self._phase = view.phase
            self.screen.phase(view, diagram=move.kind == MoveKind.PHASE_CHANGE)
        else:
            self.screen.status(view)
        if move.kind == MoveKind.HINT:
            self.screen.hint(view.hint_level_earned)

    def _on_speaking(self, data: dict[str, Any]) -> None:
        self.screen.state("speaking")
        self.screen.interviewer(safe_text(data["text"]), final=False)

    def _on_listening(self, data: dict[str, Any]) -> None:
        self.screen.state("listening")
        timing, self._timing = self._timing, None
        if timing is not None and timing.get("voice_to_voice") is not None:
            self.screen.latency(timing["voice_to_voice"], timing.get("response_latency"))

    def _on_candidate_partial(self, data: dict[str, Any]) -> None:
        self.screen.candidate(safe_text(data["text"]), final=False)

    def _on_candidate_turn(self, data: dict[str, Any]) -> None:
        self.screen.candidate(safe_text(data["text"]), final=True)
        self.screen.state("thinking")

    def _on_candidate_final(self, data: dict[str, Any]) -> None:
        # The final pass's accurate re-reading of a turn, shown only when it heard otherwise.
        if data.get("changed"):
            self.screen.note(f"You (final): {safe_text(data['text'])}")

    def _on_barge_in(self, data: dict[str, Any]) -> None:
        self.screen.state("listening")
        self.screen.note("[interrupted]")

    def _on_yield(self, data: dict[str, Any]) -> None:
        self.screen.state("listening")
        self.screen.note("[the interviewer stops at the end of the sentence: go ahead]")

    def _on_unheard(self, data: dict[str, Any]) -> None:
        # Never silent: the candidate sees that something they said was not taken in, and why
        # (a backchannel is what it meant to be: nothing to say about it).
        if data["reason"] == "backchannel":
            return
        said = f' "{safe_text(data["text"])}"' if data.get("text") else ""
        self.screen.note(f"(not taken as an answer{said}: {data['why']})")

    def _on_timing(self, data: dict[str, Any]) -> None:
        self._timing = data  # shown once the reply has been spoken, not in the middle of it

    def _on_error(self, data: dict[str, Any]) -> None:
        self.screen.error(safe_text(str(data["message"])))


class MeteredSource:
    """An ``AudioSource`` that reports each frame's level to a screen on its way to the loop.

    Wrapping the source keeps the meter out of the voice loop: the level is a display
    concern, and one RMS per 20 ms frame costs microseconds.
    """

    def __init__(self, source: AudioSource, screen: Screen) -> None:
        self.source = source
        self.screen = screen

    def read(self, timeout: float | None = None) -> AudioFrame | None:
        frame = self.source.read(timeout)
        if frame is not None:
            self.screen.level(rms_level(frame.pcm))
        return frame

    def __getattr__(self, name: str) -> Any:
        # sample_rate, overruns, ended, start, stop: the wrapped source's own.
        return getattr(self.source, name)
