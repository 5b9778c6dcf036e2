"""The endpointing set: interview answers with labelled pauses, for ``scripts/bench_endpointing.py``.

Each item is one candidate turn: audio (16 kHz int16) and every pause in it, labelled ``mid``
(the candidate goes on after it: the endpointer must not end the turn there) or ``end`` (the
true end of the turn, followed by ``END_SILENCE_S`` of silence: the dead air is measured
there). A mid-turn pause has a kind:

- ``think``: a thinking pause of 0.5-4 s inside a clause ("a two tower model for [pause]
  candidate generation") or after "let me think";
- ``filler``: after a filler ("um... so [pause]"), 0.5-3 s;
- ``list``: between list items ("latency, [pause] freshness, [pause] and cost"), 0.3-1.2 s;
- ``then``: a comma before "and then", 0.3-1.2 s;
- ``sentence``: between two finished sentences of a longer answer, 0.4-1.2 s;
- ``comma``: the natural and stretched pauses of the real recordings.

Synthesized items: each script is spoken whole by flite (recorded-speaker voices, none of them
the interviewer's), and cut at each pause marker using flite's own phone timings
(``-psdur``), so the audio before a mid-turn pause carries the prosody of a sentence that goes
on, not the falling end of a sentence spoken alone. The pause is silence of a length drawn per
item (seeded: the set is the same on every run). Real items: the LJ Speech clips and JFK's
inaugural excerpt (``tests/data/real-speech``), with their own pauses and with pauses
stretched. Items carry the interview context their answer follows: ``long`` after an open
design question, ``short`` after "Ready?", None for the read speech.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice_interviewer.speechsets.voices import SAMPLE_RATE, Voice, VoiceUnavailable, voice

LEAD_S = 0.5
"""Silence before each answer."""
END_SILENCE_S = 7.0
"""Silence after each answer: longer than any method's longest wait."""

PAUSE_RANGES: dict[str, tuple[float, float, bool]] = {
    "think": (0.5, 4.0, True),
    "filler": (0.5, 3.0, True),
    "list": (0.3, 1.2, False),
    "then": (0.3, 1.2, False),
    "sentence": (0.4, 1.2, False),
}
"""Kind -> (shortest, longest, log-uniform) pause length in seconds."""

MARKER = re.compile(r"\s*\|(" + "|".join(PAUSE_RANGES) + r")\|\s*")

VOICES = ("flite-slt", "flite-rms", "flite-awb", "flite-kal16")
"""The candidate voices of the synthesized items (flite: Smart Turn hears espeak-ng's formant
speech as complete whatever is said, so it would measure the voice, not the policy)."""

LONG_ANSWERS: tuple[str, ...] = (
    "I would start with a two tower model for |think| candidate generation, and then a ranker on top.",
    "Um, |filler| so the first thing I'd look at is the data we log today.",
    "We need three things: latency, |list| freshness, |list| and cost.",
    "First we compute the features offline, |then| and then we push them to an online store.",
    "The main metric would be |think| click through rate, guarded by a latency budget.",
    "For the model I'd pick |think| gradient boosted trees as a baseline. |sentence| Then we can try a deep model if it pays off.",
    "I would use a feature store. |sentence| It keeps training and serving consistent.",
    "Let me think. |think| I'd say the biggest risk is training serving skew.",
    "So |filler| the pipeline has three stages: retrieval, |list| ranking, |list| and re-ranking.",
    "We train nightly on the last thirty days, |then| and then we validate on the most recent day.",
    "For monitoring I'd watch |think| the prediction distribution and the feature null rates.",
    "The embeddings come from |think| a model trained on co-views. |sentence| We refresh them weekly.",
    "Uh, |filler| the serving path needs to answer within fifty milliseconds.",
    "I'd split traffic fifty fifty, |then| and then run the test for two full weeks.",
    "Cold start is the hard part. |sentence| For new items we'd fall back to |think| content features.",
    "We could cache the top candidates per user, |then| and then re-rank them at request time.",
    "The labels are |think| purchases within a day of the impression.",
    "Hmm, |filler| I think the sample size depends on the minimum effect we care about.",
    "To avoid leakage we use point in time joins, |then| and then we backfill the features.",
    "My plan has four parts: the data, |list| the features, |list| the model, |list| and the rollout.",
    "The model server loads the new version |think| behind a shadow deployment first.",
    "So, |filler| let me think about the scale. |think| We have about ten million users a day.",
    "I'd log every impression with its features, |then| and then join the clicks later.",
    "For the ranking loss I'd use |think| a pairwise objective.",
    "Drift shows up as a shift in the inputs. |sentence| We alert when the population stability index moves.",
    "Um, |filler| the novelty effect fades after a week or so.",
    "We would need the user's history, |list| the item's metadata, |list| and the context of the request.",
    "I think the bottleneck is |think| the feature lookup, not the model.",
    "Latency matters most on the home page. |sentence| Search can afford a little more.",
    "We retrain when the offline metric drops, |then| and then we compare against the live model.",
    "The candidate generator returns |think| about five hundred items per request.",
    "Uh, |filler| okay, so for the experiment we randomize by user, not by session.",
    "Let me see. |think| Negative sampling would keep the training set small.",
    "We keep a holdout group |think| that never sees the new model.",
    "The online store is a key value database, |then| and then the offline store is the warehouse.",
    "For fraud the classes are very imbalanced. |sentence| So precision at a fixed recall is the metric.",
    "I'd start simple: |list| logistic regression, |list| then trees, |list| then a neural net.",
    "The guardrail metrics are |think| revenue per user and the unsubscribe rate.",
    "So, |filler| the features would be computed in a streaming job.",
    "The ranker scores each candidate, |then| and then we apply business rules.",
    "If the model is too slow we can distill it |think| into a smaller one.",
    "Hmm, |filler| we should also check for position bias in the logs.",
    "A canary release goes to one percent of traffic first. |sentence| Then we ramp up over a day.",
    "The serving layer has |think| a cache in front of the model.",
    "We'd measure |think| the lift in conversions with a two sided test. That's my answer.",
    "Let me think about that. |think| I'd probably use a bandit for the cold items. I'm done.",
    "What's the latency budget for the whole request?",
    "Before I start, |think| how many requests per second do we expect?",
    "Do we have labels for |think| the historical transactions?",
    "And then the last piece is |think| the feedback loop from the labels back into training.",
)
"""Answers to open design questions (context ``long``); ``|kind|`` marks a mid-turn pause."""

