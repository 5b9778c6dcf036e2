"""Speech analytics of a session, per phase and overall: how the candidate spoke.

Everything timed comes from the candidate's word timestamps (voice sessions) and from when the
interviewer was audible: the recording's interviewer channel, or, when the recording is gone,
an estimate from what was heard and when it began (said so in ``interviewer_basis``). A typed
session has no timings: its time-based figures are ``None`` and ``available`` is False; word,
filler and hint counts still come from the text. No figure is ever invented.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from voice_interviewer.session import media
from voice_interviewer.session.record import SessionRecord, WordTiming
from voice_interviewer.text import normalize

log = logging.getLogger(__name__)

LONG_PAUSE_S = 3.0
ESTIMATED_WORDS_PER_S = 2.8
"""The bundled voice's pace (measured: a 44-word greeting took 14.8 s); used only to estimate
when the interviewer stopped talking if the recording is missing."""
MIN_TALK_FOR_RATE_S = 0.5  # below this a words-per-minute figure means nothing

FILLERS = ("um", "umm", "uh", "uhh", "er", "erm", "hmm", "mm", "like", "you know", "i mean")
"""What counts as a filler. "like", "you know" and "i mean" are fillers only when set off
(see ``count_fillers``): "a model like GBDT" is not one, "like, for search" is."""
_SIMPLE = {"um", "umm", "uh", "uhh", "er", "erm", "hmm", "mm"}
_SET_OFF = re.compile(r"[,.;:!?\u2026-]$")


@dataclass(frozen=True)
class Pause:
    """A silence of more than ``LONG_PAUSE_S`` inside a candidate turn."""

    turn: int
    start: float
    duration_s: float


@dataclass(frozen=True)
class TurnStats:
    """One candidate turn. Times on the session clock; ``None`` where not measured."""

    turn: int
    phase: str
    words: int
    fillers: int
    start: float | None = None
    end: float | None = None
    talk_s: float | None = None
    words_per_minute: float | None = None
    first_word_after_s: float | None = None
    """From the end of the interviewer's preceding turn to the first word (negative: the
    candidate started while the interviewer was still talking)."""


@dataclass(frozen=True)
class PhaseStats:
    """The figures of one phase, or of the whole session (``phase`` "overall")."""

    phase: str
    candidate_turns: int
    candidate_words: int
    fillers: int
    hints: int
    candidate_talk_s: float | None = None
    interviewer_talk_s: float | None = None
    candidate_share: float | None = None
    words_per_minute: float | None = None
    fillers_per_minute: float | None = None
    longest_monologue_s: float | None = None
    longest_monologue_turn: int | None = None
    long_pauses: int = 0
    first_word_after_s: float | None = None
    """Mean time to the first word after the interviewer finished (turns that began after)."""


@dataclass(frozen=True)
class Analytics:
    """The session's speech analytics; ``to_dict`` is the JSON export's "analytics"."""

    available: bool
    basis: str
    interviewer_basis: str | None
    note: str
    overall: PhaseStats
    phases: list[PhaseStats]
    turns: list[TurnStats]
    pauses: list[Pause] = field(default_factory=list)
    filler_counts: dict[str, int] = field(default_factory=dict)
    interviewer_spans: dict[int, tuple[float, float]] = field(default_factory=dict)
    latencies: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["latencies"]  # exported once, as the top-level "timings"
        data["interviewer_spans"] = [
            {"turn": k, "start": a, "end": b}
            for k, (a, b) in sorted(self.interviewer_spans.items())
        ]
        return data


def _norm(token: str) -> str:
    return normalize(token).replace(" ", "")


def count_fillers(tokens: list[str]) -> dict[str, int]:
    """Fillers in a turn's words (raw tokens, punctuation kept, as STT or the keyboard wrote
    them). "like" counts when it starts the turn or is set off by punctuation on either side;
    "you know" / "i mean" when followed by punctuation or ending the turn."""
    found: dict[str, int] = {}
    words = [_norm(t) for t in tokens]
    for i, (raw, w) in enumerate(zip(tokens, words, strict=True)):
        prev_set_off = i == 0 or bool(_SET_OFF.search(tokens[i - 1])) or words[i - 1] in _SIMPLE
        if w in _SIMPLE:
            found[w] = found.get(w, 0) + 1
        elif w == "like" and (prev_set_off or _SET_OFF.search(raw)):
            found["like"] = found.get("like", 0) + 1
        elif i > 0 and (words[i - 1], w) in (("you", "know"), ("i", "mean")):
            if i == len(words) - 1 or _SET_OFF.search(raw):
                key = f"{words[i - 1]} {w}"
                found[key] = found.get(key, 0) + 1
    return found


def _talk(words: list[WordTiming]) -> float:
    """Seconds of speech: word spans joined across pauses shorter than ``media.BRIDGE_S``."""
    total, start, end = 0.0, None, None
    for _, a, b in words:
        if start is None or end is None:
            start, end = a, b
        elif a - end < media.BRIDGE_S:
            end = max(end, b)
        else:
            total += end - start
            start, end = a, b
    if start is not None and end is not None:
        total += end - start
    return total


def _rate(count: int, seconds: float | None) -> float | None:
    if seconds is None or seconds < MIN_TALK_FOR_RATE_S:
        return None
    return round(count / (seconds / 60.0), 1)


def interviewer_spans(
    record: SessionRecord,
) -> tuple[dict[int, tuple[float, float]], dict[int, float], str | None]:
    """When each interviewer turn was audible: ({turn: (start, end)}, {turn: talk s}, basis)."""
    interviewer = [t for t in record.turns if t["speaker"] == "interviewer"]
    marks = []
    for t in interviewer:
        timing = record.timing(t["index"])
        marks.append(
            (
                timing.t_first_audio if timing and timing.t_first_audio is not None else t["t"],
                t["index"],
            )
        )
    runs = None
    if media.available(record):
        try:
            runs = media.channel_runs(record, channel=1)
        except media.MediaError as e:  # e.g. no soundfile: estimate, and say why
            log.warning("%s; estimating the interviewer's talk time instead", e)
    if runs is not None:
        spans: dict[int, tuple[float, float]] = {}
        talk: dict[int, float] = {}
        # Bisection, not a scan per run: a long session has thousands of runs and turns.
        marks.sort()
        mark_times = [m for m, _ in marks]
        for a, b in runs:
            i = bisect.bisect_right(mark_times, a + 0.1)
            if i == 0:
                continue
            k = marks[i - 1][1]
            s = spans.get(k)
            spans[k] = (a, b) if s is None else (min(s[0], a), max(s[1], b))
            talk[k] = talk.get(k, 0.0) + (b - a)
        return spans, talk, "recording"
    if not record.timings:
        return {}, {}, None
    starts = sorted(w[1] for t in record.turns for w in t.get("words", ()))
    spans, talk = {}, {}
    for t in interviewer:
        timing = record.timing(t["index"])
        if timing is None or timing.t_first_audio is None:
            continue
        heard = record.heard(t["index"])
        text = heard.text if heard is not None else t["text"]
        a = timing.t_first_audio
        b = a + len(text.split()) / ESTIMATED_WORDS_PER_S
        i = bisect.bisect_right(starts, a)
        if i < len(starts):
            b = min(b, starts[i])  # the candidate spoke next: it had ended
        spans[t["index"]], talk[t["index"]] = (a, b), b - a
    return spans, talk, "estimated from the heard text"


def analyse(record: SessionRecord) -> Analytics:
    """The session's speech analytics (see the module docstring for what is measured how)."""
    timed = record.has_word_timings
    spans, i_talk, i_basis = interviewer_spans(record) if timed else ({}, {}, None)
    by_index = {t["index"]: t for t in record.turns}
    turns: list[TurnStats] = []
    pauses: list[Pause] = []
    filler_counts: dict[str, int] = {}
    for t in record.turns:
        if t["speaker"] != "candidate":
            continue
        words = record.words(t["index"])
        tokens = [w[0] for w in words] if words else t["text"].split()
        found = count_fillers(tokens)
        for k, v in found.items():
            filler_counts[k] = filler_counts.get(k, 0) + v
        stats = TurnStats(t["index"], t["phase"], len(tokens), sum(found.values()))
        if words:
            talk = _talk(words)
            prev = by_index.get(t["index"] - 1)
            after = None
            if prev is not None and prev["speaker"] == "interviewer" and prev["index"] in spans:
                after = round(words[0][1] - spans[prev["index"]][1], 3)
            stats = TurnStats(
                stats.turn,
                stats.phase,
                stats.words,
                stats.fillers,
                words[0][1],
                words[-1][2],
                round(talk, 3),
                _rate(len(words), talk),
                after,
            )
            pauses += [
                Pause(t["index"], round(a[2], 3), round(b[1] - a[2], 3))
                for a, b in zip(words, words[1:], strict=False)
                if b[1] - a[2] > LONG_PAUSE_S
            ]
        turns.append(stats)
    hints = [by_index.get(e.turn, {}).get("phase", "") for e in record.events if e.kind == "hint"]
    i_phase: dict[str, float] = {}
    for index, seconds in i_talk.items():
        phase = by_index[index]["phase"] if index in by_index else ""
        i_phase[phase] = i_phase.get(phase, 0.0) + seconds
    order = list(
        dict.fromkeys([p["phase"] for p in record.phases] + [t["phase"] for t in record.turns])
    )
    phases = [
        _phase(
            p,
            [s for s in turns if s.phase == p],
            pauses,
            hints.count(p),
            i_phase.get(p) if i_basis else None,
        )
        for p in order
    ]
    overall = _phase(
        "overall", turns, pauses, len(hints), sum(i_talk.values()) if i_basis else None
    )
    latencies = [
        {
            "turn": x.turn,
            "t": x.t_first_audio,
            "response_latency": x.response_latency,
            "voice_to_voice": x.voice_to_voice,
            "stt_last_segment_s": x.stt_last_segment_s,
            "tts_first_chunk_s": x.tts_first_chunk_s,
        }
        for x in record.timings
        if x.response_latency is not None or x.voice_to_voice is not None
    ]
    if timed:
        note = "Measured from the candidate's word timestamps"
        note += {
            "recording": " and the recording's interviewer channel.",
            None: "; the interviewer's talk time is not known (no timings were saved).",
        }.get(
            i_basis,
            "; the interviewer's talk time is estimated from the heard text "
            "(the recording is missing).",
        )
    elif record.spoken:
        note = "Spoken session with no recognised words yet: there is nothing timed to measure."
    else:
        note = (
            "Typed session: no word timings, so speaking rate, talk time, pauses and response "
            "times are not measured. Word, filler and hint counts come from the typed text."
        )
    return Analytics(
        timed,
        "word timestamps" if timed else ("none" if record.spoken else "typed text"),
        i_basis,
        note,
        overall,
        phases,
        turns,
        pauses,
        filler_counts,
        spans if timed else {},
        latencies,
    )


