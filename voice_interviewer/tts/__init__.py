"""Text-to-speech: the clause splitter, the speech text normaliser and the Piper synthesizer.

Importing this package is cheap: piper and onnxruntime are imported only when a
``Synthesizer`` is built.
"""

from voice_interviewer.tts.clauses import ClauseSplitter, ClauseSplitterConfig, split_text
from voice_interviewer.tts.loudness import LoudnessConfig, normalize_loudness, voiced_rms
from voice_interviewer.tts.synthesizer import (
    Synthesizer,
    SynthesizerConfig,
    VoiceNotAvailableError,
    bundled_voice_paths,
)
from voice_interviewer.tts.text import normalize_for_speech

__all__ = [
    "ClauseSplitter",
    "ClauseSplitterConfig",
    "LoudnessConfig",
    "Synthesizer",
    "SynthesizerConfig",
    "VoiceNotAvailableError",
    "bundled_voice_paths",
    "normalize_for_speech",
    "normalize_loudness",
    "split_text",
    "voiced_rms",
]
