"""The transcribe stage: speech segments -> transcripts -> the candidate's turn.

Each segment is transcribed as soon as a pause ends it (DESIGN.md), so at the endpoint only
the last one remains. The stage assembles the turn from the segments' transcripts, leaving
out backchannels the interviewer talked on through, resolves barge-in holds on the words,
asks for a speculative reply at each pause and commits it at the endpoint. No speech is
lost silently: a segment with no words, a turn spoken while playback was held and not
resolved, is journaled as unheard.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from voice_interviewer.messages import CandidateTurn, SpeechSegment, Transcript, TurnEnded
from voice_interviewer.runtime.bargein import BargeIn
from voice_interviewer.runtime.final_text import FinalText
from voice_interviewer.runtime.player import Player
from voice_interviewer.runtime.speculative import SpeculativeReplies
from voice_interviewer.runtime.stages import InputEnded, SegmentHeard, TurnReady
from voice_interviewer.runtime.unheard import BACKCHANNEL, UNRESOLVED, UnheardJournal


class TurnAssembly:
    """The transcripts of the turn in progress."""

    def __init__(self) -> None:
        self.parts: list[Transcript] = []

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.parts).strip()

    def add(self, transcript: Transcript) -> None:
        self.parts.append(transcript)

    def take_last(self, n: int) -> list[Transcript]:
        """Remove and return the last ``n`` transcripts (a backchannel's)."""
        taken = self.parts[-n:]
        del self.parts[-n:]
        return taken

    def finish(self, ended: TurnEnded) -> CandidateTurn:
        """The turn as it stands at the endpoint; the assembly starts afresh."""
        words = tuple(w for p in self.parts for w in p.words)
        turn = CandidateTurn(
            text=self.text,
            t_speech_end=ended.t_speech_end,
            t_endpoint=ended.t_endpoint,
            words=words,
        )
        self.parts = []
        return turn


class TranscribeStage:
    """``SpeechSegment`` / ``TurnEnded`` in; ``SegmentHeard`` (to listen), ``Speculate`` and
    ``TurnReady`` (to think) out."""

    def __init__(
        self,
        stt: Any,
        player: Player,
        barge_in: BargeIn,
        speculative: SpeculativeReplies,
        final_text: FinalText,
        unheard: UnheardJournal,
        awaiting_answer: threading.Event,
        emit: Any,
        *,
        headset: bool,
    ) -> None:
        self._stt = stt
        self._player = player
        self._barge_in = barge_in
        self._speculative = speculative
        self._final_text = final_text
        self._unheard = unheard
        self._awaiting = awaiting_answer
        self._emit = emit
        self._headset = headset
        self._turn = TurnAssembly()
        self._last_stt: float | None = None

    def process(self, message: Any) -> Iterator[Any]:
        if isinstance(message, SpeechSegment):
            yield from self._segment(message)
        elif isinstance(message, TurnEnded):
            yield from self._turn_ended(message)
        elif isinstance(message, InputEnded):
            yield message
        else:
            raise TypeError(f"transcribe: unexpected {type(message).__name__}")

    def _segment(self, segment: SpeechSegment) -> Iterator[Any]:
        self._final_text.segment(segment)
        start = segment.pcm_start if segment.pcm_start is not None else segment.t_start
        transcript = self._stt.transcribe(segment.pcm, start, sample_rate=segment.sample_rate)
        self._last_stt = transcript.stt_seconds
        yield SegmentHeard(transcript.text, segment.t_end)
        if not transcript.text:
            self._unheard.no_words(segment.pcm, segment.t_start, segment.t_end)
        else:
            self._turn.add(transcript)
            self._emit("candidate_partial", {"text": transcript.text})
            self._barge_in.words_after_release()
        # Spoken over a reply still playing (headset mode): judged even without a hold.
        over_reply = (
            self._headset and self._player.speaking and self._player.heard_at(segment.t_start)[0]
        )
        self._take_backchannel(self._barge_in.resolve(transcript.text, over_reply), segment)
        blocked = (
            self._barge_in.holding is not None
            or self._barge_in.backchannel_turn
            or self._player.speaking
        )
        request = None if blocked else self._speculative.request(self._turn.text, self._last_stt)
        if request is not None:
            yield request

    def _take_backchannel(self, said: list[str], segment: SpeechSegment) -> None:
        """A backchannel the interviewer talked on through is not part of the candidate's
        turn: take its words out of the turn and journal it as such."""
        n = sum(1 for text in said if text)
        if not n:
            return
        taken = self._turn.take_last(n)
        text = " ".join(p.text for p in taken)
        self._unheard.note(taken[0].t_start, segment.t_end, BACKCHANNEL, text)

    def _turn_ended(self, ended: TurnEnded) -> Iterator[Any]:
        self._speculative.turn_ended()
        self._final_text.turn_ended(ended)
        turn = self._turn.finish(ended)
        # A backchannel's words already left the turn when it was resolved; a turn of
        # nothing else is empty now.
        self._barge_in.take_backchannel_turn()
        if not turn.text:
            self._barge_in.resolve("")
            # Only when the interviewer is quiet: said mid-reply, it would tell a replay
            # to answer over the reply.
            if not self._player.speaking:
                self._awaiting.set()
            return
        if self._barge_in.holding is not None:
            start = float(turn.words[0].start) if turn.words else ended.t_speech_end
            self._unheard.note(start, ended.t_speech_end, UNRESOLVED, turn.text)
            return
        if not self._speculative.commit(turn, self._last_stt):
            yield TurnReady(turn, self._last_stt)
