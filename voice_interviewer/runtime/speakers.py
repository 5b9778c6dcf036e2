"""Speakers (half-duplex) mode: what the speech detector hears while the interviewer talks.

The mic hears the interviewer, so its frames cannot go to the detector while a reply plays or
its echo dies away (``echo_tail_ms``). They are not thrown away either (``overtalk.py``):

- the candidate starts talking over the interviewer: ``on_yield`` asks the interviewer to stop
  at the end of its clause, and once it is quiet the kept frames from just before the
  candidate's first syllable go to the detector, so the words reach STT in full;
- the candidate was still in a turn when the interviewer began (they went on after the
  endpoint): the detector keeps that turn open and, once the interviewer is quiet, hears the
  whole stretch in between (what was only echo replaced by silence), so the turn goes on or
  ends exactly as it would have;
- a short sound over the interviewer that was not a start of speech is journaled as unheard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voice_interviewer.audio.detector import SpeechDetector
from voice_interviewer.audio.endpointer import EndpointState
from voice_interviewer.messages import AudioFrame
from voice_interviewer.runtime.generation import Generation
from voice_interviewer.runtime.overtalk import OverTalk
from voice_interviewer.runtime.player import Heard, Player
from voice_interviewer.runtime.stages import Renderer
from voice_interviewer.runtime.unheard import OVER_INTERVIEWER, UnheardJournal


class SpeakersGate:
    """Decides, per mic frame, which frames the detector hears; listen thread only."""

    def __init__(
        self,
        player: Player,
        detector: SpeechDetector,
        overtalk: OverTalk,
        unheard: UnheardJournal,
        echo_tail_s: float,
        on_yield: Callable[[float], None],
        on_reopen: Callable[[], None],
    ) -> None:
        self._player = player
        self._detector = detector
        self._overtalk = overtalk
        self._unheard = unheard
        self._tail = echo_tail_s
        self._on_yield = on_yield
        self._on_reopen = on_reopen
        self._open = True
        self._turn_open_since: float | None = None  # the detector's turn spans the closed gate

    def frames(self, frame: AudioFrame) -> list[AudioFrame]:
        """The frames the detector hears now, in order (none while the gate is closed)."""
        # Judged at the frame's capture time, not now: on a busy CPU the listen thread can
        # get to a frame seconds late, after a reply has started or ended.
        playing, since_end = self._player.heard_at(frame.t)
        if playing or since_end < self._tail:
            if self._open:
                self._close(frame)
            step = self._overtalk.push(frame, None if playing else since_end)
            if step.onset:
                self._on_yield(step.t)
            return []
        if self._open:
            return [frame]
        self._open = True
        kept = self._overtalk.reopen(self._turn_open_since)
        for stretch in self._overtalk.take_claimed():
            self._unheard.note(stretch.t_start, stretch.t_end, OVER_INTERVIEWER)
        self._turn_open_since = None
        self._on_reopen()
        return [*kept, frame]

    def _close(self, frame: AudioFrame) -> None:
        self._open = False
        if self._detector.in_turn:
            # The candidate went on after the endpoint and the reply started anyway: keep the
            # turn; the detector hears the frames in between when the gate opens again.
            self._turn_open_since = frame.t
            if self._detector.state is EndpointState.SPEECH:
                self._on_yield(frame.t)  # they are talking right now
        else:
            self._detector.reset()


class YieldToCandidate:
    """Speakers mode: the candidate talks over the interviewer, who finishes its clause and
    stops; the rest of the reply is dropped (its generation is bumped). What was heard of it
    is journaled when the gate opens again (``reopened``)."""

    def __init__(
        self,
        player: Player,
        generation: Generation,
        renderer: Renderer,
        heard: Callable[[Heard | None], None],
        emit: Callable[[str, dict[str, Any]], None],
    ) -> None:
        self._player = player
        self._generation = generation
        self._renderer = renderer
        self._heard = heard
        self._emit = emit
        self._yielded: int | None = None  # the generation of a reply that yielded mid-way

    def now(self, t: float) -> None:
        if not self._player.speaking:
            return
        old = self._generation.current
        self._generation.bump()
        self._renderer.interrupt(old)
        if self._player.finish_clause():
            self._yielded = old
            self._emit("yield", {"t": t})

    def reopened(self) -> None:
        if self._yielded is not None:
            self._yielded = None
            self._heard(self._player.finished_reply())
