"""The think stage: a candidate turn -> the director's move -> the reply's clauses.

It gives each turn to the session (the director), renders the move (director's words or the
LLM's, streamed) and yields the reply clause by clause, so the speak stage starts on the first
clause while the rest is still being written. It also answers speculative requests (the turn
so far, at a pause) and applies the final pass's corrected transcripts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from voice_interviewer.messages import FinalTranscript, Move
from voice_interviewer.runtime.final_text import FinalText
from voice_interviewer.runtime.generation import Generation
from voice_interviewer.runtime.player import Player
from voice_interviewer.runtime.replies import Replies
from voice_interviewer.runtime.speculative import SpeculativeReplies
from voice_interviewer.runtime.stages import (
    Clause,
    InputEnded,
    Renderer,
    Say,
    Speculate,
    Splitter,
    TurnReady,
)
from voice_interviewer.runtime.unheard import AFTER_END, UnheardJournal
from voice_interviewer.session.events import TimingLine
from voice_interviewer.session.live import InterviewSession


class ThinkStage:
    """``Say`` / ``TurnReady`` / ``Speculate`` / ``FinalTranscript`` in; ``Clause`` out."""

    def __init__(
        self,
        session: InterviewSession,
        renderer: Renderer,
        stt: Any,
        splitter_factory: Callable[[], Splitter],
        generation: Generation,
        player: Player,
        replies: Replies,
        speculative: SpeculativeReplies,
        final_text: FinalText,
        unheard: UnheardJournal,
        awaiting_answer: threading.Event,
        emit: Callable[[str, dict[str, Any]], None],
        clock: Callable[[], float],
    ) -> None:
        self._session = session
        self._renderer = renderer
        self._stt = stt
        self._splitter_factory = splitter_factory
        self._generation = generation
        self._player = player
        self._replies = replies
        self._speculative = speculative
        self._final_text = final_text
        self._unheard = unheard
        self._awaiting = awaiting_answer
        self._emit = emit
        self._clock = clock

    def process(self, message: Any) -> Iterator[Any]:
        if isinstance(message, FinalTranscript):
            self._final_text.apply(message, self._speculative.speculator.revise)
            return
        if isinstance(message, InputEnded):
            yield message  # the last reply is already on its way to the speak stage
            return
        if isinstance(message, Say):
            move = message.move
            yield from self.say(move, self._generation.current, TimingLine(turn=move.turn))
            return
        self._speculative.undo_dropped(self._generation.is_current)
        if isinstance(message, Speculate):
            begun = self._speculative.begin(message, self._player.speaking)
            if begun is not None:
                generation, move, timing = begun
                yield from self.say(move, generation, timing, message.text, announce=False)
        elif isinstance(message, TurnReady):
            yield from self._answer(message)
        else:
            raise TypeError(f"think: unexpected {type(message).__name__}")

    def _answer(self, ready: TurnReady) -> Iterator[Clause]:
        turn = ready.turn
        if self._session.finished:
            start = turn.words[0].start if turn.words else turn.t_speech_end
            if start is not None and turn.t_speech_end is not None:
                self._unheard.note(start, turn.t_speech_end, AFTER_END, turn.text)
            return
        self._awaiting.clear()
        if self._player.speaking:  # a typed command while the interviewer talks
            self._generation.bump()
            self._replies.heard(self._player.cancel())
        generation = self._generation.bump()
        self._emit("candidate_turn", {"text": turn.text})
        move = self._session.respond(turn)
        timing = TimingLine(
            turn=move.turn,
            t_speech_end=turn.t_speech_end,
            t_endpoint=turn.t_endpoint,
            stt_last_segment_s=ready.stt_s,
            t_move=self._clock(),
        )
        yield from self.say(move, generation, timing, turn.text)
        self._final_text.answered(turn, move, self._session.decoder_terms())
        # While the candidate talks, a local LLM evaluates the new turns into its KV cache.
        self._renderer.refresh_cache()

    def say(
        self,
        move: Move,
        generation: int,
        timing: TimingLine,
        candidate_text: str = "",
        announce: bool = True,
    ) -> Iterator[Clause]:
        """Render ``move`` as reply ``generation``, clause by clause; stops when the
        generation is no longer current (a barge-in, a dropped speculation)."""
        move = replace(move, generation=generation)  # lets the renderer be interrupted
        self._replies.start(generation, move, timing)
        if announce:
            self._emit("move", {"move": move})
        terms = self._session.decoder_terms()
        if self._stt is not None and terms:
            self._stt.set_vocabulary(", ".join(terms))
        splitter = self._splitter_factory()
        authored = True
        first_text = first_clause = True
        for reply in self._renderer.render(move, candidate_text):
            if not self._generation.is_current(generation):
                return
            authored = authored and reply.authored
            if first_text and reply.text:
                self._replies.stamp(generation, t_first_text=self._clock())
                first_text = False
            for clause in splitter.process(reply):
                if first_clause:
                    self._replies.stamp(generation, t_first_clause=self._clock())
                    first_clause = False
                yield Clause(generation, clause)
        self._replies.stamp(generation, authored=authored)
        yield Clause(generation, "", last=True)
