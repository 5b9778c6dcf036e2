"""What the candidate has covered: every concept heard, in which turn and sentence, whether
that sentence explained it, and what they admitted not knowing or waved away."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from voice_interviewer.interview.concepts import trim_quote
from voice_interviewer.interview.content import Content, Probe, Problem
from voice_interviewer.interview.understanding import Reading

# A sentence quoted as evidence is quoted whole up to this many words.
QUOTE_WORDS = 40


@dataclass(frozen=True)
class Heard:
    """A concept in one of the candidate's sentences."""

    concept: str
    turn: int
    quote: str
    """The sentence that holds it (trimmed around the concept when long)."""
    act: str
    """"statement" or "question"."""
    explains: bool
    read_back: bool
    """The sentence restates a hint the candidate was given."""
    t: float
    heard: str
    """The words as said ("point-in-time joins")."""
    sentence: int = 0
    """Where the sentence starts in the turn's text (one sentence may hold several concepts)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Heard:
        return self  # immutable: shared by forks of the interview state


@dataclass
class Coverage:
    """Concept id -> every asserted mention, in order; plus admissions and dismissals.

    ``since`` arguments let the design discussion be judged apart from the warm-up, whose
    answer is a general tour of the lifecycle rather than evidence about this design.
    """

    heard: dict[str, list[Heard]] = field(default_factory=dict)
    admitted: dict[str, list[Heard]] = field(default_factory=dict)
    dismissed: dict[str, list[Heard]] = field(default_factory=dict)
    off_problem: set[int] = field(default_factory=set)
    """Turns that answered a different problem: no evidence for this one."""

    def add(
        self, reading: Reading, turn: int, t: float, read_back: Callable[[str], bool]
    ) -> set[str]:
        """Record one candidate turn; returns the concepts its statements assert."""
        asserted: set[str] = set()
        for sentence in reading.sentences:
            if sentence.act == "request":
                continue
            copied = read_back(sentence.text) if sentence.act == "statement" else False
            for m in sentence.mentions:
                heard = Heard(
                    m.concept,
                    turn,
                    _quote(sentence.text, m.start - sentence.start, m.stance),
                    sentence.act,
                    sentence.explains,
                    copied,
                    t,
                    m.heard,
                    sentence.start,
                )
                if m.stance == "asserts":
                    bucket = self.heard
                    if sentence.act == "statement":
                        asserted.add(m.concept)
                elif m.stance == "admits":
                    bucket = self.admitted
                elif m.stance == "dismisses":
                    bucket = self.dismissed
                else:
                    continue
                mentions = bucket.setdefault(m.concept, [])
                if not any(h.turn == turn and h.sentence == heard.sentence for h in mentions):
                    mentions.append(heard)
        return asserted

    def remove_turn(self, turn: int) -> None:
        """Forget what one turn said (its text was revised)."""
        for bucket in (self.heard, self.admitted, self.dismissed):
            for cid in list(bucket):
                bucket[cid] = [h for h in bucket[cid] if h.turn != turn]
                if not bucket[cid]:
                    del bucket[cid]

    def mentions(self, cid: str, since: int = 0, questions: bool = False) -> list[Heard]:
        """Asserted mentions of ``cid`` at or after turn ``since``: statements, and questions
        too when ``questions`` (asking about the scale covers the scale)."""
        return [
            h
            for h in self.heard.get(cid, ())
            if h.turn >= since
            and h.turn not in self.off_problem
            and (h.act == "statement" or questions)
        ]

    def covered(self, cid: str, since: int = 0, questions: bool = False) -> bool:
        return bool(self.mentions(cid, since, questions))

    def first(self, cid: str, since: int = 0) -> Heard | None:
        """The first statement asserting ``cid`` at or after turn ``since``."""
        found = self.mentions(cid, since)
        return found[0] if found else None

    def turns(self, cid: str, since: int = 0) -> list[int]:
        return sorted({h.turn for h in self.mentions(cid, since)})

    def turn_count(self, cids: Iterable[str], since: int = 0) -> int:
        """How many distinct turns at or after ``since`` asserted any of ``cids``."""
        return len({turn for cid in cids for turn in self.turns(cid, since)})

    def was_dismissed(self, cids: Iterable[str], since: int = 0) -> Heard | None:
        found = [h for cid in cids for h in self.dismissed.get(cid, ()) if h.turn >= since]
        return min(found, key=lambda h: h.turn) if found else None


def probe_point_covered(probe: Probe, coverage: Coverage, since: int) -> bool:
    """Whether the candidate already made the probe's point (all or any of covered_by)."""
    hits = [coverage.covered(c, since) for c in probe.covered_by]
    return all(hits) if probe.covered_when == "all" else any(hits)


def area_concepts(content: Content, area: str, problem: Problem | None) -> list[str]:
    """Every concept that counts for a rubric area: the rubric's, the problem's key concepts
    for it, and any concept (global or the problem's own) filed under the area."""
    rubric = content.area(area)
    ids = list(rubric.intermediate_concepts + rubric.expert_concepts)
    if problem is not None:
        ids += [c for c in problem.key_concepts.get(area, ()) if c not in ids]
    own = problem.concepts if problem is not None else {}
    for cid, concept in (*content.concepts.items(), *own.items()):
        if concept.area == area and cid not in ids:
            ids.append(cid)
    return [c for c in ids if c not in rubric.novice_concepts]


def expert_concepts(content: Content, area: str, problem: Problem | None) -> list[str]:
    """The concepts that show Expert-level design in an area: the rubric's and the problem's."""
    ids = list(content.area(area).expert_concepts)
    if problem is not None:
        for cid in problem.expert_concepts:
            concept = content.concept(cid, problem)
            if concept is not None and concept.area == area and cid not in ids:
                ids.append(cid)
    return ids


_CONTRAST = re.compile(r"(?:,|;)?\s+(?:but|though|although|however)\s+", re.IGNORECASE)


def _quote(sentence: str, at: int, stance: str) -> str:
    """The sentence quoted for a concept at ``at``: when the concept is asserted after a turn
    ("I'm not sure what a feature store is, but I'd keep the counts in Redis"), only the part
    that asserts it, so an admission is never quoted as evidence."""
    if stance == "asserts":
        cuts = [m.end() for m in _CONTRAST.finditer(sentence, 0, at)]
        if cuts:
            rest = sentence[cuts[-1] :]
            sentence, at = rest[:1].upper() + rest[1:], at - cuts[-1]
    return trim_quote(sentence, at, QUOTE_WORDS)