SHORT_ANSWERS: tuple[str, ...] = (
    "Yes, I'm ready.",
    "Sure, let's start.",
    "Yes.",
    "Could you repeat the question?",
    "Okay.",
    "No questions, let's go.",
    "Um, |filler| yes, I think so.",
    "Yes, that makes sense.",
)
"""Answers to questions that want a word or two, like "Ready?" (context ``short``)."""


@dataclass(frozen=True)
class Pause:
    """One pause: from the end of a word (``start``) to the next word or the end of the
    item (``end``), seconds from the item's start."""

    start: float
    end: float
    label: str  # "mid" | "end"
    kind: str  # a PAUSE_RANGES kind, "comma", or "end"

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Item:
    """One candidate turn with its labelled pauses."""

    id: str
    voice: str
    context: str | None  # "long" | "short" | None
    text: str
    audio: np.ndarray
    pauses: tuple[Pause, ...]

    @property
    def mids(self) -> tuple[Pause, ...]:
        return tuple(p for p in self.pauses if p.label == "mid")

    @property
    def end(self) -> Pause:
        return next(p for p in self.pauses if p.label == "end")


def scripts() -> list[tuple[str, str, str]]:
    """(id, context, script) of every synthesized answer."""
    out = [(f"long{i:02d}", "long", s) for i, s in enumerate(LONG_ANSWERS)]
    out += [(f"short{i:02d}", "short", s) for i, s in enumerate(SHORT_ANSWERS)]
    return out


def pause_length(item_id: str, index: int, kind: str) -> float:
    """The seeded length of one pause (the same on every run)."""
    low, high, log = PAUSE_RANGES[kind]
    seed = int(hashlib.sha256(f"{item_id}/{index}".encode()).hexdigest()[:12], 16)
    u = random.Random(seed).random()
    value = math.exp(math.log(low) + u * math.log(high / low)) if log else low + u * (high - low)
    return round(value, 2)


# --- synthesized items ---------------------------------------------------------------------------


