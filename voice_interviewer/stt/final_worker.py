"""Runs the final pass off the critical path: one small worker that yields to the live path.

Three things keep it out of the reply's way on a 2-core laptop:

1. **Priority.** The worker thread lowers its own scheduling priority (``nice``) before it
   builds the model, so CTranslate2's compute threads, created from it, inherit the priority.
   Under Linux's scheduler a nice-10 thread gets about a tenth of a core that a nice-0 thread
   also wants.
2. **A small worker.** The pass decodes on one CPU thread (``FinalPassConfig.cpu_threads``), so
   one core is always free for the live path, and on its own model instance, so it never
   queues in front of a live segment inside CTranslate2.
3. **Preemption between batches.** The live path marks its work with ``LiveActivity.busy()``;
   before each batched call the pass waits until the live path is idle.

And a deadline: when the next reply is due (the next turn's endpoint), ``expire`` drops every
earlier turn's pass that has not delivered yet, so a final text never arrives after the next
reply is due; that turn keeps its fast text (counted in ``stats``).

Wiring into the live loop (the runtime's part; all of it is these calls)::

    activity = LiveActivity()
    final = FinalPassWorker(lambda: FinalPass(final_pass_config), activity=activity,
                            on_result=control_queue.put)          # FinalTranscript
    with activity.busy(): transcript = stt.transcribe(...)        # each live segment
    with activity.busy(): ...                                     # reply generation + TTS
    # at turn k's endpoint, before the director answers it:
    final.expire(before_turn=k)
    final.submit(TurnAudio(k, segments_of_turn_k, terms, previous_text))
    # on the think thread, for each FinalTranscript r taken from the queue:
    session.revise_turn(r.turn_index, r.text)                     # words: r.words

``terms`` is ``stt.context.decoder_terms(content, problem)`` (or the director's
``session.vocabulary()`` once it returns the same); ``previous_text`` the interviewer's last
question. The live transcriber takes the same terms: ``stt.set_vocabulary(", ".join(terms))``.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass

from voice_interviewer.messages import FinalTranscript, TurnAudio
from voice_interviewer.stt.final_pass import FinalPass

log = logging.getLogger(__name__)


class LiveActivity:
    """Counts the live path's work in progress (segment STT, reply generation, synthesis)."""

    def __init__(self) -> None:
        self._busy = 0
        self._changed = threading.Condition()

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Mark a piece of live work; the final pass does not start a batch meanwhile."""
        with self._changed:
            self._busy += 1
        try:
            yield
        finally:
            with self._changed:
                self._busy -= 1
                self._changed.notify_all()

    @property
    def idle(self) -> bool:
        return self._busy == 0

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no live work is in progress; False if ``timeout`` passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: self._busy == 0, timeout)


class Expired(Exception):
    """The pass's result would arrive after the next reply is due; it was dropped."""


@dataclass
class FinalPassStats:
    """What the worker did: passes delivered, dropped as late, failed."""

    delivered: int = 0
    expired: int = 0
    failed: int = 0


@dataclass
class _Job:
    turn: TurnAudio
    future: Future[FinalTranscript | None]
    submitted: float
    expired: bool = False


class FinalPassWorker:
    """A thread that runs ``FinalPass.transcribe`` on submitted turns, one at a time, in order.

    ``make_pass`` builds the pass on the worker thread (after the priority is lowered).
    ``on_result`` is called on the worker thread with each delivered transcript; a future from
    ``submit`` also resolves to it, or to None when the pass expired or failed.
    """

    def __init__(
        self,
        make_pass: Callable[[], FinalPass],
        *,
        activity: LiveActivity | None = None,
        on_result: Callable[[FinalTranscript], None] | None = None,
        nice: int = 10,
        poll_s: float = 0.05,
    ) -> None:
        self.activity = activity or LiveActivity()
        self.on_result = on_result
        self.nice = nice
        self.poll_s = poll_s
        self.stats = FinalPassStats()
        self._make_pass = make_pass
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._pending: list[_Job] = []
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.final_pass: FinalPass | None = None
        self._thread = threading.Thread(target=self._run, name="final-pass", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float | None = None) -> FinalPass:
        """Block until the model is loaded; re-raises a load failure."""
        if not self._ready.wait(timeout):
            raise TimeoutError("the final pass's model did not load in time")
        if self._error is not None:
            raise RuntimeError(f"the final pass could not start: {self._error}") from self._error
        assert self.final_pass is not None
        return self.final_pass

    def submit(self, turn: TurnAudio) -> Future[FinalTranscript | None]:
        """Queue ``turn`` for the final pass."""
        job = _Job(turn, Future(), time.perf_counter())
        with self._lock:
            self._pending.append(job)
        self._jobs.put(job)
        return job.future

    def expire(self, before_turn: int) -> int:
        """The reply to turn ``before_turn`` is due: passes of earlier turns that have not
        delivered yet never will. Returns how many were dropped."""
        dropped = 0
        with self._lock:
            for job in self._pending:
                if job.turn.turn_index < before_turn and not job.expired:
                    job.expired = True
                    dropped += 1
        return dropped

    def close(self, timeout: float = 5.0) -> None:
        """Stop after the current pass; queued passes are dropped."""
        self.expire(before_turn=2**62)
        self._jobs.put(None)
        self._thread.join(timeout)

    # -- the worker thread -----------------------------------------------------------------

    def _run(self) -> None:
        try:
            _lower_priority(self.nice)
            self.final_pass = self._make_pass()
            self.final_pass.warm_up()
        except (RuntimeError, OSError, ValueError) as error:
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        while (job := self._jobs.get()) is not None:
            self._work(job)

    def _work(self, job: _Job) -> None:
        result: FinalTranscript | None = None
        try:
            if job.expired:
                raise Expired()
            result = self.final_pass.transcribe(  # type: ignore[union-attr]
                job.turn, between_batches=lambda: self._yield(job)
            )
        except Expired:
            result = None
        except (RuntimeError, ValueError) as error:
            log.warning("final pass of turn %d failed: %s", job.turn.turn_index, error)
            with self._lock:
                self.stats.failed += 1
        with self._lock:
            self._pending.remove(job)
            if result is not None and job.expired:
                result = None
            if result is None and job.expired:
                self.stats.expired += 1
            elif result is not None:
                self.stats.delivered += 1
                # Inside the lock: a result is handed over before a concurrent ``expire``
                # returns, or not at all.
                if self.on_result is not None:
                    self.on_result(result)
        job.future.set_result(result)

    def _yield(self, job: _Job) -> float:
        """Before a batch: stop if expired; wait while the live path works. Seconds waited."""
        t0 = time.perf_counter()
        while True:
            if job.expired:
                raise Expired()
            if self.activity.wait_idle(self.poll_s):
                return time.perf_counter() - t0


def _lower_priority(nice: int) -> None:
    """Lower the calling thread's priority (Linux: per thread; threads it starts inherit it)."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), nice))
    except OSError as error:  # not permitted in some sandboxes: run at normal priority
        log.info("final pass runs at normal priority: %s", error)
