"""The speaking side: clauses -> audio (speak stage), and what follows a reply (reply end).

The player (player.py) plays the audio on its own thread and tells, through ``ReplyPlayed``,
when every sample of a reply has been played; the reply-end stage then journals what was
heard and hands the turn to the candidate, or ends the interview.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from voice_interviewer.messages import SpeechAudio
from voice_interviewer.runtime.generation import Generation
from voice_interviewer.runtime.player import Player
from voice_interviewer.runtime.replies import Replies
from voice_interviewer.runtime.stages import Clause, InputEnded, ReplyPlayed, Speech

_EMPTY = np.zeros(0, dtype=np.int16)


class SpeakStage:
    """``Clause`` in; ``SpeechAudio`` out (stale clauses never reach it: its inbox drops
    them; a clause whose reply goes stale mid-synthesis stops there)."""

    def __init__(self, tts: Speech, generation: Generation, replies: Replies) -> None:
        self._tts = tts
        self._generation = generation
        self._replies = replies

    def process(self, clause: Clause) -> Iterator[SpeechAudio]:
        generation = clause.generation
        if clause.text:
            t0 = time.perf_counter()
            first = True
            for audio in self._tts.synthesize(clause.text):
                if not self._generation.is_current(generation):
                    return
                if first:  # the reply's first chunk is its first clause's
                    self._replies.stamp(
                        generation, first=True, tts_first_chunk_s=time.perf_counter() - t0
                    )
                    first = False
                yield replace(audio, generation=generation, is_last=False)
        if clause.last:
            yield SpeechAudio(_EMPTY, 16_000, "", is_last=True, generation=generation)


class ReplyEndStage:
    """``ReplyPlayed`` / ``InputEnded`` in; nothing out. Calls ``finish`` when the interview
    is over, or when the source has ended and the last reply has played."""

    def __init__(
        self,
        player: Player,
        generation: Generation,
        replies: Replies,
        awaiting_answer: threading.Event,
        emit: Callable[[str, dict[str, Any]], None],
        finish: Callable[[], None],
    ) -> None:
        self._player = player
        self._generation = generation
        self._replies = replies
        self._awaiting = awaiting_answer
        self._emit = emit
        self._finish = finish
        self._input_ended = False

    def process(self, message: Any) -> tuple[()]:
        if isinstance(message, InputEnded):
            self._input_ended = True
            if self._player.reply_done(self._generation.current):
                self._finish()
        elif isinstance(message, ReplyPlayed):
            self._played(message.generation)
        else:
            raise TypeError(f"reply end: unexpected {type(message).__name__}")
        return ()

    def _played(self, generation: int) -> None:
        if not self._generation.is_current(generation):
            return  # interrupted, yielded or superseded: journaled where that happened
        self._replies.heard(self._player.finished_reply())
        move = self._replies.move(generation)
        if move is not None and move.ends_interview:
            self._finish()
            return
        self._awaiting.set()
        self._emit("listening", {})
        if self._input_ended:
            self._finish()
