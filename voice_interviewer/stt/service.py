"""One transcription worker for many interviews: segments from N sessions decoded in batches.

Each session gets a ``StreamTranscriber`` with the live transcriber's call
(``transcribe(pcm, t_offset, sample_rate=...) -> Transcript`` and ``set_vocabulary``), so a
session's loop does not know it shares the model. Behind it, one worker thread takes whatever
segments are waiting (up to ``max_batch``, waiting at most ``max_wait_ms`` for company once the
first has come), runs the encoder once over the whole batch and the decoder over all of them
together, and hands each session its transcript. On a GPU a batch of 8 costs little more than
one segment, which is what lets one GPU serve many interviews; on a CPU batching saves less
(docs/performance.md has both).

The decode is faster-whisper's own building blocks (feature extractor, ``encode``,
CTranslate2's ``generate`` with one prompt per segment, ``add_word_timestamps``) with the live
path's gate, so a batched transcript is the one the segment would get on its own.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from voice_interviewer.messages import Transcript, Word
from voice_interviewer.stt.context import DecodingContext, terms_of
from voice_interviewer.stt.gate import reject_reason
from voice_interviewer.stt.transcriber import SAMPLE_RATE, Transcriber, rms_dbfs, to_float32_16k

if TYPE_CHECKING:
    from faster_whisper.tokenizer import Tokenizer

_WINDOW_S = 30.0


@dataclass(frozen=True)
class ServiceConfig:
    """Settings of the batching transcription service."""

    max_batch: int = 8
    """Most segments decoded in one call."""

    max_wait_ms: float = 10.0
    """How long the worker waits for more segments once one has arrived. Longer fills bigger
    batches under load and adds that much to every segment's latency when idle."""

    max_queue: int = 256
    """Segments waiting at most; a session submitting beyond this gets an error, not a hang."""


@dataclass
class ServiceStats:
    """Counts since start: batches run and segments decoded."""

    batches: int = 0
    segments: int = 0
    batch_sizes: list[int] = field(default_factory=list)

    @property
    def mean_batch(self) -> float:
        return self.segments / self.batches if self.batches else 0.0


@dataclass
class _Request:
    stream: str
    audio: np.ndarray
    t_offset: float
    prompt: str | None
    future: Future[Transcript]
    submitted: float


class ServiceFull(RuntimeError):
    """More segments are waiting than the service holds; the session should slow down."""


