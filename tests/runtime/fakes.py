"""Scripted stand-ins for the voice loop's models and hardware, with the real method signatures.

- ``ScriptedSource``: a microphone paced in real time on the session clock; candidate
  utterances start at fixed times or when an event fires, and an optional echo path mixes in
  what a sink just played (laptop speakers heard by the laptop mic).
- ``ScriptedSTT``: says, for each segment, the text of the utterance the segment overlaps.
- ``FakeTTS``: a voice-like sound per sentence (webrtcvad calls it speech), with per-sentence
  synthesis delays, and a registry to tell which sentence a written chunk came from.
- ``ScriptedRenderer``: short lines per move kind, so replies take seconds, not minutes.
- ``LockedSink``: ``MemorySink`` made safe to read from the test thread, with a log of flushes.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from audio.synth import vowel  # tests/ is on sys.path (rootdir-based imports)

from voice_interviewer.audio.base import Pacer
from voice_interviewer.audio.memory import MemorySink
from voice_interviewer.audio.resample import resample
from voice_interviewer.messages import (
    AudioFrame,
    Move,
    MoveKind,
    ReplyText,
    SpeechAudio,
    Transcript,
    Word,
)
from voice_interviewer.text import ClauseRules
from voice_interviewer.tts.clauses import split_text

SR = 16_000


def rms_dbfs(pcm: np.ndarray) -> float:
    x = np.asarray(pcm, dtype=np.float64)
    if np.asarray(pcm).dtype == np.int16:
        x = x / 32768.0
    return 20 * float(np.log10(max(float(np.sqrt(np.mean(x * x))) if len(x) else 0.0, 1e-10)))


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, step: float = 0.005) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` real seconds have passed."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


# --- the sink -------------------------------------------------------------------------------
class LockedSink(MemorySink):
    """A ``MemorySink`` whose every call holds one lock, so a test thread may read it while the
    player thread writes; logs each flush as (clock time, samples played, samples dropped)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lock = threading.RLock()
        self.flush_log: list[tuple[float, int, int]] = []
        self.write_log: list[tuple[float, int]] = []  # (clock time, index into ``written``)

    @property
    def samples_played(self) -> int:
        with self.lock:
            return MemorySink.samples_played.fget(self)  # type: ignore[attr-defined]

    def start(self) -> None:
        with self.lock:
            super().start()

    def write(self, pcm: np.ndarray, sample_rate: int) -> None:
        with self.lock:
            self.write_log.append((self._clock(), len(self.written)))
            super().write(pcm, sample_rate)

    def flush(self) -> int:
        with self.lock:
            played = MemorySink.samples_played.fget(self)  # type: ignore[attr-defined]
            dropped = super().flush()
            self.flush_log.append((self._clock(), played, dropped))
            return dropped

    def wait_idle(self, timeout: float | None = None) -> bool:
        with self.lock:
            return super().wait_idle(timeout)

    def stop(self) -> None:
        with self.lock:
            super().stop()

    def heard_audio(self, sample_rate: int = SR) -> np.ndarray:
        with self.lock:
            return super().heard_audio(sample_rate)

    def heard_since(self, index: int) -> list[Any]:
        with self.lock:
            return list(self.heard[index:])


# --- the microphone -------------------------------------------------------------------------
@dataclass
class Utterance:
    """Something the candidate says: at ``at`` seconds after the source starts, or ``delay``
    seconds after ``after`` is set (as the source sees it, frame by frame)."""

    text: str
    audio: np.ndarray
    at: float | None = None
    after: threading.Event | None = None
    delay: float = 0.0
    started: float | None = None
    """Session-clock time of its first sample (filled in when it starts)."""
    ended: float | None = None
    _due: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if (self.at is None) == (self.after is None):
            raise ValueError("give exactly one of at= and after=")


