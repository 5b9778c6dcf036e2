"""The endpointing benchmark's engine: replay the labelled set through an endpointer, on virtual
time, with the real signals (``scripts/bench_endpointing.py`` prints the table).

Every item's frames go through the real VAD and ``Endpointer``. When a segment closes, the
signals a method uses are computed for real (tiny.en for the segment's transcript, Smart Turn
for ``turn_audio()``), cached on disk by the audio's hash, and fed back at the virtual time they
would arrive in the app: the close plus a latency model (``Latency``). A turn end that lands in
a mid-turn pause is a false cut-off; the one at the true end gives the dead air (the end
decision minus the end of the last word). After a false cut-off the replay goes on: the
candidate's next words open a new turn, as they would in the app.

Methods (``METHODS``) are an ``EndpointerConfig`` built from one swept threshold, plus which
signals they hear; "dead air at 5% false cut-offs" sweeps that threshold (eot-bench's figure).
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from voice_interviewer.audio.config import EndpointerConfig, TurnPolicyConfig
from voice_interviewer.audio.endpointer import Endpointer
from voice_interviewer.audio.vad import FrameClassifier
from voice_interviewer.messages import AudioFrame, SpeechSegment, TurnEnded
from voice_interviewer.speechsets.endpointing import Item

FRAME_S = 0.02
SAMPLE_RATE = 16_000
NEAR_S = 0.35
"""How far the VAD's end of speech may lie from a labelled pause's start and still be it."""

TODAY_HOLD = (
    "so", "and", "but", "or", "because", "um", "umm", "uh", "uhh", "er", "erm", "hmm", "like",
    "let me think", "let me see", "give me a second", "give me a moment", "one second", "hold on",
)  # fmt: skip
"""The endpointer's hold phrases before this benchmark (for method b, "today's endpointer")."""


@dataclass(frozen=True)
class Latency:
    """When a signal computed at a segment close reaches the endpointer."""

    stt_base_s: float = 0.204
    """tiny.en on 2 cores (DESIGN.md): 0.27 s for a 3 s clip, 0.38 s for 8 s: base + slope."""
    stt_per_s: float = 0.022
    smart_turn_s: float = 0.06
    """Smart Turn: ~50 ms on one thread plus ~3 ms of features, rounded up."""

    def stt(self, segment_seconds: float) -> float:
        return self.stt_base_s + self.stt_per_s * segment_seconds


