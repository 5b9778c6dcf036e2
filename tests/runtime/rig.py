"""A voice loop wired to scripted parts, run in a thread with a deadline, and read back."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from voice_interviewer.audio.memory import MemorySource
from voice_interviewer.clock import RealClock
from voice_interviewer.interview.content import Content
from voice_interviewer.messages import Move, MoveKind
from voice_interviewer.runtime.app import Models
from voice_interviewer.runtime.compose import build_loop
from voice_interviewer.runtime.config import LoopConfig
from voice_interviewer.runtime.replay import ReplaySource
from voice_interviewer.session import store
from voice_interviewer.session.events import encode
from voice_interviewer.session.journal import read_journal
from voice_interviewer.session.live import InterviewSession, SessionOptions
from voice_interviewer.tts.clauses import ClauseSplitter

from .fakes import (
    FakeTTS,
    InOrderSTT,
    LockedSink,
    ScriptedRenderer,
    ScriptedSource,
    ScriptedSTT,
    Utterance,
)


@dataclass
class Rig:
    """Everything a loop test looks at after the run."""

    content: Content
    mode: str = "headset"
    echo: bool = False
    tts: FakeTTS = field(default_factory=FakeTTS)
    renderer: ScriptedRenderer = field(default_factory=ScriptedRenderer)
    end_after_s: float | None = None
    loop_config: dict[str, Any] = field(default_factory=dict)
    replay: list[np.ndarray] | None = None
    """Answers for a ``ReplaySource`` (paced by ``awaiting``) instead of the scripted source;
    the STT then says ``replay_texts`` in order."""
    replay_texts: list[str] = field(default_factory=list)
    replay_stall_s: float = 90.0
    """The replay watchdog's wait for a reply after an answer (ReplaySource ``stall_s``)."""
    memory: list[np.ndarray] | None = None
    """Audio for a real-time ``MemorySource`` instead (the STT says ``replay_texts`` in order)."""
    smart_turn: Any = None
    """A loaded Smart Turn for the loop (None: silence + transcript)."""
    final_pass: Any = None
    """A started ``FinalPassWorker`` for the loop (None: no final pass)."""
    live_stt: Any = None
    """The loop's transcriber, instead of the scripted one (e.g. the real tiny.en)."""

    def __post_init__(self) -> None:
        self.clock = RealClock()
        self.session = InterviewSession.start(
            self.content, self.clock, SessionOptions(mode="voice")
        )
        self.sink = LockedSink(realtime=True, clock=self.clock.now)
        self.source = ScriptedSource(
            self.clock.now, [], echo=self.sink if self.echo else None, end_after_s=self.end_after_s
        )
        self.stt: Any = ScriptedSTT(self.source)
        self.awaiting = threading.Event()
        self.stalls: list[str] = []
        loop_source: Any = self.source
        if self.replay is not None:
            loop_source = self.replay_source = ReplaySource(
                self.replay,
                self.awaiting,
                self.clock.now,
                gap_s=0.4,
                stall_s=self.replay_stall_s,
                on_stall=self.stalls.append,
            )
            self.stt = InOrderSTT(self.replay_texts)
        elif self.memory is not None:
            loop_source = MemorySource(self.memory, realtime=True, clock=self.clock.now)
            self.stt = InOrderSTT(self.replay_texts)
        if self.live_stt is not None:
            self.stt = self.live_stt
        self.started: dict[MoveKind, threading.Event] = defaultdict(threading.Event)
        """Set when the first sample of a reply of that kind reaches the sink."""
        self.events: list[tuple[float, str, dict[str, Any]]] = []
        self._kind_of_turn: dict[int, MoveKind] = {}
        models = Models(
            self.stt,
            self.tts,
            self.renderer,
            smart_turn=self.smart_turn,
            final_pass=self.final_pass,
        )
        self.loop = build_loop(
            self.session,
            loop_source,
            self.sink,
            models,
            LoopConfig(audio_mode=self.mode, **self.loop_config),
            on_event=self._on_event,
            awaiting_answer=self.awaiting,
            splitter=ClauseSplitter,
        )
        assert self.loop.recorder is not None
        self.recorder = self.loop.recorder
        self.recording: Path = self.session.directory / "recording.wav"

    def say(self, text: str, seconds: float, **when: Any) -> Utterance:
        """Script a candidate utterance (``at=`` seconds, or ``after=`` an event + ``delay=``)."""
        from .fakes import vowel

        u = Utterance(
            text, vowel(seconds, -22.0, f0=190.0, seed=len(self.source.utterances) + 11), **when
        )
        self.source.utterances.append(u)
        return u

    def _on_event(self, kind: str, data: dict[str, Any]) -> None:
        self.events.append((self.clock.now(), kind, data))
        if kind in ("candidate_partial", "candidate_turn") and self.replay is not None:
            self.replay_source.turn_heard()  # as voice_commands.run_loop wires it
        if kind == "move":
            move: Move = data["move"]
            self._kind_of_turn[move.turn] = move.kind
        elif kind == "timing":
            move_kind = self._kind_of_turn.get(data["turn"])
            if move_kind is not None:
                self.started[move_kind].set()

    def run(self, timeout: float = 30.0) -> None:
        """Run the loop to its end; fail (after stopping it) if it is still going at ``timeout``."""
        errors: list[BaseException] = []

        def body() -> None:
            try:
                self.loop.run()
            except BaseException as e:  # noqa: BLE001 - handed to the test thread below
                errors.append(e)

        thread = threading.Thread(target=body, daemon=True)
        thread.start()
        thread.join(timeout)
        hung = thread.is_alive()
        if hung:
            self.loop.stop()
            thread.join(5.0)
        self.recorder.close()
        self.session.close()
        if errors:
            raise errors[0]
        assert not hung, (
            f"the voice loop was still running after {timeout} s; events: {self.kinds()}"
        )
        # Bounded inboxes wait rather than lose a message: none may have been dropped for want
        # of room (stale clauses after a barge-in are dropped on purpose, and counted).
        full = {name: d.full for name, d in self.loop.drops().items() if d.full}
        assert not full, f"messages dropped for want of room: {full}"

    # --- reading back ----------------------------------------------------------------------
    def journal(self) -> list[dict[str, Any]]:
        return [encode(e) for e in read_journal(self.session.directory / store.JOURNAL).events]

    def turns(self, speaker: str) -> list[str]:
        return [
            e["text"] for e in self.journal() if e["type"] == "turn" and e["speaker"] == speaker
        ]

    def said(self) -> list[dict[str, Any]]:
        return [e for e in self.journal() if e["type"] == "said"]

    def kinds(self) -> list[str]:
        return [k for _, k, _ in self.events if k not in ("speaking", "timing")]

    def event_times(self, kind: str) -> list[float]:
        return [t for t, k, _ in self.events if k == kind]

    def written_sentences(self, after_flush: int | None = None) -> list[str | None]:
        """The sentence each ``write`` came from, optionally only writes after flush number
        ``after_flush`` (0 = the first flush)."""
        sink = self.sink
        with sink.lock:
            start = 0
            if after_flush is not None:
                t_flush = sink.flush_log[after_flush][0]
                start = next((i for t, i in sink.write_log if t > t_flush), len(sink.written))
            chunks = [c.pcm for c in sink.written[start:]]
        return [self.tts.sentence_of(np.asarray(c)) for c in chunks]
