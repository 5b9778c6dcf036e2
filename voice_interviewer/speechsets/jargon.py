"""The jargon speech set: spoken ML-system-design answers with reference text and concepts.

The answers are data (``jargon.toml`` beside this module). Each is spoken as one candidate turn:
its sentences are the speech segments, with a short pause between them (shorter than the
endpointer's turn end, longer than its segment pause), so the fast pass sees the segments the
live loop would see and the final pass sees the whole turn.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from voice_interviewer.messages import SpeechSegment
from voice_interviewer.speechsets.voices import SAMPLE_RATE, SpeechCache, Voice
from voice_interviewer.text import sentences

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DATA = Path(__file__).with_name("jargon.toml")

DEFAULT_VOICES: tuple[str, ...] = ("flite-slt", "flite-rms", "espeak-gb-f")
"""The voices the benchmark speaks the set in by default: two recorded flite speakers and one
espeak-ng formant voice (none of them the interviewer's Piper joe)."""

SEGMENT_GAP_S = 0.6
"""Silence between two sentences of a turn: longer than the endpointer's segment pause
(250 ms), shorter than its turn end (700 ms)."""


@dataclass(frozen=True)
class JargonAnswer:
    """One spoken answer: its reference text, the problem it answers, the concepts it names."""

    id: str
    problem: str
    text: str
    concepts: tuple[str, ...]

    def sentences(self) -> list[str]:
        """The reference text cut into sentences, one speech segment each."""
        return sentences(self.text)


@dataclass(frozen=True)
class JargonSet:
    """The answers and the table of how the speech engines are asked to say written terms."""

    answers: tuple[JargonAnswer, ...]
    spoken: dict[str, str]

    def say(self, text: str) -> str:
        """``text`` as the speech engine should be asked to say it ("PSI" -> "P S I")."""
        for written in sorted(self.spoken, key=len, reverse=True):
            text = re.sub(
                r"(?<![\w-])" + re.escape(written) + r"(?![\w-])", self.spoken[written], text
            )
        return text

    def answer(self, answer_id: str) -> JargonAnswer:
        for a in self.answers:
            if a.id == answer_id:
                return a
        raise KeyError(f"no answer {answer_id!r} in the jargon set")


@cache
def load_jargon_set(path: Path = DATA) -> JargonSet:
    """Read and check the set; a malformed entry is a ValueError naming its id."""
    with path.open("rb") as f:
        raw = tomllib.load(f)
    answers = []
    for entry in raw.get("answer", []):
        try:
            answer = JargonAnswer(
                id=entry["id"],
                problem=entry["problem"],
                text=entry["text"],
                concepts=tuple(entry.get("concepts", ())),
            )
        except KeyError as error:
            raise ValueError(f"{path}: answer {entry.get('id', '?')} lacks {error}") from error
        answers.append(answer)
    ids = [a.id for a in answers]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: duplicate answer ids")
    return JargonSet(tuple(answers), dict(raw.get("spoken", {})))


@dataclass(frozen=True)
class SpokenTurn:
    """One answer spoken by one voice, as 16 kHz mono int16, with each segment's sample span."""

    answer: JargonAnswer
    voice: str
    pcm: np.ndarray
    segments: tuple[tuple[int, int], ...]
    """(start, end) sample indices of each sentence in ``pcm`` (the live path's segments)."""

    @property
    def seconds(self) -> float:
        return len(self.pcm) / SAMPLE_RATE


def speak_turn(
    answer: JargonAnswer,
    speaker: Voice,
    cache_: SpeechCache,
    *,
    jargon: JargonSet | None = None,
    gap_s: float = SEGMENT_GAP_S,
    lead_s: float = 0.3,
) -> SpokenTurn:
    """``answer`` spoken by ``speaker``: its sentences with ``gap_s`` of silence between them
    (each sentence cached on disk, so a rerun synthesizes nothing)."""
    jargon = jargon or load_jargon_set()
    gap = np.zeros(int(gap_s * SAMPLE_RATE), dtype=np.int16)
    pieces = [np.zeros(int(lead_s * SAMPLE_RATE), dtype=np.int16)]
    spans = []
    at = len(pieces[0])
    for sentence in answer.sentences():
        pcm = _trim(cache_.get(jargon.say(sentence), speaker))
        spans.append((at, at + len(pcm)))
        pieces += [pcm, gap]
        at += len(pcm) + len(gap)
    return SpokenTurn(answer, speaker.name, np.concatenate(pieces), tuple(spans))


def _trim(pcm: np.ndarray, threshold: int = 200, keep_s: float = 0.05) -> np.ndarray:
    """Cut the engine's own leading and trailing silence (flite adds up to 0.5 s), so the
    gap between segments is the one asked for."""
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > threshold)
    if loud.size == 0:
        return pcm
    keep = int(keep_s * SAMPLE_RATE)
    return pcm[max(0, loud[0] - keep) : loud[-1] + 1 + keep]


def turn_segments(
    turn: SpokenTurn, *, t0: float = 0.0, preroll_s: float = 0.3, tail_s: float = 0.2
) -> tuple[SpeechSegment, ...]:
    """The turn cut as the endpointer cuts it: one segment per sentence, with its pre-roll
    and a short tail, on a session clock where the turn's first sample is at ``t0``."""
    out = []
    n = len(turn.pcm)
    for start, end in turn.segments:
        a = max(0, start - int(preroll_s * SAMPLE_RATE))
        b = min(n, end + int(tail_s * SAMPLE_RATE))
        out.append(
            SpeechSegment(
                pcm=turn.pcm[a:b],
                sample_rate=SAMPLE_RATE,
                t_start=t0 + start / SAMPLE_RATE,
                t_end=t0 + end / SAMPLE_RATE,
                pcm_start=t0 + a / SAMPLE_RATE,
            )
        )
    if out:
        out[-1] = replace(out[-1], ends_turn=True)
    return tuple(out)