class ScriptedSource:
    """An ``AudioSource`` on the session clock: frames at real-time pace, utterances in order."""

    def __init__(
        self,
        clock: Callable[[], float],
        utterances: Sequence[Utterance],
        *,
        echo: LockedSink | None = None,
        echo_gain: float = 1.0,
        end_after_s: float | None = None,
        noise_dbfs: float = -70.0,
        frame_ms: int = 20,
    ) -> None:
        self._clock = clock
        self._pacer = Pacer(True, clock)
        self.utterances = list(utterances)
        self._echo = echo
        self._echo_gain = echo_gain
        self._echo_seen = 0
        self._echo_buf = np.zeros(0, dtype=np.float32)
        self._end_after = end_after_s
        self._n = SR * frame_ms // 1000
        self._frames = 0
        self._next = 0
        self._pos: int | None = None
        self._stopped = False
        self.origin = 0.0
        rng = np.random.default_rng(7)
        self._floor = rng.standard_normal(self._n) * 32768 * 10 ** (noise_dbfs / 20)

    sample_rate = SR
    overruns = 0

    @property
    def ended(self) -> bool:
        if self._stopped:
            return True
        if self._end_after is None or self._next < len(self.utterances):
            return False
        return self._frames * self._n / SR >= self._end_after

    def start(self) -> None:
        self.origin = self._clock()
        self._frames = 0

    def stop(self) -> None:
        self._stopped = True

    def read(self, timeout: float | None = None) -> AudioFrame | None:
        if self.ended:
            return None
        dur = self._n / SR
        t = self.origin + self._frames * dur
        if not self._pacer.wait_until(t + dur, timeout):
            return None
        self._frames += 1
        x = self._floor + self._voice(t) + self._echo_block()
        return AudioFrame(np.clip(np.round(x), -32768, 32767).astype(np.int16), SR, t)

    def _voice(self, t: float) -> np.ndarray:
        out = np.zeros(self._n)
        if self._pos is None and self._next < len(self.utterances):
            u = self.utterances[self._next]
            if u._due is None:
                if u.at is not None:
                    u._due = self.origin + u.at
                elif u.after is not None and u.after.is_set():
                    u._due = t + u.delay
            if u._due is not None and t + 1e-9 >= u._due:
                self._pos = 0
                u.started = t
                if u.after is not None:
                    u.after.clear()  # taken: the next utterance waits for it to be set again
        if self._pos is not None:
            u = self.utterances[self._next]
            chunk = u.audio[self._pos : self._pos + self._n]
            out[: len(chunk)] = chunk
            self._pos += self._n
            if self._pos >= len(u.audio):
                u.ended = t + len(chunk) / SR
                self._pos = None
                self._next += 1
        return out

    def _echo_block(self) -> np.ndarray:
        if self._echo is None:
            return np.zeros(self._n)
        chunks = self._echo.heard_since(self._echo_seen)
        self._echo_seen += len(chunks)
        for c in chunks:
            x = resample(np.asarray(c.pcm, dtype=np.int16), c.sample_rate, SR).astype(np.float32)
            self._echo_buf = np.concatenate([self._echo_buf, x])
        take, self._echo_buf = self._echo_buf[: self._n], self._echo_buf[self._n :]
        out = np.zeros(self._n)
        out[: len(take)] = take * self._echo_gain
        return out


# --- the models -----------------------------------------------------------------------------
class ScriptedSTT:
    """Plays ``Transcriber``: a segment's text is that of the utterance it overlaps most."""

    def __init__(self, source: ScriptedSource, stt_seconds: float = 0.01) -> None:
        self.source = source
        self.stt_seconds = stt_seconds
        self.calls: list[tuple[float, float, str]] = []
        self.vocabulary = ""

    def set_vocabulary(self, vocabulary: str) -> None:
        self.vocabulary = vocabulary

    def transcribe(
        self, pcm: np.ndarray, t_offset: float = 0.0, *, sample_rate: int = SR, **_: Any
    ) -> Transcript:
        t_end = t_offset + len(pcm) / sample_rate
        best, overlap = None, 0.0
        for u in self.source.utterances:
            if u.started is None:
                continue
            end = u.ended if u.ended is not None else t_end
            o = min(end, t_end) - max(u.started, t_offset)
            if o > overlap:
                best, overlap = u, o
        text = best.text if best is not None else ""
        self.calls.append((t_offset, t_end, text))
        words = text.split()
        span = (t_end - t_offset) / max(1, len(words))
        return Transcript(
            text=text,
            t_start=t_offset,
            t_end=t_end,
            words=tuple(
                Word(w, t_offset + i * span, t_offset + (i + 1) * span) for i, w in enumerate(words)
            ),
            stt_seconds=self.stt_seconds,
        )


