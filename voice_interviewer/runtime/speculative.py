"""The speculation policy: when the loop answers at a pause, and what becomes of that answer.

``Speculator`` (speculation.py) holds one speculative reply and its audio; this policy decides
around it, for the three stages that touch it: transcribe asks for a speculation at a pause
and commits it at the endpoint, listen drops it when the candidate speaks again, think begins
it and takes a dropped one back out of the renderer's history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voice_interviewer.messages import CandidateTurn, Move
from voice_interviewer.runtime.final_text import FinalText
from voice_interviewer.runtime.replies import Replies
from voice_interviewer.runtime.speculation import Speculator
from voice_interviewer.runtime.stages import Renderer, Speculate
from voice_interviewer.session.events import TimingLine
from voice_interviewer.session.live import InterviewSession
from voice_interviewer.text import ends_with_phrase


class SpeculativeReplies:
    """See the module docstring; one per loop."""

    def __init__(
        self,
        speculator: Speculator,
        session: InterviewSession,
        renderer: Renderer,
        replies: Replies,
        final_text: FinalText,
        emit: Callable[[str, dict[str, Any]], None],
        clock: Callable[[], float],
        *,
        enabled: bool,
        hold_phrases: tuple[str, ...],
    ) -> None:
        self.speculator = speculator
        self._session = session
        self._renderer = renderer
        self._replies = replies
        self._final_text = final_text
        self._emit = emit
        self._clock = clock
        self._enabled = enabled
        self._hold_phrases = hold_phrases
        self._turn_serial = 0  # turns ended so far; a speculation for an older one is skipped
        self._undo: tuple[int, object] | None = None  # (generation, renderer checkpoint)

    # --- transcribe stage ------------------------------------------------------------------
    def request(self, text: str, stt_s: float | None) -> Speculate | None:
        """A pause ended a segment of the turn so far, ``text``: ask think to answer it."""
        if not (self._enabled and text):
            return None
        # A trailing "so" / "um" means more is coming: don't spend the CPU.
        if ends_with_phrase(text, self._hold_phrases):
            return None
        return Speculate(text, self._turn_serial, stt_s)

    def turn_ended(self) -> None:
        self._turn_serial += 1

    def commit(self, turn: CandidateTurn, stt_s: float | None) -> bool:
        """At the endpoint: play the speculative reply if it answered exactly this turn."""

        def stamp(generation: int) -> None:
            # Before any audio plays: the first-audio callback journals this timing.
            self._replies.stamp(
                generation,
                t_speech_end=turn.t_speech_end,
                t_endpoint=turn.t_endpoint,
                stt_last_segment_s=stt_s,
                speculative=True,
            )

        committed = self.speculator.commit(turn.text, turn, before_play=stamp)
        if committed is None:
            self.drop()
            return False
        _, move = committed
        self._emit("candidate_turn", {"text": turn.text})
        self._emit("move", {"move": move})
        self._final_text.answered(turn, move, self._session.decoder_terms())
        return True

    # --- listen and transcribe stages ------------------------------------------------------
    def drop(self) -> bool:
        """Drop a pending speculation and stop its reply's LLM call at once: on two cores a
        local model still evaluating the prompt would hold up the STT and the real reply."""
        dropped = self.speculator.cancel()
        if dropped is None:
            return False
        self._renderer.interrupt(dropped)
        return True

    # --- think stage -----------------------------------------------------------------------
    def begin(self, item: Speculate, speaking: bool) -> tuple[int, Move, TimingLine] | None:
        """Fork the director on the turn so far; None when that turn already ended (answered
        the usual way), the interview is over or the interviewer talks."""
        if item.serial != self._turn_serial or self._session.finished or speaking:
            return None
        token = self._renderer.checkpoint()
        generation, move = self.speculator.begin(item.text)
        self._undo = (generation, token)
        timing = TimingLine(turn=move.turn, stt_last_segment_s=item.stt_s, t_move=self._clock())
        return generation, move, timing

    def undo_dropped(self, is_current: Callable[[int], bool]) -> None:
        """The renderer's history must not keep a speculative reply that was never spoken."""
        if self._undo is None:
            return
        generation, token = self._undo
        if not self.speculator.was_committed(generation):
            if is_current(generation):
                return  # still pending: the endpoint has not come yet
            self._renderer.restore(token)
        self._undo = None
