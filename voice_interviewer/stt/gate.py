"""The no-speech / hallucination gate: decide whether a decoded Whisper segment is real speech.

Whisper always emits *something*. On silence and noise tiny.en says "you", "Thank you." or
".", and with our filler prompt "Uh,", "Mm-hmm." or "Hey, hey, hey, hey." (on clicks and
key taps). Measured (tiny.en, filler prompt): noise had no_speech_prob 0.42-0.96 with
avg_logprob -0.82 to -1.56, or a repetition loop (compression ratio 29); speech, real and
Piper-voiced, loud or quiet, had no_speech_prob <= 0.16 and avg_logprob -0.11 to -0.50. A
segment that fails any rule here is dropped, so silence never becomes a turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from voice_interviewer.text import words as text_words

FILLER_WORDS: frozenset[str] = frozenset(
    {"um", "umm", "uh", "uhh", "hmm", "hm", "mm", "mhm", "mmhmm", "er", "erm", "ah"}
)
"""Words that count as fillers (the text module's normal form: "mm-hmm" is "mm", "hmm") for
analytics and the gate."""

_HALLUCINATIONS: tuple[str, ...] = (
    "you",
    "thank you",
    "thank you very much",
    "thank you so much",
    "thanks",
    "thanks for watching",
    "thank you for watching",
    "thank you so much for watching",
    "thanks for listening",
    "thank you for listening",
    "please subscribe",
    "like and subscribe",
    "bye",
    "bye bye",
    "the end",
)

# Credits that Whisper learned from subtitle files; they are never what a candidate says.
_CREDIT_PATTERNS: tuple[str, ...] = (
    r"subtitles? by",
    r"captions? by",
    r"transcri(?:bed|ption|pt) by",
    r"translated by",
    r"amara\.org",
    r"www\.",
    r"\.com\b",
)


@dataclass(frozen=True)
class GateConfig:
    """Thresholds of the no-speech / hallucination gate."""

    no_speech_threshold: float = 0.35
    """Drop a segment whose no_speech_prob is above this AND whose avg_logprob is below
    ``logprob_threshold``: Whisper's own rule (0.6 and -1.0), made stricter because key taps
    measured 0.42 / -0.84 and clicks 0.51 / -0.90."""

    logprob_threshold: float = -0.6
    """See ``no_speech_threshold``."""

    max_compression_ratio: float = 2.4
    """Drop a segment whose text compresses better than this (a repetition loop such as
    "hey, hey, hey, ..."); Whisper's own fallback threshold, so only a segment for which
    every temperature looped gets here."""

    filler_only_no_speech_threshold: float = 0.3
    """A segment made only of fillers ("Uh,", "Mm-hmm.") is dropped above this no_speech_prob:
    the filler prompt makes Whisper say exactly these words on noise."""

    min_mean_word_probability: float = 0.1
    """Drop a segment whose words average below this probability (noise: 0.01-0.13; a
    quiet lone "Um," measured 0.11)."""

    hallucinations: tuple[str, ...] = _HALLUCINATIONS
    """Whole-segment texts (normalised) that are dropped as known Whisper hallucinations on
    silence and noise. A real "Thank you." on its own is lost too; it carries no answer."""

    credit_patterns: tuple[str, ...] = _CREDIT_PATTERNS
    """Regular expressions (on lower-case text) that mark subtitle credits anywhere in a
    segment."""


def reject_reason(
    text: str,
    no_speech_prob: float,
    avg_logprob: float,
    word_probabilities: Sequence[float] = (),
    config: GateConfig | None = None,
    compression_ratio: float = 1.0,
) -> str | None:
    """Why this decoded segment is not speech, or None when it should be kept."""
    cfg = config or GateConfig()
    words = text_words(text)
    if not words:
        return "no words"
    if no_speech_prob > cfg.no_speech_threshold and avg_logprob < cfg.logprob_threshold:
        return f"no speech (p={no_speech_prob:.2f}, logprob={avg_logprob:.2f})"
    if compression_ratio > cfg.max_compression_ratio:
        return f"repetition loop (compression ratio {compression_ratio:.1f})"
    if word_probabilities:
        mean_p = sum(word_probabilities) / len(word_probabilities)
        if mean_p < cfg.min_mean_word_probability:
            return f"low word probability ({mean_p:.2f})"
    if all(w in FILLER_WORDS for w in words) and (
        no_speech_prob > cfg.filler_only_no_speech_threshold
    ):
        return f"fillers only on likely noise (p={no_speech_prob:.2f})"
    if " ".join(words) in cfg.hallucinations:
        return "known hallucination"
    lowered = text.lower()
    for pattern in cfg.credit_patterns:
        if re.search(pattern, lowered):
            return "subtitle credit"
    return None
