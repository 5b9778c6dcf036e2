"""The accurate final pass in the live loop: each turn re-read while the interviewer speaks.

The calls are those of ``stt/final_worker.py``'s module docstring, placed in the loop:

- the live path's work (segment STT, reply generation, synthesis) is marked busy on a
  ``LiveActivity`` by wrapping those parts in ``LiveMarked``, so the pass never starts a
  batch while the live path works;
- the stt thread hands every segment to ``segment`` and every turn end to ``turn_ended``;
- once the director has answered turn ``k`` (on the stt thread for a committed speculation, on
  the think thread otherwise) ``answered`` drops the passes of earlier turns still undelivered
  (``expire(before_turn=k)``: the next reply is due, a late final text is not wanted) and
  submits turn ``k``'s audio with the problem's terms and the interviewer's last question;
- the worker hands each result to ``deliver``, which wakes the think thread; the think thread
  calls ``apply``, which revises the turn through the given ``revise`` (the speculator's, so a
  pending speculation's fork of the director gets it too) and shows the final text.

At the loop's end ``finish`` waits a little for the passes still running, so the last turns
get their final text too; a pass that does not make it leaves its turn's fast text.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from voice_interviewer.messages import (
    CandidateTurn,
    FinalTranscript,
    Move,
    SpeechSegment,
    TurnAudio,
    TurnEnded,
)
from voice_interviewer.runtime.runner import Mailbox
from voice_interviewer.stt.final_worker import FinalPassWorker, LiveActivity
from voice_interviewer.text import normalize

log = logging.getLogger(__name__)


class LiveMarked:
    """A live-path part (transcriber, renderer, voice) whose named calls mark ``activity``
    busy while they run; every other attribute is the wrapped part's.

    ``calls`` return a value; ``streams`` return an iterator, busy until it is exhausted or
    closed (a reply dropped mid-way by a barge-in closes its generator)."""

    def __init__(
        self,
        inner: Any,
        activity: LiveActivity,
        calls: tuple[str, ...] = (),
        streams: tuple[str, ...] = (),
    ) -> None:
        self.inner = inner
        self._activity = activity
        self._calls = calls
        self._streams = streams

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if name in self._calls:
            return self._call(attr)
        if name in self._streams:
            return self._stream(attr)
        return attr

    def _call(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def marked(*args: Any, **kwargs: Any) -> Any:
            with self._activity.busy():
                return fn(*args, **kwargs)

        return marked

    def _stream(self, fn: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        def marked(*args: Any, **kwargs: Any) -> Iterator[Any]:
            with self._activity.busy():
                yield from fn(*args, **kwargs)

        return marked


class FinalText:
    """Feeds the final-pass worker from the loop and brings its results back; see the module
    docstring. With ``worker`` None (the pass is off) every call is a no-op."""

    def __init__(
        self,
        worker: FinalPassWorker | None,
        wake: Mailbox,
        emit: Callable[[str, dict[str, Any]], None],
    ) -> None:
        self.worker = worker
        self.activity = worker.activity if worker is not None else LiveActivity()
        self._wake = wake
        self._emit = emit
        self._lock = threading.Lock()
        self._segments: list[SpeechSegment] = []
        self._ended: dict[float, tuple[SpeechSegment, ...]] = {}
        self._futures: list[Future[FinalTranscript | None]] = []
        self._overflow: list[FinalTranscript] = []
        self._fast_text: dict[int, str] = {}
        self._previous_text = ""
        self._applied: set[int] = set()
        self.revised = 0
        """Turns whose final text replaced the fast one."""
        if worker is not None:
            worker.on_result = self.deliver

    @property
    def enabled(self) -> bool:
        return self.worker is not None

    def marked(self, part: Any, calls: tuple[str, ...] = (), streams: tuple[str, ...] = ()) -> Any:
        """``part`` wrapped so its live work holds the final pass back (as is when it is off)."""
        if self.worker is None or part is None:
            return part
        return LiveMarked(part, self.activity, calls, streams)

    # -- the stt thread ------------------------------------------------------------------------
    def segment(self, segment: SpeechSegment) -> None:
        """A segment of the turn in progress (in order)."""
        if self.worker is not None:
            with self._lock:
                self._segments.append(segment)

    def turn_ended(self, event: TurnEnded) -> None:
        """The turn is over: its segments wait for the director's answer (``answered``)."""
        if self.worker is None:
            return
        with self._lock:
            segments, self._segments = tuple(self._segments), []
            if segments:
                self._ended[event.t_endpoint] = segments

    # -- the stt or think thread ---------------------------------------------------------------
    def answered(self, turn: CandidateTurn, move: Move, terms: tuple[str, ...]) -> None:
        """The director answered ``turn`` with ``move``: re-read the turn, and give up on earlier
        turns' passes (the reply to this one is due now)."""
        if self.worker is None or turn.t_endpoint is None:
            return
        index = move.turn - 1  # the candidate's turn is recorded just before the reply
        with self._lock:
            segments = self._ended.pop(turn.t_endpoint, ())
            for t in [t for t in self._ended if t < turn.t_endpoint]:
                del self._ended[t]  # turns that were never answered (backchannels, silence)
            previous = self._previous_text
            self._fast_text[index] = turn.text
        dropped = self.worker.expire(before_turn=index)
        if dropped:
            log.info(
                "final pass: %d earlier turn(s) keep their fast text (next reply due)", dropped
            )
        if not segments:
            return
        future = self.worker.submit(
            TurnAudio(index, segments, terms, previous, generation=move.generation)
        )
        with self._lock:
            self._futures = [f for f in self._futures if not f.done()] + [future]

    # -- the player thread ---------------------------------------------------------------------
    def interviewer_said(self, text: str) -> None:
        """The interviewer's reply began to play: the context the next turn is decoded with."""
        with self._lock:
            self._previous_text = text

    # -- the worker thread ---------------------------------------------------------------------
    def deliver(self, result: FinalTranscript) -> None:
        """A final text is ready: wake the think thread (never blocks the worker)."""
        try:
            self._wake.put_nowait(result)
        except queue.Full:
            with self._lock:
                self._overflow.append(result)

    # -- the think thread ----------------------------------------------------------------------
    def apply(self, result: FinalTranscript, revise: Callable[[int, str], None]) -> None:
        """Replace the turn's fast text with ``result`` (and anything that overflowed before)."""
        with self._lock:
            results, self._overflow = [*self._overflow, result], []
        for r in results:
            self._revise(r, revise)

    def pending(self) -> list[FinalTranscript]:
        """Results that found the think thread's queue full (applied with the next one)."""
        with self._lock:
            results, self._overflow = self._overflow, []
        return results

    def _revise(self, result: FinalTranscript, revise: Callable[[int, str], None]) -> None:
        if result.turn_index in self._applied:
            return
        self._applied.add(result.turn_index)
        text = result.text.strip()
        if not text:
            # The pass heard no speech where the live path heard some: keep the live words.
            log.info("final pass of turn %d found no words; the fast text stays", result.turn_index)
            return
        with self._lock:
            fast = self._fast_text.pop(result.turn_index, "")
        revise(result.turn_index, text)
        self.revised += 1
        self._emit(
            "candidate_final",
            {
                "turn": result.turn_index,
                "text": text,
                "changed": normalize(text) != normalize(fast),
            },
        )

    # -- the end -------------------------------------------------------------------------------
    def finish(self, timeout: float, revise: Callable[[int, str], None]) -> None:
        """After the loop's threads stopped: wait up to ``timeout`` s for the passes still due
        and apply them (on the calling thread, the only one left touching the session)."""
        if self.worker is None:
            return
        with self._lock:
            futures = list(self._futures)
        results = self.pending()
        while True:  # what reached the think thread's queue after it stopped
            try:
                item = self._wake.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, FinalTranscript):
                results.append(item)
        for r in results:
            self._revise(r, revise)
        deadline = time.monotonic() + timeout
        for future in futures:
            try:
                result = future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                log.info("final pass still running at the end; the turn keeps its fast text")
                continue
            if result is not None:
                self._revise(result, revise)