class TranscriberService:
    """Batches segments from many streams through one ``Transcriber``'s model on one thread."""

    def __init__(self, transcriber: Transcriber, config: ServiceConfig | None = None) -> None:
        from faster_whisper.tokenizer import Tokenizer

        self.stt = transcriber
        self.config = config or ServiceConfig()
        self.stats = ServiceStats()
        model = transcriber.model
        self._tokenizer: Tokenizer = Tokenizer(
            model.hf_tokenizer,
            model.model.is_multilingual,
            task="transcribe",
            language=transcriber.config.language or "en",
        )
        self._queue: queue.Queue[_Request | None] = queue.Queue(self.config.max_queue)
        self._thread = threading.Thread(target=self._run, name="stt-service", daemon=True)
        self._thread.start()

    def stream(self, stream_id: str) -> StreamTranscriber:
        """A per-session transcriber backed by this service."""
        return StreamTranscriber(self, stream_id)

    def submit(
        self,
        stream_id: str,
        pcm: np.ndarray,
        t_offset: float = 0.0,
        *,
        sample_rate: int = SAMPLE_RATE,
        prompt: str | None = None,
    ) -> Future[Transcript]:
        """Queue one segment (at most 30 s); the future resolves to its transcript."""
        audio = to_float32_16k(pcm, sample_rate)
        if len(audio) > _WINDOW_S * SAMPLE_RATE:
            raise ValueError(
                f"a segment for the service is at most {_WINDOW_S:.0f} s; got "
                f"{len(audio) / SAMPLE_RATE:.1f} s (cut it where the speaker paused)"
            )
        request = _Request(stream_id, audio, t_offset, prompt, Future(), time.perf_counter())
        try:
            self._queue.put_nowait(request)
        except queue.Full as error:
            raise ServiceFull(
                f"{self.config.max_queue} segments are already waiting for transcription"
            ) from error
        return request.future

    def close(self, timeout: float = 5.0) -> None:
        """Finish the queued segments and stop the worker."""
        self._queue.put(None)
        self._thread.join(timeout)

    # -- the worker ------------------------------------------------------------------------

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            deadline = time.perf_counter() + self.config.max_wait_ms / 1000
            while len(batch) < self.config.max_batch:
                try:
                    item = self._queue.get(timeout=max(0.0, deadline - time.perf_counter()))
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            self._serve(batch)

    def _serve(self, batch: list[_Request]) -> None:
        try:
            transcripts = self.decode(batch)
        except (RuntimeError, ValueError, MemoryError) as error:
            for request in batch:
                request.future.set_exception(error)
            return
        self.stats.batches += 1
        self.stats.segments += len(batch)
        self.stats.batch_sizes.append(len(batch))
        for request, transcript in zip(batch, transcripts, strict=True):
            request.future.set_result(transcript)

    def decode(self, batch: Sequence[_Request]) -> list[Transcript]:
        """Transcripts of ``batch``: one encoder call, one decoder call, the live path's gate."""
        t0 = time.perf_counter()
        voiced = [
            i for i, r in enumerate(batch) if rms_dbfs(r.audio) >= self.stt.config.min_rms_dbfs
        ]
        decoded: dict[int, tuple[str, tuple[Word, ...]]] = {}
        if voiced:
            decoded = dict(zip(voiced, self._decode([batch[i] for i in voiced]), strict=True))
        seconds = time.perf_counter() - t0
        return [
            Transcript(
                text=decoded.get(i, ("", ()))[0],
                t_start=r.t_offset,
                t_end=r.t_offset + len(r.audio) / SAMPLE_RATE,
                words=decoded.get(i, ("", ()))[1],
                stt_seconds=seconds,
            )
            for i, r in enumerate(batch)
        ]

    def _decode(self, batch: Sequence[_Request]) -> list[tuple[str, tuple[Word, ...]]]:
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.transcribe import get_compression_ratio, get_suppressed_tokens

        model, tok, cfg = self.stt.model, self._tokenizer, self.stt.config
        features = [model.feature_extractor(r.audio)[..., :-1] for r in batch]
        frames = [f.shape[-1] for f in features]
        encoder_output = model.encode(np.stack([pad_or_trim(f) for f in features]))
        prompts = self._prompts([r.prompt for r in batch])
        results = model.model.generate(
            encoder_output,
            prompts,
            beam_size=cfg.beam_size,
            max_length=model.max_length,
            suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tok, [-1]),
            return_scores=True,
            return_no_speech_prob=True,
        )
        segments = []
        for frames_i, result in zip(frames, results, strict=True):
            tokens = [t for t in result.sequences_ids[0] if t < tok.eot]
            text = tok.decode(tokens)
            segments.append(
                [
                    {
                        "text": text,
                        "tokens": tokens,
                        "seek": 0,
                        "start": 0.0,
                        "end": frames_i / model.frames_per_second,
                        "avg_logprob": result.scores[0] * len(tokens) / (len(tokens) + 1),
                        "no_speech_prob": result.no_speech_prob,
                        "compression_ratio": get_compression_ratio(text),
                    }
                ]
            )
        if cfg.word_timestamps:
            model.add_word_timestamps(
                segments, tok, encoder_output, frames, "\"'“¿([{-", "\"'.。,，!！?？:：”)]}、", 0.0
            )
        return [self._gated(r, seg[0]) for r, seg in zip(batch, segments, strict=True)]

    def _gated(self, request: _Request, seg: dict) -> tuple[str, tuple[Word, ...]]:
        seg_words = seg.get("words", [])
        reason = reject_reason(
            seg["text"],
            seg["no_speech_prob"],
            seg["avg_logprob"],
            [w["probability"] for w in seg_words],
            self.stt.config.gate,
            compression_ratio=seg["compression_ratio"],
        )
        if reason is not None:
            return "", ()
        words = tuple(
            Word(
                w["word"].strip(),
                request.t_offset + float(w["start"]),
                request.t_offset + float(w["end"]),
                float(w["probability"]),
            )
            for w in seg_words
        )
        return seg["text"].strip(), words

    def _prompts(self, texts: list[str | None]) -> list[list[int]]:
        """One decoder prompt per segment. CTranslate2 needs the start-of-transcript token at
        the same position in every prompt of a batch, so shorter previous texts are padded at
        their front with spaces (measured: the same words, log-probability within 0.06)."""
        model, tok = self.stt.model, self._tokenizer
        previous = [tok.encode(" " + t.strip()) if t else [] for t in texts]
        longest = max(len(p) for p in previous)
        space = tok.encode(" ")
        prompts = []
        for p in previous:
            padded = space * (longest - len(p)) + p if longest else []
            prompts.append(model.get_prompt(tok, padded, without_timestamps=True))
        return prompts


class StreamTranscriber:
    """One session's view of the service, with the live transcriber's interface."""

    def __init__(self, service: TranscriberService, stream_id: str) -> None:
        self.service = service
        self.stream_id = stream_id
        self._vocabulary = service.stt.config.vocabulary

    @property
    def device(self) -> str:
        return self.service.stt.device

    def set_vocabulary(self, vocabulary: str) -> None:
        """Replace this session's domain words (call when its problem changes)."""
        self._vocabulary = vocabulary

    def prompt(self) -> str | None:
        """This session's prompt: the filler style and its vocabulary, within the budget."""
        return self.service.stt.build_prompt(DecodingContext(terms_of(self._vocabulary)))

    def transcribe(
        self,
        pcm: np.ndarray,
        t_offset: float = 0.0,
        *,
        sample_rate: int = SAMPLE_RATE,
        ends_turn: bool = False,
        generation: int = 0,
    ) -> Transcript:
        """Transcribe one segment through the service (blocks until its batch is done)."""
        t0 = time.perf_counter()
        future = self.service.submit(
            self.stream_id, pcm, t_offset, sample_rate=sample_rate, prompt=self.prompt()
        )
        result = future.result()
        return Transcript(
            text=result.text,
            t_start=result.t_start,
            t_end=result.t_end,
            words=result.words,
            ends_turn=ends_turn,
            stt_seconds=time.perf_counter() - t0,
            generation=generation,
        )
