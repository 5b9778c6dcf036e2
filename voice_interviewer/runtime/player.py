"""The player stage: hands the interviewer's audio to the sink and knows what was heard.

It writes whole clauses to the sink (the sink queues them), and keeps a ledger of what it
wrote, so that at a barge-in it can stop at once (``sink.flush``), tell exactly which words the
candidate heard, and, when the interruption turns out to be a backchannel ("mm-hm"), continue
from the sample where it stopped.
"""

from __future__ import annotations

import math
import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from voice_interviewer.audio.base import AudioSink
from voice_interviewer.messages import SpeechAudio
from voice_interviewer.runtime.generation import Generation
from voice_interviewer.session.recording import StereoRecorder

POLL_S = 0.02


@dataclass
class _Written:
    """A stretch of one clause handed to the sink, at a position in the sink's sample count."""

    clause: int  # index into the reply's clauses
    offset: int  # first sample of the clause in this stretch
    length: int
    start: int  # sink position (samples written before it)
    recorded: int = 0  # samples of it already in the recording


@dataclass(frozen=True)
class Heard:
    """What the candidate heard of one reply."""

    generation: int
    text: str
    full_text: str
    interrupted: bool


@dataclass
class _Reply:
    generation: int
    clauses: list[SpeechAudio] = field(default_factory=list)
    stretches: list[_Written] = field(default_factory=list)
    t_first_audio: float | None = None
    complete: bool = False
    cut: bool = False  # ``finish_clause`` dropped the clauses after the one sounding
    played: bool = False  # ``on_reply_played`` has been told