class InOrderSTT(ScriptedSTT):
    """Plays ``Transcriber`` for a replay: segment i says ``texts[i]``."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self.calls = []
        self.vocabulary = ""
        self.stt_seconds = 0.01

    def transcribe(
        self, pcm: np.ndarray, t_offset: float = 0.0, *, sample_rate: int = SR, **_: Any
    ) -> Transcript:
        text = self.texts[len(self.calls)] if len(self.calls) < len(self.texts) else ""
        self.calls.append((t_offset, t_offset + len(pcm) / sample_rate, text))
        return Transcript(
            text=text,
            t_start=t_offset,
            t_end=t_offset + len(pcm) / sample_rate,
            stt_seconds=self.stt_seconds,
        )


_SENTENCES = ClauseRules(comma_min_words=None, max_words=None)


class FakeTTS:
    """Plays ``Synthesizer``: one voice-like chunk per sentence, ``seconds_per_word`` long."""

    def __init__(
        self,
        seconds_per_word: float = 0.1,
        sample_rate: int = SR,
        delays: dict[str, float] | None = None,
        rms: float = -20.0,
    ) -> None:
        self.seconds_per_word = seconds_per_word
        self.sample_rate = sample_rate
        self.delays = dict(delays or {})
        self.rms = rms
        self.made: dict[str, np.ndarray] = {}
        self.calls: list[str] = []

    def audio_for(self, sentence: str) -> np.ndarray:
        if sentence not in self.made:
            seconds = max(0.4, self.seconds_per_word * len(sentence.split()))
            seed = zlib.crc32(sentence.encode())
            f0 = 110.0 + seed % 60
            self.made[sentence] = vowel(seconds, self.rms, f0=f0, seed=seed)
        return self.made[sentence]

    def synthesize(
        self, text: str, *, is_last: bool = False, generation: int = 0
    ) -> Iterator[SpeechAudio]:
        self.calls.append(text)
        for sentence in split_text(text, _SENTENCES):
            delay = self.delays.get(sentence, 0.0)
            if delay:
                time.sleep(delay)
            yield SpeechAudio(
                self.audio_for(sentence), self.sample_rate, sentence, generation=generation
            )

    def sentence_of(self, pcm: np.ndarray) -> str | None:
        """Which sentence a written chunk (a tail of one sentence's audio) came from."""
        for sentence, audio in self.made.items():
            if 0 < len(pcm) <= len(audio) and np.array_equal(audio[len(audio) - len(pcm) :], pcm):
                return sentence
        return None


LINES = {
    MoveKind.GREETING: "Hello and welcome to the interview. "
    "We will design a system together today. Let us warm up with your background.",
    MoveKind.PRESENT_PROBLEM: "Here is the problem. Design a fraud detection system.",
    MoveKind.SCOPE_ANSWER: "Ten thousand transactions per second.",
    MoveKind.CLARIFY: "Could you say more?",
    MoveKind.WRAP_UP: "Let us stop here. Thanks for your time.",
}


class ScriptedRenderer:
    """Plays ``AuthoredRenderer`` with short lines per move kind (the move's own text otherwise)."""

    def __init__(self, lines: dict[MoveKind, str] | None = None) -> None:
        self.lines = dict(LINES if lines is None else lines)
        self.moves: list[Move] = []
        self.candidate_texts: list[str] = []
        self.heard_texts: list[str] = []
        self.cache_refreshes = 0
        self.interrupted: list[int] = []

    def prewarm(self) -> None:
        return None

    def render(self, move: Move, candidate_text: str = "") -> Iterator[ReplyText]:
        self.moves.append(move)
        self.candidate_texts.append(candidate_text)
        yield ReplyText(
            self.lines.get(move.kind, move.text),
            is_final=True,
            authored=True,
            generation=move.generation,
        )

    def heard(self, text: str) -> None:
        self.heard_texts.append(text)

    def refresh_cache(self, wait: bool = False) -> None:
        self.cache_refreshes += 1

    def interrupt(self, generation: int) -> None:
        self.interrupted.append(generation)

    def checkpoint(self) -> object:
        return len(self.moves)

    def restore(self, token: object) -> None:
        """Forget replies rendered after ``checkpoint`` (a dropped speculative reply)."""
        assert isinstance(token, int)
        del self.moves[token:]
        del self.candidate_texts[token:]
