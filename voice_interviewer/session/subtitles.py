"""Subtitles (SRT and WebVTT) that line up with the exported session recording.

Cue times are seconds into the exported recording: session time minus the recording's ``t0``
(media.py). The candidate's cues follow the recognised words' own timestamps; the interviewer's
follow when its voice was audible (analytics.interviewer_spans), spread over the sentences of
what the candidate actually heard, in proportion to their length (the voice has no word
timings). Turns with no timing at all (a typed "h" for hint in a voice session) get no cue.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass, replace

from voice_interviewer.session.analytics import Analytics
from voice_interviewer.session.record import SessionRecord, WordTiming
from voice_interviewer.text import safe_text

MAX_CUE_CHARS = 84  # two lines of 42, the usual broadcast limit
MAX_CUE_S = 7.0
CUE_PAUSE_S = 1.0  # a pause this long starts a new cue
MIN_CUE_S = 0.3


@dataclass(frozen=True)
class Cue:
    """One subtitle: ``start``/``end`` in seconds into the recording."""

    start: float
    end: float
    speaker: str
    text: str
    turn: int


def _word_groups(words: list[WordTiming]) -> list[list[WordTiming]]:
    groups: list[list[WordTiming]] = []
    for w in words:
        if groups:
            g = groups[-1]
            chars = sum(len(x[0]) + 1 for x in g) + len(w[0])
            if (
                chars <= MAX_CUE_CHARS
                and w[2] - g[0][1] <= MAX_CUE_S
                and w[1] - g[-1][2] < CUE_PAUSE_S
                and not _ends_sentence(g[-1][0])
            ):
                g.append(w)
                continue
        groups.append([w])
    return groups


def _ends_sentence(word: str) -> bool:
    return word.endswith((".", "?", "!")) and not word.endswith("...")


def _text_groups(text: str) -> list[str]:
    """Sentences; a long one is cut into even pieces of at most about ``MAX_CUE_CHARS``,
    preferably after a comma or colon, so no cue is left with a single dangling word."""
    out: list[str] = []
    for sentence in re.split(r"(?<=[.?!])\s+", text.strip()):
        pieces = math.ceil(len(sentence) / MAX_CUE_CHARS)
        target = len(sentence) / max(pieces, 1)
        current: list[str] = []
        for word in sentence.split():
            size = len(" ".join(current))
            if current and (
                size + len(word) >= MAX_CUE_CHARS
                or size >= target
                or (size >= 0.75 * target and current[-1][-1] in ",:;")
            ):
                out.append(" ".join(current))
                current = []
            current.append(word)
        tail = " ".join(current)
        if out and len(tail) < 20 and len(out[-1]) + len(tail) < MAX_CUE_CHARS + 16:
            out[-1] += " " + tail  # no cue of one dangling word
        elif tail:
            out.append(tail)
    return out


def cues(record: SessionRecord, analytics: Analytics, t0: float) -> list[Cue]:
    """The session's cues in time order, relative to a recording that starts at ``t0``."""
    found: list[Cue] = []
    for turn in record.turns:
        k = turn["index"]
        if turn["speaker"] == "candidate":
            for g in _word_groups(record.words(k)):
                text = " ".join(w[0] for w in g)
                found.append(
                    Cue(g[0][1] - t0, max(g[-1][2], g[0][1] + MIN_CUE_S) - t0, "Candidate", text, k)
                )
            continue
        span = analytics.interviewer_spans.get(k)
        if span is None:
            continue
        heard = record.heard(k)
        text = heard.text if heard is not None else turn["text"]
        if heard is not None and heard.interrupted:
            text = text.rstrip() + " \u2014"
        parts = _text_groups(text)
        total = sum(len(p) for p in parts) or 1
        start, length = span[0], max(span[1] - span[0], MIN_CUE_S)
        for p in parts:
            end = start + length * len(p) / total
            found.append(Cue(start - t0, end - t0, "Interviewer", p, k))
            start = end
    found.sort(key=lambda c: (c.start, c.end))
    # Whisper's word times may overlap by a few frames: end each cue where the speaker's next
    # one starts, so players never show two lines of the same speaker at once.
    last: dict[str, int] = {}
    for i, c in enumerate(found):
        j = last.get(c.speaker)
        if j is not None and found[j].end > c.start:
            found[j] = replace(found[j], end=max(c.start, found[j].start + 0.05))
        last[c.speaker] = i
    return [c for c in found if c.end > 0]


def _stamp(seconds: float, sep: str) -> str:
    ms = max(0, int(round(seconds * 1000)))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _lines(text: str) -> str:
    wrapped = textwrap.wrap(safe_text(text), 42, break_on_hyphens=False, break_long_words=False)
    return "\n".join(wrapped) or "..."


def to_srt(found: list[Cue]) -> str:
    """SubRip: numbered cues, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, speaker as a prefix."""
    blocks = []
    for i, c in enumerate(found, 1):
        start = max(c.start, 0.0)
        blocks.append(
            f"{i}\n{_stamp(start, ',')} --> {_stamp(c.end, ',')}\n"
            f"{_lines(f'{c.speaker}: {c.text}')}\n"
        )
    return "\n".join(blocks)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(found: list[Cue]) -> str:
    """WebVTT with voice spans (``<v Candidate>``), which players show as the speaker."""
    out = ["WEBVTT", ""]
    for i, c in enumerate(found, 1):
        start = max(c.start, 0.0)
        out += [
            f"turn{c.turn}-{i}",
            f"{_stamp(start, '.')} --> {_stamp(c.end, '.')}",
            f"<v {c.speaker}>{_escape(_lines(c.text))}",
            "",
        ]
    return "\n".join(out)