class Player:
    """Consumes ``SpeechAudio`` from ``queue``; call ``run`` in its own thread."""

    def __init__(
        self,
        sink: AudioSink,
        generation: Generation,
        clock: Callable[[], float],
        recorder: StereoRecorder | None = None,
        on_first_audio: Callable[[int, float], None] | None = None,
        queue_size: int = 64,
        on_reply_played: Callable[[int], None] | None = None,
    ) -> None:
        """``on_reply_played(generation)``: every sample of that reply has been played (called
        on the player thread, once per reply; not for a reply dropped by ``cancel``)."""
        self.sink = sink
        self.queue: queue.Queue[SpeechAudio] = queue.Queue(maxsize=queue_size)
        self._generation = generation
        self._clock = clock
        self._recorder = recorder
        self._on_first_audio = on_first_audio
        self._on_reply_played = on_reply_played
        self._lock = threading.Lock()
        self._written = 0  # samples handed to the sink, flushes subtracted
        self._reply: _Reply | None = None
        self._held: list[tuple[int, int]] = []  # (clause, offset) still to play after a hold
        self._holding = False
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self.idle_since = clock()
        # When the interviewer could be heard: [start, end] on the clock, end None while it
        # plays. Speakers mode judges each mic frame by the time it was captured, which on a
        # busy CPU can be well before the listen thread gets to it.
        self._spans: deque[list[float | None]] = deque(maxlen=64)
        self._spans_lock = threading.Lock()
        self.stale_dropped = 0
        self._finished_generation: int | None = None  # the last reply ``finished_reply`` took

    # --- state the other threads read ---------------------------------------------------
    @property
    def speaking(self) -> bool:
        return not self._idle.is_set()

    def heard_at(self, t: float) -> tuple[bool, float]:
        """Whether the interviewer was playing at session time ``t``, and if not, how long
        before ``t`` the last reply that had started by then ended (``inf``: none had)."""
        with self._spans_lock:
            spans = list(self._spans)
        for start, end in reversed(spans):
            assert start is not None
            if start <= t:
                if end is None or t < end:
                    return True, 0.0
                return False, t - end
        return False, math.inf

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the current reply has finished playing (or ``timeout``)."""
        return self._idle.wait(timeout)

    # --- control from the listening thread ----------------------------------------------
    def hold(self) -> None:
        """Barge-in onset: stop the sound now, keep the rest in case it was a backchannel."""
        with self._lock:
            if self._holding or self._reply is None:
                return
            self._holding = True
            self._written -= self.sink.flush()
            kept: list[_Written] = []
            for w in self._reply.stretches:
                played = max(0, min(w.length, self._written - w.start))
                if played < w.length:
                    self._held.append((w.clause, w.offset + played))
                if played:
                    w.length = played
                    kept.append(w)
            self._reply.stretches = kept

    def release(self) -> None:
        """The interruption was a backchannel: carry on from where playback stopped."""
        with self._lock:
            if not self._holding:
                return
            self._holding = False
            held, self._held = self._held, []
            for clause, offset in held:
                self._write(clause, offset)

    def finish_clause(self) -> bool:
        """Speakers mode, the candidate started talking: play the clause now sounding to its
        end, drop the rest of the reply (the caller has bumped its generation, so nothing more
        of it arrives) and go idle after it. False when no reply is playing."""
        with self._lock:
            reply = self._reply
            if reply is None or not self.speaking:
                return False
            self._written -= self.sink.flush()
            played = self._written
            kept: list[_Written] = []
            sounding: tuple[int, int] | None = None
            for w in reply.stretches:
                done = max(0, min(w.length, played - w.start))
                if 0 < done < w.length:
                    sounding = (w.clause, w.offset + done)
                if done:
                    w.length = done
                    kept.append(w)
            reply.stretches = kept
            reply.complete = reply.cut = True
            self._held = []
            self._holding = False
            if sounding is not None:
                self._write(*sounding)  # the rest of that clause, from where it is now
            return True

    def cancel(self) -> Heard | None:
        """Drop the current reply (its generation has been bumped); report what was heard."""
        with self._lock:
            self._progress()  # record what played up to now before the reply is dropped
            heard = self._heard(interrupted=True)
            dropped = self.sink.flush()
            self._written -= dropped
            self._held = []
            self._holding = False
            self._reply = None
            self._set_idle()
            return heard

    # --- the thread ---------------------------------------------------------------------
    def run(self) -> None:
        while not self._stop.is_set():
            try:
                audio = self.queue.get(timeout=POLL_S)
            except queue.Empty:
                audio = None
            with self._lock:
                if audio is not None:
                    self._accept(audio)
                self._progress()

    def stop(self) -> None:
        self._stop.set()

    def reply_done(self, generation: int) -> bool:
        """True once every clause of reply ``generation`` has been played (or it was dropped)."""
        with self._lock:
            if not self._generation.is_current(generation):
                return True
            reply = self._reply
            if reply is None or reply.generation != generation:
                # Taken by ``finished_reply`` already, or not started yet.
                return generation == self._finished_generation
            return (
                reply.complete and not self._holding and self.sink.samples_played >= self._written
            )

    def holds_reply(self, generation: int) -> bool:
        """Whether reply ``generation`` has reached the player and was not taken or dropped."""
        with self._lock:
            return self._reply is not None and self._reply.generation == generation

    def finished_reply(self) -> Heard | None:
        """The reply that just finished playing in full (call after ``wait_idle``)."""
        with self._lock:
            if self._reply is None or not self._reply.complete:
                return None
            self._progress()  # the last samples played since the thread's last poll: record them
            heard = self._heard(interrupted=self._reply.cut)
            self._finished_generation = self._reply.generation
            self._reply = None
            return heard

    # --- inside the lock ----------------------------------------------------------------
    def _accept(self, audio: SpeechAudio) -> None:
        if not self._generation.is_current(audio.generation):
            self.stale_dropped += 1
            return
        if self._reply is None or self._reply.generation != audio.generation:
            self._reply = _Reply(audio.generation)
        self._reply.clauses.append(audio)
        if audio.is_last:
            self._reply.complete = True
        index = len(self._reply.clauses) - 1
        if self._holding:
            self._held.append((index, 0))
        else:
            self._write(index, 0)

    def _write(self, clause: int, offset: int) -> None:
        assert self._reply is not None
        audio = self._reply.clauses[clause]
        pcm = audio.pcm[offset:]
        if not len(pcm):
            return
        if self._idle.is_set():
            with self._spans_lock:
                self._spans.append([self._clock(), None])
        self._idle.clear()
        self.sink.write(pcm, audio.sample_rate)
        if self._reply.t_first_audio is None:
            self._reply.t_first_audio = self._clock()
            if self._on_first_audio is not None:
                self._on_first_audio(audio.generation, self._reply.t_first_audio)
        self._reply.stretches.append(_Written(clause, offset, len(pcm), self._written))
        self._written += len(pcm)

    def _progress(self) -> None:
        played = self.sink.samples_played
        reply = self._reply
        if reply is not None and self._recorder is not None:
            now = self._clock()
            for w in reply.stretches:
                upto = min(played - w.start, w.length)
                if upto > w.recorded:
                    audio = reply.clauses[w.clause]
                    chunk = audio.pcm[w.offset + w.recorded : w.offset + upto]
                    rate = audio.sample_rate
                    # The chunk ended playing about now; place it by its length before that.
                    t = now - (played - (w.start + w.recorded)) / rate
                    self._recorder.interviewer(chunk, rate, t)
                    w.recorded = upto
        if self.speaking and not self._holding and played >= self._written:
            if reply is None or reply.complete:
                self._set_idle()
        if (
            reply is not None
            and reply.complete
            and not reply.played
            and not self._holding
            and played >= self._written
        ):
            reply.played = True
            if self._on_reply_played is not None:
                self._on_reply_played(reply.generation)

    def _set_idle(self) -> None:
        if not self._idle.is_set():
            self.idle_since = self._clock()
            with self._spans_lock:
                if self._spans and self._spans[-1][1] is None:
                    self._spans[-1][1] = self.idle_since
            self._idle.set()

    def _heard(self, interrupted: bool) -> Heard | None:
        reply = self._reply
        if reply is None:
            return None
        played_total = min(self.sink.samples_played, self._written)
        played = [0] * len(reply.clauses)
        for w in reply.stretches:
            played[w.clause] += max(0, min(w.length, played_total - w.start))
        heard: list[str] = []
        for audio, got in zip(reply.clauses, played, strict=True):
            if got >= len(audio.pcm):
                heard.append(audio.text)
                continue
            words = audio.text.split()
            cut = len(words) * got // max(1, len(audio.pcm))
            if cut:
                heard.append(" ".join(words[:cut]) + " ...")
            break
        full = " ".join(a.text for a in reply.clauses if a.text).strip()
        said = " ".join(h for h in heard if h).strip()
        return Heard(reply.generation, said, full, interrupted and said != full)


def silence(seconds: float, rate: int = 16_000) -> np.ndarray:
    return np.zeros(int(seconds * rate), dtype=np.int16)
