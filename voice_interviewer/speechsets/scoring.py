"""Scoring transcripts against references: word error rate and concept recall.

Concept recall is the share of the concept mentions in the reference that the director detects
in the transcript, with the director's own matcher; ``ConceptScorer.found`` is the one place
that calls it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from voice_interviewer.interview.content import Content
from voice_interviewer.text import comparable_words


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance over words (substitutions, insertions, deletions)."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(word edits, reference words) after ``text.comparable_words`` on both sides."""
    ref, hyp = comparable_words(reference), comparable_words(hypothesis)
    return edit_distance(ref, hyp), len(ref)


class ConceptScorer:
    """What the director would hear in a transcript of an answer to a given problem."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def found(self, problem_id: str | None, text: str) -> set[str]:
        """Concept ids the director's matcher detects in ``text``."""
        problem = self.content.problem(problem_id) if problem_id else None
        return set(self.content.matcher_for(problem).find(text))


@dataclass
class Tally:
    """Running totals of one configuration over many turns."""

    errors: int = 0
    words: int = 0
    mentions: int = 0
    heard: int = 0
    turns: int = 0
    seconds: list[float] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def add(
        self,
        reference: str,
        hypothesis: str,
        seconds: float,
        concepts: Iterable[str] = (),
        found: set[str] | None = None,
        label: str = "",
    ) -> None:
        edits, n = word_errors(reference, hypothesis)
        self.errors += edits
        self.words += n
        self.turns += 1
        self.seconds.append(seconds)
        for concept in concepts:
            self.mentions += 1
            if found is not None and concept in found:
                self.heard += 1
            else:
                self.missed.append(f"{label}:{concept}")

    @property
    def wer(self) -> float:
        return self.errors / self.words if self.words else 0.0

    @property
    def recall(self) -> float | None:
        return self.heard / self.mentions if self.mentions else None

    @property
    def mean_seconds(self) -> float:
        return sum(self.seconds) / len(self.seconds) if self.seconds else 0.0