def _flite_phones(text: str, speaker: Voice, wav: Path | None) -> list[tuple[str, float]]:
    """flite's phones of ``text`` with their end times (s); writes the audio to ``wav``."""
    if shutil.which("flite") is None:
        raise VoiceUnavailable("the endpointing set needs flite: apt-get install flite")
    out = str(wav) if wav is not None else "none"
    done = subprocess.run(
        ["flite", "-voice", speaker.voice, "-psdur", "-t", text, "-o", out],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise VoiceUnavailable(f"flite failed on {text[:40]!r}: {done.stderr}")
    phones = []
    for token in done.stdout.split():
        name, _, end = token.rpartition(":")
        phones.append((name, float(end)))
    return phones


def _words_only(phones: list[tuple[str, float]]) -> list[tuple[str, float, float]]:
    """(phone, start, end) of the phones that are not pauses."""
    out = []
    start = 0.0
    for name, end in phones:
        if name != "pau":
            out.append((name, start, end))
        start = end
    return out


def synthesize_item(item_id: str, context: str, script: str, voice_name: str) -> Item:
    """Speak ``script`` whole and put the seeded pauses at its markers (see the module doc)."""
    import soundfile

    from voice_interviewer.audio.resample import resample

    speaker = voice(voice_name)
    parts = MARKER.split(script.strip())
    texts, kinds = parts[0::2], parts[1::2]
    full_text = " ".join(t.strip() for t in texts)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "answer.wav"
        phones = _words_only(_flite_phones(full_text, speaker, wav))
        pcm, rate = soundfile.read(str(wav), dtype="int16")
    pcm = np.ascontiguousarray(resample(pcm, rate, SAMPLE_RATE))
    cuts = []  # (phone index where each piece ends)
    for i in range(len(kinds)):
        prefix = " ".join(t.strip() for t in texts[: i + 1])
        cuts.append(len(_words_only(_flite_phones(prefix, speaker, None))))
    bounds = [0.0]
    for k in cuts:
        bounds += [phones[k - 1][2], phones[k][1]]
    pieces = [np.zeros(int(LEAD_S * SAMPLE_RATE), dtype=np.int16)]
    pauses = []
    t = LEAD_S
    for j, kind in enumerate(kinds):
        a, b = (int(round(x * SAMPLE_RATE)) for x in bounds[2 * j : 2 * j + 2])
        pieces.append(_faded(pcm[a:b]))
        t += (b - a) / SAMPLE_RATE
        gap = pause_length(f"{item_id}/{voice_name}", j, kind)
        pauses.append(Pause(t, t + gap, "mid", kind))
        pieces.append(np.zeros(int(round(gap * SAMPLE_RATE)), dtype=np.int16))
        t += gap
    # The last piece keeps flite's own ending (the decay after the last phone): cut there,
    # a finished sentence would sound chopped off.
    a = int(round(bounds[-1] * SAMPLE_RATE))
    last_end = t + phones[-1][2] - bounds[-1]
    pieces.append(_faded(pcm[a:], out_ms=0.0))
    t += (len(pcm) - a) / SAMPLE_RATE
    pauses.append(Pause(last_end, t + END_SILENCE_S, "end", "end"))
    pieces.append(np.zeros(int(END_SILENCE_S * SAMPLE_RATE), dtype=np.int16))
    return Item(
        f"{item_id}/{voice_name}",
        voice_name,
        context,
        MARKER.sub(" ", script).strip(),
        np.concatenate(pieces),
        tuple(pauses),
    )


def _faded(piece: np.ndarray, in_ms: float = 10.0, out_ms: float = 25.0) -> np.ndarray:
    """Raised-cosine fades at a cut, so it sounds like a voice stopping, not a click."""
    x = piece.astype(np.float32)
    for ms, at_end in ((in_ms, False), (out_ms, True)):
        n = min(len(x), int(ms * SAMPLE_RATE / 1000))
        if n:
            ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n, dtype=np.float32))
            if at_end:
                x[-n:] *= ramp[::-1]
            else:
                x[:n] *= ramp
    return np.round(x).astype(np.int16)


# --- real speech --------------------------------------------------------------------------------

JFK_PAUSES = ((2.28, 3.28), (4.44, 5.44), (7.64, 8.18))
"""The three pauses inside the JFK clip at 16 kHz ("Americans, | ask not | what your country
can do for you, | ask what you can do"), from the VAD's frame decisions."""

LJ_PAIRS = (("LJ001-0006.wav", "LJ001-0008.wav"), ("LJ001-0004.wav", "LJ001-0013.wav"))
"""Clips that end on a comma, followed by a clip that ends a sentence."""
LJ_SINGLES = ("LJ001-0002.wav", "LJ001-0008.wav", "LJ001-0013.wav")
"""Clips that end a sentence, each a turn on its own."""
STRETCH_S = (0.5, 1.0, 2.0, 3.0)
"""Pause lengths the real items are built with (the JFK pauses are stretched by these)."""


def _read_16k(path: Path) -> np.ndarray:
    import soundfile

    from voice_interviewer.audio.resample import resample

    pcm, rate = soundfile.read(str(path), dtype="int16")
    if pcm.ndim == 2:
        pcm = pcm.mean(axis=1).astype(np.int16)
    return np.ascontiguousarray(resample(pcm, rate, SAMPLE_RATE))


def _trim(pcm: np.ndarray, level: int = 300) -> np.ndarray:
    """Drop the leading and trailing near-silence of a clip."""
    loud = np.nonzero(np.abs(pcm.astype(np.int32)) > level)[0]
    return pcm[loud[0] : loud[-1] + 1] if len(loud) else pcm


