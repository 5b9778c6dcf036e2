"""The voice loop: microphone -> VAD -> STT -> director -> renderer -> TTS -> speakers.

Wiring only: the work is in the stages (each a class with one generator method), which the
runner (runner.py) runs on a thread each, joined by bounded inboxes:

    mic --frames--> listen --segments, turn ends--> transcribe --turns--> think
          --clauses--> speak --audio--> player --reply played--> reply end

with the notes that come back to listen (each segment's words from transcribe, Smart Turn's
probability and the interviewer's question from the turn model) on its priority lane, and
the final pass's corrected transcripts into think. Every reply has a generation; a barge-in
or a dropped speculation bumps it, and the speak stage's inbox drops its stale clauses.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from voice_interviewer.audio.base import AudioSink, AudioSource
from voice_interviewer.audio.detector import SpeechDetector
from voice_interviewer.audio.vad import FrameClassifier
from voice_interviewer.messages import (
    AudioFrame,
    CandidateTurn,
    Move,
    SpeechAudio,
    SpeechSegment,
    TurnEnded,
)
from voice_interviewer.runtime.assembly import TranscribeStage
from voice_interviewer.runtime.bargein import BargeIn
from voice_interviewer.runtime.config import LoopConfig
from voice_interviewer.runtime.final_text import FinalText
from voice_interviewer.runtime.generation import Generation
from voice_interviewer.runtime.listen import NOTES, ListenStage
from voice_interviewer.runtime.overtalk import OverTalk
from voice_interviewer.runtime.player import Player
from voice_interviewer.runtime.replies import Replies
from voice_interviewer.runtime.runner import Drops, Inbox, Runner
from voice_interviewer.runtime.speak import ReplyEndStage, SpeakStage
from voice_interviewer.runtime.speakers import SpeakersGate, YieldToCandidate
from voice_interviewer.runtime.speculation import Speculator
from voice_interviewer.runtime.speculative import SpeculativeReplies
from voice_interviewer.runtime.stages import (
    Clause,
    EndTurnNow,
    InputEnded,
    Renderer,
    ReplyPlayed,
    Say,
    SegmentHeard,
    Speculate,
    Speech,
    Splitter,
    TurnReady,
)
from voice_interviewer.runtime.think import ThinkStage
from voice_interviewer.runtime.turn_model import TurnModel
from voice_interviewer.runtime.unheard import UnheardJournal
from voice_interviewer.session.live import InterviewSession
from voice_interviewer.session.recording import StereoRecorder

log = logging.getLogger(__name__)

FRAMES_CAPACITY = 1500
"""Listen's inbox holds 30 s of 20 ms frames: on a busy CPU the stage can run seconds behind
the mic, and a full inbox makes the reader wait (the device's own buffer then counts drops)."""


class VoiceLoop:
    """Runs one spoken interview over a source and a sink until it ends or the source does.
    Built by ``runtime.compose.build_loop``."""

    def __init__(
        self,
        session: InterviewSession,
        source: AudioSource,
        sink: AudioSink,
        stt: Any,
        tts: Speech,
        renderer: Renderer,
        splitter_factory: Callable[[], Splitter],
        clock: Callable[[], float],
        config: LoopConfig,
        *,
        recorder: StereoRecorder | None = None,
        on_event: Callable[[str, dict[str, Any]], None] | None = None,
        awaiting_answer: threading.Event | None = None,
        smart_turn: Any | None = None,
        final_pass: Any | None = None,
    ) -> None:
        """``smart_turn``: a loaded ``SmartTurn`` (None: the end of a turn is judged on
        silence and transcripts alone). ``final_pass``: a started ``FinalPassWorker`` (None:
        turns keep the live transcript). ``awaiting_answer`` is set while the interviewer has
        finished speaking and waits for the candidate (a replay paces its answers on it)."""
        self.session = session
        self.source = source
        self.config = config
        self.recorder = recorder
        """The conversation's stereo recording, closed when ``run`` returns."""
        self.generation = Generation()
        self.awaiting_answer = awaiting_answer or threading.Event()
        self.errors: list[BaseException] = []
        self._done = threading.Event()
        emit = on_event or (lambda kind, data: None)
        headset = config.audio_mode == "headset"

        self.runner = Runner(self._fail)
        listen_in = Inbox("listen", FRAMES_CAPACITY, priority=NOTES)
        think_in = Inbox("think", 8)
        # The final pass re-reads each turn while the interviewer speaks; the live parts mark
        # their work so it waits (runtime/final_text.py). Smart Turn runs at each pause.
        self.final_text = FinalText(final_pass, think_in, emit)
        stt = self.final_text.marked(stt, calls=("transcribe",))
        tts = self.final_text.marked(tts, streams=("synthesize",))
        renderer = self.final_text.marked(renderer, streams=("render",))
        self.turn_model = TurnModel(
            self.final_text.marked(smart_turn, calls=("probability",)), listen_in
        )

        def heard_start(move: Move) -> None:  # the context of the candidate's next turn
            self.turn_model.interviewer_asked(move.question or move.text)
            self.final_text.interviewer_said(move.text)

        self.replies = Replies(session, renderer, emit, heard_start)
        self.player = Player(
            sink,
            self.generation,
            clock,
            recorder,
            on_first_audio=self.replies.first_audio,
            on_reply_played=self._reply_played,
        )
        self._emit = emit
        self.speculator = Speculator(session, self.generation, self._play)
        speculative = SpeculativeReplies(
            self.speculator,
            session,
            renderer,
            self.replies,
            self.final_text,
            emit,
            clock,
            enabled=config.speculative,
            hold_phrases=config.endpointer.hold_phrases,
        )
        barge_in = BargeIn(
            self.player, self.generation, self.replies.heard, emit, config.backchannel_max_words
        )
        unheard = UnheardJournal(
            session.record, emit, getattr(getattr(stt, "config", None), "min_rms_dbfs", -60.0)
        )
        # The transcribe stage hands every segment's words back (``SegmentHeard``).
        detector = SpeechDetector(config.vad, config.endpointer, expect_transcripts=True)
        gate = None
        if not headset:
            yielding = YieldToCandidate(
                self.player, self.generation, renderer, self.replies.heard, emit
            )
            gate = SpeakersGate(
                self.player,
                detector,
                OverTalk(config.overtalk, FrameClassifier(config.vad)),
                unheard,
                config.echo_tail_ms / 1000.0,
                yielding.now,
                yielding.reopened,
            )
        listen = ListenStage(
            detector,
            self.player,
            barge_in,
            self.turn_model,
            speculative,
            self.awaiting_answer,
            emit,
            clock,
            speakers_gate=gate,
            recorder=recorder,
            early_hold=config.early_hold,
        )
        transcribe = TranscribeStage(
            stt,
            self.player,
            barge_in,
            speculative,
            self.final_text,
            unheard,
            self.awaiting_answer,
            emit,
            headset=headset,
        )
        think = ThinkStage(
            session,
            renderer,
            stt,
            splitter_factory,
            self.generation,
            self.player,
            self.replies,
            speculative,
            self.final_text,
            unheard,
            self.awaiting_answer,
            emit,
            clock,
        )
        speak = SpeakStage(tts, self.generation, self.replies)
        reply_end = ReplyEndStage(
            self.player, self.generation, self.replies, self.awaiting_answer, emit, self._done.set
        )

        r = self.runner
        r.source("mic", self._frames)
        r.stage("listen", listen, listen_in)
        r.stage("transcribe", transcribe, Inbox("transcribe", 64))
        r.stage("think", think, think_in)
        r.stage("speak", speak, Inbox("speak", 32, generation=self.generation))
        r.stage("reply_end", reply_end, Inbox("reply_end", 64, put_timeout=0))
        r.route("mic", {AudioFrame: "listen", InputEnded: "listen"})
        r.route(
            "listen",
            {SpeechSegment: "transcribe", TurnEnded: "transcribe", InputEnded: "transcribe"},
        )
        r.route(
            "transcribe",
            {SegmentHeard: "listen", Speculate: "think", TurnReady: "think", InputEnded: "think"},
        )
        r.route("think", {Clause: "speak", InputEnded: "reply_end"})
        r.route("speak", {SpeechAudio: self._route_audio})
        r.route("player", {ReplyPlayed: "reply_end"})
        r.route("keys", {EndTurnNow: "listen", TurnReady: "think"})
        r.route("loop", {Say: "think"})

    # --- public --------------------------------------------------------------------------
    def run(self, first: Move | None = None) -> None:
        """Greet (or say ``first``, e.g. on resume) and run until the interview ends."""
        player = threading.Thread(target=self._guarded(self.player.run), name="player", daemon=True)
        self.source.start()
        self.player.sink.start()
        player.start()
        self.runner.start()
        self.runner.send("loop", Say(first or self.session.open()))
        try:
            self._done.wait()
        finally:
            self.stop()
            self.runner.join(timeout=2.0)
            player.join(timeout=2.0)
            self._journal_unfinished_reply()
            if self.recorder is not None:
                self.recorder.close()
            self.turn_model.close()
            self.final_text.finish(self.config.final_text_wait_s, self.speculator.revise)
        if self.errors:
            raise self.errors[0]

    def stop(self) -> None:
        self._done.set()
        self.player.stop()
        self.runner.stop()
        self.source.stop()

    def inject(self, text: str) -> None:
        """A typed or keyed turn (h = "hint", q = "end the interview")."""
        self.runner.send("keys", TurnReady(CandidateTurn(text=text)))

    def end_turn_now(self) -> None:
        """Push-to-talk: the candidate says the turn is over."""
        self.runner.send("keys", EndTurnNow())

    def drops(self) -> dict[str, Drops]:
        """What the stages' inboxes dropped (for want of room, or stale)."""
        return self.runner.drops()

    # --- wiring helpers ------------------------------------------------------------------
    def _frames(self) -> Iterator[AudioFrame | InputEnded]:
        """The mic's frames until the loop stops or the source ends (a replay ran out)."""
        while not self._done.is_set():
            frame = self.source.read(timeout=0.1)  # a blocking read that wakes to see a stop
            if frame is not None:
                yield frame
            elif self.source.ended:
                yield InputEnded()
                return

    def _play(self, audio: SpeechAudio) -> None:
        if audio.text:
            self._emit("speaking", {"text": audio.text})
        self.player.queue.put(audio)

    def _route_audio(self, audio: SpeechAudio) -> None:
        """To the player, unless it belongs to a speculation still waiting for the endpoint."""
        if not self.speculator.hold_back(audio):
            self._play(audio)

    def _reply_played(self, generation: int) -> None:
        self.runner.send("player", ReplyPlayed(generation))

    def _journal_unfinished_reply(self) -> None:
        """The loop stopped mid-reply (device lost, Ctrl-C): journal it as interrupted."""
        current = self.generation.current
        if self.player.holds_reply(current) and not self.player.reply_done(current):
            self.replies.heard(self.player.cancel())

    def _fail(self, error: BaseException) -> None:
        """A stage failed: stop the loop; ``run`` re-raises it."""
        self.errors.append(error)
        self._done.set()

    def _guarded(self, target: Callable[[], None]) -> Callable[[], None]:
        def body() -> None:
            try:
                target()
            except BaseException as e:  # noqa: BLE001 - re-raised in run(), not swallowed
                log.exception("the player failed")
                self._fail(e)

        return body