class Signals:
    """Transcripts and Smart Turn probabilities, computed once and kept in ``cache``."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self._texts: dict[str, list[Any]] = self._load("transcripts.json")
        self._probs: dict[str, float] = self._load("smart_turn.json")
        self._stt: Any = None
        self._model: Any = None
        self.computed = {"stt": 0, "smart_turn": 0}
        self.seconds = {"stt": [], "smart_turn": []}  # type: dict[str, list[float]]

    def _load(self, name: str) -> Any:
        path = self.cache / name
        return json.loads(path.read_text()) if path.exists() else {}

    def save(self) -> None:
        self.cache.mkdir(parents=True, exist_ok=True)
        for name, data in (("transcripts.json", self._texts), ("smart_turn.json", self._probs)):
            tmp = self.cache / f"{name}.tmp"
            tmp.write_text(json.dumps(data))
            tmp.replace(self.cache / name)

    def transcript(self, pcm: np.ndarray) -> str:
        key = hashlib.sha1(pcm.tobytes()).hexdigest()
        if key not in self._texts:
            if self._stt is None:
                from voice_interviewer.stt.transcriber import Transcriber

                self._stt = Transcriber()
                self._stt.warm_up()
            done = self._stt.transcribe(pcm)
            self._texts[key] = [done.text, done.stt_seconds]
            self.computed["stt"] += 1
            self.seconds["stt"].append(done.stt_seconds)
            if self.computed["stt"] % 25 == 0:
                self.save()  # a first run is long: keep what is done if it is stopped
        return str(self._texts[key][0])

    def probability(self, pcm: np.ndarray) -> float:
        key = hashlib.sha1(pcm.tobytes()).hexdigest()
        if key not in self._probs:
            import time

            from voice_interviewer.audio.smart_turn import SmartTurn

            if self._model is None:
                self._model = SmartTurn()
                self._model.warm()
            t0 = time.perf_counter()
            self._probs[key] = self._model.probability(pcm)
            self.seconds["smart_turn"].append(time.perf_counter() - t0)
            self.computed["smart_turn"] += 1
        return self._probs[key]


@dataclass(frozen=True)
class Method:
    """One way of ending turns: a config per threshold value, and the signals it hears."""

    name: str
    label: str
    build: Callable[[float], EndpointerConfig]
    default: float
    sweep: tuple[float, ...]
    transcripts: bool = False
    smart_turn: bool = False
    context: bool = False
    unit: str = ""
    monotone: bool = False
    """False cut-offs only fall as the threshold grows (a silence): bisect the sweep."""


def _silence(ms: float) -> EndpointerConfig:
    return EndpointerConfig(turn_end_ms=ms, hold_turn_end_ms=ms, max_segment_ms=60_000)


def _today(ms: float) -> EndpointerConfig:
    return EndpointerConfig(
        segment_pause_ms=250.0,
        turn_end_ms=ms,
        hold_turn_end_ms=max(2500.0, ms),
        hold_phrases=TODAY_HOLD,
    )


def _smart_turn_alone(threshold: float) -> EndpointerConfig:
    # pipecat's local stack: a 0.2 s VAD stop, the model, and a 3 s silence fallback.
    complete, hold = 200.0, 3000.0
    policy = TurnPolicyConfig(
        complete_threshold=threshold,
        incomplete_threshold=threshold,
        complete_silence_ms=complete,
        uncertain_ms=hold,
        model_hold_ms=hold,
        thinking_hold_ms=hold,
        short_complete_silence_ms=complete,
        short_uncertain_ms=hold,
        short_model_hold_ms=hold,
        short_thinking_hold_ms=hold,
    )
    return EndpointerConfig(turn_end_ms=hold, hold_turn_end_ms=hold, policy=policy)


def _policy(complete_ms: float) -> EndpointerConfig:
    # The policy's main threshold: the silence after a "complete" verdict in an answer; the
    # longer waits stay, raised to it where it passes them.
    base = TurnPolicyConfig()
    return EndpointerConfig(
        policy=replace(
            base,
            complete_silence_ms=complete_ms,
            uncertain_ms=max(base.uncertain_ms, complete_ms),
            model_hold_ms=max(base.model_hold_ms, complete_ms),
            thinking_hold_ms=max(base.thinking_hold_ms, complete_ms),
            max_wait_ms=max(base.max_wait_ms, complete_ms),
        )
    )


_SILENCES = tuple(float(ms) for ms in range(200, 6001, 100))
_THRESHOLDS = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1.0)

METHODS = (
    Method(
        "silence", "(a) fixed VAD silence", _silence, 600.0, _SILENCES, unit="ms", monotone=True
    ),
    Method(
        "today",
        "(b) today's endpointer",
        _today,
        700.0,
        _SILENCES,
        transcripts=True,
        unit="ms",
        monotone=True,
    ),
    Method(
        "smart_turn", "(c) Smart Turn alone", _smart_turn_alone, 0.5, _THRESHOLDS, smart_turn=True
    ),
    Method(
        "policy",
        "(d) end-of-turn policy",
        _policy,
        TurnPolicyConfig().complete_silence_ms,
        _SILENCES,
        transcripts=True,
        smart_turn=True,
        context=True,
        unit="ms",
        monotone=True,
    ),
)


@dataclass
class Outcome:
    """What one method at one threshold did on the set."""

    dead_air: list[float] = field(default_factory=list)  # true ends, seconds
    ready: list[float] = field(default_factory=list)  # when the turn's text is ready, seconds
    missed_ends: int = 0  # true ends with no turn end before the item's audio ran out
    cut: dict[str, list[bool]] = field(default_factory=dict)  # kind -> cut-off per pause
    cut_pauses: list[tuple[str, str, float]] = field(default_factory=list)  # (item, kind, s)
    slow_ends: list[tuple[str, float]] = field(default_factory=list)  # (item, dead air s)
    unlabelled_cuts: list[tuple[str, float]] = field(default_factory=list)  # inside speech

    def false_cutoffs(self, kinds: Iterable[str] | None = None) -> float:
        """Share of the mid-turn pauses (of ``kinds``) cut off. Over all kinds, a cut inside
        speech the set has no label for (a pause the voice made itself) counts too."""
        flags = [f for k, v in self.cut.items() if kinds is None or k in kinds for f in v]
        extra = len(self.unlabelled_cuts) if kinds is None else 0
        return (sum(flags) + extra) / len(flags) if flags else 0.0

    def mean_dead_air(self) -> float:
        return statistics.fmean(self.dead_air) if self.dead_air else float("nan")


class Replay:
    """Runs items through a method's endpointer on virtual time."""

    def __init__(self, signals: Signals, latency: Latency = Latency()) -> None:
        self.signals = signals
        self.latency = latency
        self._frames: dict[str, tuple[list[AudioFrame], list[bool]]] = {}
        self._runs: dict[tuple[str, float, tuple[str, ...]], Outcome] = {}

    def frames(self, item: Item) -> tuple[list[AudioFrame], list[bool]]:
        """20 ms frames and the VAD's decisions (a fresh classifier per item)."""
        if item.id not in self._frames:
            n = int(FRAME_S * SAMPLE_RATE)
            vad = FrameClassifier()
            frames, voiced = [], []
            for i in range(len(item.audio) // n):
                pcm = item.audio[i * n : (i + 1) * n]
                frames.append(AudioFrame(pcm, SAMPLE_RATE, i * FRAME_S))
                voiced.append(vad.is_speech(pcm))
            self._frames[item.id] = (frames, voiced)
        return self._frames[item.id]

    def run(self, method: Method, threshold: float, items: Iterable[Item]) -> Outcome:
        chosen = list(items)
        key = (method.name, threshold, tuple(i.id for i in chosen))
        if key not in self._runs:  # a sweep visits some thresholds twice
            config = method.build(threshold)
            outcome = Outcome()
            for item in chosen:
                self._run_item(method, config, item, outcome)
            self._runs[key] = outcome
        return self._runs[key]

    def _run_item(
        self, method: Method, config: EndpointerConfig, item: Item, outcome: Outcome
    ) -> None:
        ep = Endpointer(config, expect_transcripts=method.transcripts)
        if method.context:
            ep.note_context(None if item.context is None else item.context == "long")
        notes: list[tuple[float, str, Any, float]] = []  # (due, kind, value, segment_end)
        ends: list[TurnEnded] = []
        last_text_due = 0.0
        frames, voiced = self.frames(item)
        for frame, is_speech in zip(frames, voiced, strict=True):
            for due, kind, value, seg_end in sorted(n for n in notes if n[0] <= frame.t):
                notes.remove((due, kind, value, seg_end))
                if kind == "text":
                    got = ep.note_transcript(value, segment_end=seg_end, now=due)
                else:
                    got = ep.note_turn_probability(value, segment_end=seg_end, now=due)
                ends += [e for e in got if isinstance(e, TurnEnded)]
            for event in ep.push(frame, is_speech):
                if isinstance(event, TurnEnded):
                    ends.append(event)
                elif isinstance(event, SpeechSegment):
                    close = frame.t + FRAME_S
                    seg_s = len(event.pcm) / SAMPLE_RATE
                    last_text_due = close + self.latency.stt(seg_s)
                    if method.transcripts:
                        text = self.signals.transcript(event.pcm)
                        notes.append((last_text_due, "text", text, event.t_end))
                    if method.smart_turn:
                        p = self.signals.probability(ep.turn_audio())
                        notes.append((close + self.latency.smart_turn_s, "p", p, event.t_end))
        self._score(item, ends, last_text_due, outcome)

    @staticmethod
    def _score(item: Item, ends: list[TurnEnded], text_due: float, outcome: Outcome) -> None:
        """Attribute each turn end to the labelled pause its last voiced frame began (within
        ``NEAR_S``: the VAD hears the last word end a little early or late)."""
        hit: set[int] = set()
        final = None
        for end in ends:
            near = [
                (abs(p.start - end.t_speech_end), i)
                for i, p in enumerate(item.pauses)
                if abs(p.start - end.t_speech_end) <= NEAR_S
            ]
            if not near:
                outcome.unlabelled_cuts.append((item.id, round(end.t_speech_end, 2)))
                continue
            index = min(near)[1]
            if item.pauses[index].label == "end":
                final = final or end
            hit.add(index)
        for i, pause in enumerate(item.pauses):
            if pause.label != "mid":
                continue
            outcome.cut.setdefault(pause.kind, []).append(i in hit)
            if i in hit:
                outcome.cut_pauses.append((item.id, pause.kind, round(pause.seconds, 2)))
        if final is None:
            outcome.missed_ends += 1
            return
        # Dead air as the app measures it (DESIGN.md): from the last voiced frame.
        dead = final.t_endpoint - final.t_speech_end
        outcome.dead_air.append(dead)
        outcome.ready.append(max(final.t_endpoint, text_due) - final.t_speech_end)
        outcome.slow_ends.append((item.id, round(dead, 2)))


def operating_point(
    replay: Replay,
    method: Method,
    items: list[Item],
    target: float = 0.05,
    kinds: tuple[str, ...] | None = None,
) -> tuple[float, Outcome] | None:
    """The swept threshold with false cut-offs (on ``kinds``, default all) <= ``target`` and
    the least mean dead air."""
    if method.monotone:
        return _bisect(replay, method, items, target, kinds)
    best: tuple[float, Outcome] | None = None
    for value in method.sweep:
        outcome = replay.run(method, value, items)
        if outcome.false_cutoffs(kinds) <= target + 1e-12 and (
            best is None or outcome.mean_dead_air() < best[1].mean_dead_air()
        ):
            best = (value, outcome)
    return best


def _bisect(
    replay: Replay,
    method: Method,
    items: list[Item],
    target: float,
    kinds: tuple[str, ...] | None,
) -> tuple[float, Outcome] | None:
    """The smallest swept value whose false cut-offs are <= ``target`` (they only fall)."""
    lo, hi = 0, len(method.sweep) - 1
    top = replay.run(method, method.sweep[hi], items)
    if top.false_cutoffs(kinds) > target + 1e-12:
        return None
    found = (method.sweep[hi], top)
    while lo < hi:
        mid = (lo + hi) // 2
        outcome = replay.run(method, method.sweep[mid], items)
        if outcome.false_cutoffs(kinds) <= target + 1e-12:
            found, hi = (method.sweep[mid], outcome), mid
        else:
            lo = mid + 1
    return found
