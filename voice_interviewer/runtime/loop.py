"""The voice loop: microphone -> VAD -> STT -> director -> renderer -> TTS -> speakers.

Four threads, each running one stage loop, joined by bounded queues (DESIGN.md):

- listen: reads frames, runs the VAD/endpointer, gates the mic while the interviewer speaks
  (speakers mode) or detects barge-in (headset mode);
- stt: transcribes each segment as soon as a pause ends it, assembles the turn at the endpoint;
- think: gives the turn to the director, renders the move, splits it into clauses;
- speak: synthesizes clauses (the player thread plays them and accounts what was heard).

Every reply has a generation; a barge-in bumps it and every stage drops stale work.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np

from voice_interviewer.audio.base import AudioSink, AudioSource
from voice_interviewer.audio.detector import SpeechDetector
from voice_interviewer.audio.endpointer import EndpointState
from voice_interviewer.audio.vad import FrameClassifier
from voice_interviewer.messages import (
    CandidateTurn,
    FinalTranscript,
    Move,
    SpeechAudio,
    SpeechSegment,
    SpeechStarted,
    Transcript,
    TurnEnded,
)
from voice_interviewer.runtime.bargein import BargeIn
from voice_interviewer.runtime.config import LoopConfig
from voice_interviewer.runtime.final_text import FinalText
from voice_interviewer.runtime.generation import Generation
from voice_interviewer.runtime.overtalk import OverTalk
from voice_interviewer.runtime.player import Heard, Player
from voice_interviewer.runtime.speakers import SpeakersGate
from voice_interviewer.runtime.speculation import Speculator
from voice_interviewer.runtime.stages import Renderer, Speculate, Speech, Splitter, TurnTiming
from voice_interviewer.runtime.turn_model import TurnModel, TurnNote
from voice_interviewer.runtime.unheard import AFTER_END, BACKCHANNEL, UNRESOLVED, UnheardJournal
from voice_interviewer.session.events import SaidLine, TimingLine
from voice_interviewer.session.live import InterviewSession
from voice_interviewer.session.recording import StereoRecorder
from voice_interviewer.text import ends_with_phrase

log = logging.getLogger(__name__)


class VoiceLoop:
    """Runs one spoken interview over a source and a sink until it ends or the source does."""

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
        config: LoopConfig | None = None,
        recorder: StereoRecorder | None = None,
        on_event: Callable[[str, dict[str, Any]], None] | None = None,
        awaiting_answer: threading.Event | None = None,
        *,
        smart_turn: Any | None = None,
        final_pass: Any | None = None,
    ) -> None:
        """``smart_turn``: a loaded ``SmartTurn`` (None: the end of a turn is judged on
        silence and transcripts alone). ``final_pass``: a started ``FinalPassWorker`` (None:
        turns keep the live transcript)."""
        self.session = session
        self.source = source
        self.stt = stt
        self.tts = tts
        self.renderer = renderer
        self.splitter_factory = splitter_factory
        self.clock = clock
        self.config = config or LoopConfig()
        self.recorder = recorder
        self.generation = Generation()
        # The STT thread hands every segment's transcript back (``_notes_q``).
        self.detector = SpeechDetector(
            self.config.vad, self.config.endpointer, expect_transcripts=True
        )
        self.player = Player(
            sink, self.generation, clock, recorder, on_first_audio=self._first_audio
        )
        self._emit = on_event or (lambda kind, data: None)
        self.speculator = Speculator(session, self.generation, self._to_player)
        self._turn_serial = 0  # turns ended so far; a speculation for an older one is skipped
        self._spec_undo: tuple[int, object] | None = None  # (generation, renderer checkpoint)
        self._stt_q: queue.Queue[SpeechSegment | TurnEnded | None] = queue.Queue(maxsize=64)
        self._notes_q: queue.Queue[tuple[str, float] | TurnNote] = queue.Queue(maxsize=64)
        self._control_q: queue.Queue[str] = queue.Queue(maxsize=16)
        self._turn_q: queue.Queue[
            tuple[CandidateTurn, float | None] | Speculate | FinalTranscript | None
        ] = queue.Queue(maxsize=8)
        self._clause_q: queue.Queue[tuple[int, str, bool] | None] = queue.Queue(maxsize=32)
        self._done = threading.Event()
        self._timings: dict[int, TurnTiming] = {}
        self._moves: dict[int, Move] = {}
        self._timing_lock = threading.Lock()
        self.barge_in = BargeIn(
            self.player,
            self.generation,
            self._record_heard,
            self._emit,
            self.config.backchannel_max_words,
        )
        self.unheard = UnheardJournal(
            session.record, self._emit, getattr(getattr(stt, "config", None), "min_rms_dbfs", -60.0)
        )
        self.speakers_gate = SpeakersGate(
            self.player,
            self.detector,
            OverTalk(self.config.overtalk, FrameClassifier(self.config.vad)),
            self.unheard,
            self.config.echo_tail_ms / 1000.0,
            self._yield_to_candidate,
            self._after_yield,
        )
        self._yielded: int | None = None  # the generation of a reply that yielded mid-way
        self.awaiting_answer = awaiting_answer or threading.Event()
        """Set while the interviewer has finished speaking and waits for the candidate."""
        self.errors: list[BaseException] = []
        self._reply_threads: list[threading.Thread] = []  # joined by run(): they journal "said"
        # The final pass re-reads each turn while the interviewer speaks; the live parts mark
        # their work so it waits (runtime/final_text.py). Smart Turn runs at each pause.
        self.final_text = FinalText(final_pass, self._turn_q, self._emit)
        self.stt = self.final_text.marked(stt, calls=("transcribe",))
        self.tts = self.final_text.marked(tts, streams=("synthesize",))
        self.renderer = self.final_text.marked(renderer, streams=("render",))
        self.turn_model = TurnModel(
            self.final_text.marked(smart_turn, calls=("probability",)), self._notes_q
        )

    # --- public --------------------------------------------------------------------------
    def run(self, first: Move | None = None) -> None:
        """Greet (or say ``first``, e.g. on resume) and run until the interview ends."""
        threads = [
            threading.Thread(target=self._guard(self.player.run), name="player", daemon=True),
            threading.Thread(target=self._guard(self._speak_loop), name="speak", daemon=True),
            threading.Thread(target=self._guard(self._stt_loop), name="stt", daemon=True),
            threading.Thread(target=self._guard(self._think_loop), name="think", daemon=True),
            threading.Thread(target=self._guard(self._listen_loop), name="listen", daemon=True),
        ]
        self.source.start()
        self.player.sink.start()
        for t in threads:
            t.start()
        move = first or self.session.open()
        self._say(move, self.generation.current, TurnTiming(turn=move.turn))
        try:
            while not self._done.wait(0.1):
                if self.errors:
                    break
        finally:
            self.stop()
            for t in threads + self._reply_threads:
                t.join(timeout=2.0)
            self.turn_model.close()
            self.final_text.finish(self.config.final_text_wait_s, self.speculator.revise)
        if self.errors:
            raise self.errors[0]

    def stop(self) -> None:
        self._done.set()
        self.player.stop()
        for q in (self._stt_q, self._turn_q, self._clause_q):
            try:
                q.put_nowait(None)
            except queue.Full:
                pass
        self.source.stop()

    def inject(self, text: str) -> None:
        """A typed or keyed turn (h = "hint", q = "end the interview")."""
        self._turn_q.put((CandidateTurn(text=text), None))

    def end_turn_now(self) -> None:
        """Push-to-talk: the candidate says the turn is over."""
        self._control_q.put("end_turn")

    # --- listen: frames -> segments and turn ends ----------------------------------------
    def _listen_loop(self) -> None:
        speakers = self.config.audio_mode == "speakers"
        while not self._done.is_set():
            self._drain_notes()
            frame = self.source.read(timeout=0.1)
            if frame is None:
                if self.source.ended:
                    self._source_ended()
                    return
                continue
            if self.recorder is not None:
                self.recorder.candidate(frame.pcm, frame.sample_rate, frame.t)
            for heard in self.speakers_gate.frames(frame) if speakers else [frame]:
                for event in self.detector.process(heard):
                    self._on_speech_event(event)
            self._release_unheard_hold()

    def _yield_to_candidate(self, t: float) -> None:
        """Speakers mode: the candidate talks over the interviewer, who finishes its clause
        and stops; the rest of the reply is dropped (its generation is bumped)."""
        if not self.player.speaking:
            return
        old = self.generation.current
        self.generation.bump()
        self.renderer.interrupt(old)
        if self.player.finish_clause():
            self._yielded = old
            self._emit("yield", {"t": t})

    def _after_yield(self) -> None:
        """The gate opened again: journal what was heard of a reply that yielded."""
        if self._yielded is not None:
            self._yielded = None
            self._record_heard(self.player.finished_reply())

    def _drain_notes(self) -> None:
        while True:
            try:
                note = self._notes_q.get_nowait()
            except queue.Empty:
                break
            if isinstance(note, tuple):
                text, segment_end = note
                events = self.detector.note_transcript(text, segment_end=segment_end)
            else:
                events = self.turn_model.apply(self.detector, note)
            for event in events:
                self._on_speech_event(event)
        while True:
            try:
                command = self._control_q.get_nowait()
            except queue.Empty:
                return
            if command == "end_turn":
                for event in self.detector.end_turn():
                    self._on_speech_event(event)

    def _on_speech_event(self, event: Any) -> None:
        if isinstance(event, SpeechStarted):
            self.awaiting_answer.clear()
            if self._drop_speculation():
                self._emit("speculation_dropped", {"t": event.t_detected})
            if self.player.speaking and self.config.audio_mode == "headset":
                self.barge_in.onset(event.t_detected)
            return
        if isinstance(event, TurnEnded):  # which signal ended it, for displays and tests
            wait = round(event.t_endpoint - event.t_speech_end, 3)
            self._emit("turn_end", {"reason": event.reason, "silence_s": wait})
        if isinstance(event, SpeechSegment):
            self.barge_in.segment_sent()
            if self.detector.state is EndpointState.PAUSE:  # a pause began: Smart Turn's cue
                self.turn_model.segment_closed(self.detector.turn_audio(), event.t_end)
        self._stt_q.put(event)

    def _release_unheard_hold(self) -> None:
        in_speech = self.detector.endpointer.state is EndpointState.SPEECH
        if in_speech and self.config.audio_mode == "headset" and self.player.speaking:
            # Hold as soon as a segment opens (``speech_start_ms`` of voice), not at
            # ``SpeechStarted`` (``onset_ms``): 60 ms sooner, and a hold costs nothing to
            # undo; a cough too short to be a segment is released below.
            self.barge_in.onset(self.clock())
        self.barge_in.release_if_unheard(in_speech)

    def _source_ended(self) -> None:
        for event in self.detector.end_turn():
            self._on_speech_event(event)
        self._release_unheard_hold()
        self._stt_q.put(None)

    # --- stt: segments -> transcripts -> the turn ----------------------------------------
    def _stt_loop(self) -> None:
        parts: list[Transcript] = []
        last_stt: float | None = None
        while True:
            item = self._stt_q.get()
            if item is None:
                self._turn_q.put(None)
                return
            if isinstance(item, SpeechSegment):
                self.final_text.segment(item)
                start = item.pcm_start if item.pcm_start is not None else item.t_start
                transcript = self.stt.transcribe(item.pcm, start, sample_rate=item.sample_rate)
                last_stt = transcript.stt_seconds
                self._notes_q.put((transcript.text, item.t_end))
                if not transcript.text:
                    self.unheard.no_words(item.pcm, item.t_start, item.t_end)
                if transcript.text:
                    parts.append(transcript)
                    self._emit("candidate_partial", {"text": transcript.text})
                    self.barge_in.words_after_release()
                # Spoken over a reply still playing (headset mode): judged even without a hold.
                over_reply = (
                    self.config.audio_mode == "headset"
                    and self.player.speaking
                    and self.player.heard_at(item.t_start)[0]
                )
                backchannel = self.barge_in.resolve(transcript.text, over_reply)
                self._take_backchannel(parts, backchannel, item)
                self._maybe_speculate(parts, last_stt)
                continue
            self._turn_serial += 1
            self.final_text.turn_ended(item)
            text = " ".join(p.text for p in parts).strip()
            words = tuple(w for p in parts for w in p.words)
            parts = []
            # A backchannel's words already left ``parts`` when it was resolved; a turn of
            # nothing else is empty now.
            self.barge_in.take_backchannel_turn()
            if not text:
                self.barge_in.resolve("")
                # Only when the interviewer is quiet: said mid-reply, it would tell a replay
                # to answer over the reply.
                if not self.player.speaking:
                    self.awaiting_answer.set()
                continue
            if self.barge_in.holding is not None:
                self.unheard.note(_turn_start(words, item), item.t_speech_end, UNRESOLVED, text)
                continue
            turn = CandidateTurn(
                text=text, t_speech_end=item.t_speech_end, t_endpoint=item.t_endpoint, words=words
            )
            if not self._commit_speculation(turn, last_stt):
                self._turn_q.put((turn, last_stt))

    def _take_backchannel(
        self, parts: list[Transcript], said: list[str], segment: SpeechSegment
    ) -> None:
        """A backchannel the interviewer talked on through is not part of the candidate's
        turn: take its words out of ``parts`` and journal it as such."""
        n = sum(1 for text in said if text)
        if not n:
            return
        taken = parts[-n:]
        del parts[-n:]
        text = " ".join(p.text for p in taken)
        self.unheard.note(taken[0].t_start, segment.t_end, BACKCHANNEL, text)

    def _maybe_speculate(self, parts: list[Transcript], stt_s: float | None) -> None:
        """A pause ended a segment: ask the think thread to answer the turn so far."""
        if not (self.config.speculative and parts) or self.barge_in.holding is not None:
            return
        if self.barge_in.backchannel_turn or self.player.speaking:
            return
        text = " ".join(p.text for p in parts).strip()
        # A trailing "so" / "um" means more is coming: don't spend the CPU.
        if ends_with_phrase(text, self.config.endpointer.hold_phrases):
            return
        self._turn_q.put(Speculate(text, self._turn_serial, stt_s))

    def _commit_speculation(self, turn: CandidateTurn, stt_s: float | None) -> bool:
        """At the endpoint: play the speculative reply if it answered exactly this turn."""

        def stamp(generation: int) -> None:
            # Before any audio plays: the first-audio callback journals this timing.
            with self._timing_lock:
                timing = self._timings.get(generation)
            if timing is not None:
                timing.t_speech_end, timing.t_endpoint = turn.t_speech_end, turn.t_endpoint
                timing.stt_last_segment_s = stt_s
                timing.speculative = True

        committed = self.speculator.commit(turn.text, turn, before_play=stamp)
        if committed is None:
            self._drop_speculation()
            return False
        generation, move = committed
        self._emit("candidate_turn", {"text": turn.text})
        self._emit("move", {"move": move})
        self.final_text.answered(turn, move, self.session.decoder_terms())
        return True

    # --- think: turn -> move -> clauses --------------------------------------------------
    def _think_loop(self) -> None:
        while True:
            item = self._turn_q.get()
            if self._done.is_set():
                return
            if item is None:
                # The source has ended (a replay ran out of answers): finish the last reply.
                while (
                    not self.player.reply_done(self.generation.current) and not self._done.is_set()
                ):
                    time.sleep(0.02)
                self._done.set()
                return
            if isinstance(item, FinalTranscript):
                self.final_text.apply(item, self.speculator.revise)
                continue
            self._undo_dropped_speculation()
            if isinstance(item, Speculate):
                self._speculate(item)
                continue
            turn, stt_s = item
            if self.session.finished:
                start = turn.words[0].start if turn.words else turn.t_speech_end
                if start is not None and turn.t_speech_end is not None:
                    self.unheard.note(start, turn.t_speech_end, AFTER_END, turn.text)
                continue
            self.awaiting_answer.clear()
            if self.player.speaking:  # a typed command while the interviewer talks
                self.generation.bump()
                self._record_heard(self.player.cancel())
            generation = self.generation.bump()
            self._emit("candidate_turn", {"text": turn.text})
            move = self.session.respond(turn)
            timing = TurnTiming(
                turn=move.turn,
                t_speech_end=turn.t_speech_end,
                t_endpoint=turn.t_endpoint,
                stt_last_segment_s=stt_s,
                t_move=self.clock(),
            )
            self._say(move, generation, timing, turn.text)
            self.final_text.answered(turn, move, self.session.decoder_terms())
            # While the candidate talks, a local LLM evaluates the new turns into its KV cache.
            self.renderer.refresh_cache()

    def _drop_speculation(self) -> bool:
        """Drop a pending speculation and stop its reply's LLM call at once: on two cores a
        local model still evaluating the prompt would hold up the STT and the real reply."""
        dropped = self.speculator.cancel()
        if dropped is None:
            return False
        self.renderer.interrupt(dropped)
        return True

    def _speculate(self, item: Speculate) -> None:
        if item.serial != self._turn_serial or self.session.finished or self.player.speaking:
            return  # the turn already ended (answered the usual way) or the interviewer talks
        token = self.renderer.checkpoint()
        generation, move = self.speculator.begin(item.text)
        self._spec_undo = (generation, token)
        timing = TurnTiming(turn=move.turn, stt_last_segment_s=item.stt_s, t_move=self.clock())
        self._say(move, generation, timing, item.text, announce=False)

    def _undo_dropped_speculation(self) -> None:
        """The renderer's history must not keep a speculative reply that was never spoken."""
        if self._spec_undo is None:
            return
        generation, token = self._spec_undo
        if not self.speculator.was_committed(generation):
            if self.generation.is_current(generation):
                return  # still pending: the endpoint has not come yet
            self.renderer.restore(token)
        self._spec_undo = None

    def _say(
        self,
        move: Move,
        generation: int,
        timing: TurnTiming,
        candidate_text: str = "",
        announce: bool = True,
    ) -> None:
        move = replace(move, generation=generation)  # lets the renderer be interrupted
        with self._timing_lock:
            self._timings[generation] = timing
            self._moves[generation] = move
        if announce:
            self._emit("move", {"move": move})
        terms = self.session.decoder_terms()
        if self.stt is not None and terms:
            self.stt.set_vocabulary(", ".join(terms))
        splitter = self.splitter_factory()
        authored = True
        for reply in self.renderer.render(move, candidate_text):
            if not self.generation.is_current(generation):
                return
            authored = authored and reply.authored
            if timing.t_first_text is None and reply.text:
                timing.t_first_text = self.clock()
            for clause in splitter.process(reply):
                if timing.t_first_clause is None:
                    timing.t_first_clause = self.clock()
                self._clause_q.put((generation, clause, False))
        timing.authored = authored
        self._clause_q.put((generation, "", True))

    # --- speak: clauses -> audio ---------------------------------------------------------
    def _speak_loop(self) -> None:
        while True:
            item = self._clause_q.get()
            if item is None:
                return
            generation, clause, last = item
            if not self.generation.is_current(generation):
                continue
            timing = self._timings.get(generation)
            if clause:
                t0 = time.perf_counter()
                for audio in self.tts.synthesize(clause):
                    if not self.generation.is_current(generation):
                        break
                    if timing is not None and timing.tts_first_chunk_s is None:
                        timing.tts_first_chunk_s = time.perf_counter() - t0
                    self._route(replace(audio, generation=generation, is_last=False))
            if last:
                self._route(SpeechAudio(_EMPTY, 16_000, "", is_last=True, generation=generation))
                ender = threading.Thread(
                    target=self._guard(partial(self._after_reply, generation)),
                    name="reply-end",
                    daemon=True,
                )
                self._reply_threads.append(ender)
                ender.start()

    def _route(self, audio: SpeechAudio) -> None:
        """To the player, unless it belongs to a speculation still waiting for the endpoint."""
        if not self.speculator.hold_back(audio):
            self._to_player(audio)

    def _to_player(self, audio: SpeechAudio) -> None:
        if audio.text:
            self._emit("speaking", {"text": audio.text})
        self.player.queue.put(audio)

    def _after_reply(self, generation: int) -> None:
        """Wait for the reply to finish playing; journal what was heard; end or listen."""
        while not self._done.is_set() and not self.player.reply_done(generation):
            time.sleep(0.02)
        if not self.generation.is_current(generation):
            return
        if not self.player.reply_done(generation):
            # The loop stopped mid-reply (device lost, Ctrl-C): journal it as interrupted.
            self._record_heard(self.player.cancel())
            return
        heard = self.player.finished_reply()
        self._record_heard(heard)
        move = self._moves.get(generation)
        if move is not None and move.ends_interview:
            self._done.set()
            return
        self.awaiting_answer.set()
        self._emit("listening", {})

    # --- journal -------------------------------------------------------------------------
    def _first_audio(self, generation: int, t: float) -> None:
        with self._timing_lock:
            timing = self._timings.get(generation)
            move = self._moves.get(generation)
        if move is not None:  # the reply is heard: the context of the candidate's next turn
            self.turn_model.interviewer_asked(move.question or move.text)
            self.final_text.interviewer_said(move.text)
        if timing is None:
            return
        timing.t_first_audio = t
        fields: dict[str, Any] = {
            k: (round(v, 4) if isinstance(v, float) else v) for k, v in timing.__dict__.items()
        }
        if timing.t_endpoint is not None:
            fields["response_latency"] = round(t - timing.t_endpoint, 4)
        if timing.t_speech_end is not None:
            fields["voice_to_voice"] = round(t - timing.t_speech_end, 4)
        self.session.record(TimingLine(**fields))
        self._emit("timing", fields)

    def _record_heard(self, heard: Heard | None) -> None:
        if heard is None:
            return
        if heard.interrupted:
            self.renderer.heard(heard.text)  # the LLM's history holds what was actually said
        move = self._moves.get(heard.generation)
        self.session.record(
            SaidLine(move.turn if move else None, heard.text, heard.full_text, heard.interrupted)
        )
        self._emit("said", {"text": heard.text, "interrupted": heard.interrupted})

    def _guard(self, target: Callable[[], None]) -> Callable[[], None]:
        """Run a thread body; a failure stops the loop and is re-raised by ``run``."""

        def body() -> None:
            try:
                target()
            except BaseException as e:  # noqa: BLE001 - re-raised in run(), not swallowed
                log.exception("voice loop thread failed")
                self.errors.append(e)
                self._done.set()

        return body


_EMPTY = np.zeros(0, dtype=np.int16)


def _turn_start(words: tuple[Any, ...], ended: TurnEnded) -> float:
    return float(words[0].start) if words else ended.t_speech_end