def _phase(
    name: str,
    turns: list[TurnStats],
    pauses: list[Pause],
    hints: int,
    interviewer_talk: float | None,
) -> PhaseStats:
    words = sum(t.words for t in turns)
    fillers = sum(t.fillers for t in turns)
    timed = [t for t in turns if t.talk_s is not None]
    base = PhaseStats(name, len(turns), words, fillers, hints)
    if not timed:
        return base
    talk = sum(t.talk_s or 0.0 for t in timed)
    longest = max(timed, key=lambda t: (t.end or 0.0) - (t.start or 0.0))
    keys = {t.turn for t in turns}
    after = [
        t.first_word_after_s
        for t in timed
        if t.first_word_after_s is not None and t.first_word_after_s >= 0
    ]
    share = None
    if interviewer_talk is not None and talk + interviewer_talk > 0:
        share = round(talk / (talk + interviewer_talk), 3)
    return PhaseStats(
        name,
        len(turns),
        words,
        fillers,
        hints,
        candidate_talk_s=round(talk, 3),
        interviewer_talk_s=None if interviewer_talk is None else round(interviewer_talk, 3),
        candidate_share=share,
        words_per_minute=_rate(sum(t.words for t in timed), talk),
        fillers_per_minute=_rate(sum(t.fillers for t in timed), talk),
        longest_monologue_s=round((longest.end or 0.0) - (longest.start or 0.0), 3),
        longest_monologue_turn=longest.turn,
        long_pauses=sum(1 for p in pauses if p.turn in keys),
        first_word_after_s=round(sum(after) / len(after), 3) if after else None,
    )