def _assemble(item_id: str, pieces: list[np.ndarray], gaps: list[float], text: str) -> Item:
    zeros = lambda s: np.zeros(int(round(s * SAMPLE_RATE)), dtype=np.int16)  # noqa: E731
    out = [zeros(LEAD_S)]
    t = LEAD_S
    pauses = []
    for i, piece in enumerate(pieces):
        out.append(piece)
        t += len(piece) / SAMPLE_RATE
        if i < len(gaps):
            pauses.append(Pause(t, t + gaps[i], "mid", "comma"))
            out.append(zeros(gaps[i]))
            t += gaps[i]
    pauses.append(Pause(t, t + END_SILENCE_S, "end", "end"))
    out.append(zeros(END_SILENCE_S))
    return Item(item_id, "real", None, text, np.concatenate(out), tuple(pauses))


def real_items(directory: Path) -> list[Item]:
    """The items built from the real recordings in ``directory`` (tests/data/real-speech)."""
    texts = {p.name: p.with_suffix(".txt") for p in directory.glob("LJ*.wav")}

    def text_of(name: str) -> str:
        return texts[name].read_text(encoding="utf-8").strip()

    items = []
    for first, second in LJ_PAIRS:
        a, b = _trim(_read_16k(directory / first)), _trim(_read_16k(directory / second))
        for gap in STRETCH_S:
            items.append(
                _assemble(
                    f"real/{first[:10]}+{second[:10]}/{gap}",
                    [a, b],
                    [gap],
                    f"{text_of(first)} {text_of(second)}",
                )
            )
    for name in LJ_SINGLES:
        items.append(
            _assemble(f"real/{name[:10]}", [_trim(_read_16k(directory / name))], [], text_of(name))
        )
    jfk = _read_16k(directory / "jfk.flac")
    cuts = [0, *(int(x * SAMPLE_RATE) for span in JFK_PAUSES for x in span), len(jfk)]
    words = [jfk[cuts[i] : cuts[i + 1]] for i in range(0, len(cuts), 2)]
    words[0], words[-1] = _trim(words[0]), _trim(words[-1])
    natural = [b - a for a, b in JFK_PAUSES]
    jfk_text = (
        "And so my fellow Americans, ask not what your country can do for you,"
        " ask what you can do for your country."
    )
    items.append(_assemble("real/jfk/natural", words, natural, jfk_text))
    for extra in STRETCH_S[1:]:
        items.append(_assemble(f"real/jfk/{extra}", words, [g + extra for g in natural], jfk_text))
    return items


# --- the set ------------------------------------------------------------------------------------


class EndpointingSet:
    """Builds the items once and keeps them on disk (``cache``), so a rerun synthesizes
    nothing; ``quick`` keeps every eighth synthesized script and every real item."""

    def __init__(
        self,
        real_speech: Path,
        cache: Path,
        *,
        voices: tuple[str, ...] = VOICES,
        quick: bool = False,
    ) -> None:
        self.real_speech = real_speech
        self.cache = cache
        self.voices = voices
        self.quick = quick

    def items(self) -> Iterator[Item]:
        """Every item: the synthesized ones voice by voice, then the real ones."""
        chosen = scripts()
        if self.quick:
            chosen = chosen[::8]
        for voice_name in self.voices:
            for item_id, context, script in chosen:
                yield self._cached(item_id, context, script, voice_name)
        yield from real_items(self.real_speech)

    def _cached(self, item_id: str, context: str, script: str, voice_name: str) -> Item:
        key = hashlib.sha256(f"v1\n{voice_name}\n{script}".encode()).hexdigest()[:16]
        path = self.cache / f"{voice_name}-{item_id}-{key}.npz"
        if path.exists():
            with np.load(path) as data:
                pauses = tuple(
                    Pause(float(s), float(e), str(lab), str(k))
                    for s, e, lab, k in zip(
                        data["starts"], data["ends"], data["labels"], data["kinds"], strict=True
                    )
                )
                audio = data["audio"]
            return Item(
                f"{item_id}/{voice_name}",
                voice_name,
                context,
                MARKER.sub(" ", script).strip(),
                audio,
                pauses,
            )
        item = synthesize_item(item_id, context, script, voice_name)
        self.cache.mkdir(parents=True, exist_ok=True)
        np.savez(
            path,
            audio=item.audio,
            starts=np.array([p.start for p in item.pauses]),
            ends=np.array([p.end for p in item.pauses]),
            labels=np.array([p.label for p in item.pauses]),
            kinds=np.array([p.kind for p in item.pauses]),
        )
        return item
