"""Finding rubric concepts in what the candidate said, tolerant of transcription noise."""

from __future__ import annotations

import re
from dataclasses import dataclass

from voice_interviewer.text import normalize, normalize_with_offsets, sentence_spans

# A synonym this long (without spaces) may also match across spacing differences.
_JOINED_MIN_LETTERS = 6


@dataclass(frozen=True)
class Concept:
    """Something the interviewer listens for; ``area`` is a rubric area or scope/data/modeling."""

    id: str
    area: str
    label: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """Where a concept was heard: the synonym and its character span in the original text."""

    concept: str
    synonym: str
    start: int
    end: int


class ConceptMatcher:
    """Finds concepts in text by their synonyms, on word boundaries or with spaces removed."""

    def __init__(self, concepts: dict[str, Concept]) -> None:
        self.concepts = concepts
        self._patterns: list[tuple[str, str, re.Pattern[str], str]] = []
        for concept in concepts.values():
            for synonym in concept.synonyms:
                norm = normalize(synonym)
                if not norm:
                    continue
                spaced = re.compile(r"(?<![a-z0-9])" + re.escape(norm) + r"(?![a-z0-9])")
                joined = (
                    norm.replace(" ", "")
                    if len(norm.replace(" ", "")) >= _JOINED_MIN_LETTERS
                    else ""
                )
                self._patterns.append((concept.id, synonym, spaced, joined))

    def find(self, text: str) -> dict[str, Match]:
        """The concepts present in ``text``, each with its first match."""
        norm, offsets = normalize_with_offsets(text)
        joined, joined_offsets = _join(norm, offsets)
        found: dict[str, Match] = {}
        for concept_id, synonym, spaced, joined_syn in self._patterns:
            if concept_id in found:
                continue
            hit = spaced.search(norm)
            if hit:
                found[concept_id] = Match(
                    concept_id, synonym, offsets[hit.start()], offsets[hit.end() - 1] + 1
                )
                continue
            if joined_syn:
                at = joined.find(joined_syn)
                if at >= 0 and _on_word_edges(
                    joined_offsets, at, at + len(joined_syn), norm, offsets
                ):
                    found[concept_id] = Match(
                        concept_id,
                        synonym,
                        joined_offsets[at],
                        joined_offsets[at + len(joined_syn) - 1] + 1,
                    )
        return found


def _join(norm: str, offsets: list[int]) -> tuple[str, list[int]]:
    kept = [(c, o) for c, o in zip(norm, offsets, strict=True) if c != " "]
    return "".join(c for c, _ in kept), [o for _, o in kept]


def _on_word_edges(
    joined_offsets: list[int], start: int, end: int, norm: str, offsets: list[int]
) -> bool:
    """A joined match must begin and end at word edges of the spaced text ("pointintime" yes,
    "plannow" for "ann" no)."""
    first, last = joined_offsets[start], joined_offsets[end - 1]
    i = offsets.index(first)
    j = offsets.index(last)
    starts_word = i == 0 or norm[i - 1] == " "
    ends_word = j == len(norm) - 1 or norm[j + 1] == " "
    return starts_word and ends_word


def quote_around(text: str, start: int, end: int, max_words: int = 24) -> str:
    """The sentence of ``text`` holding span [start, end), trimmed to about ``max_words``."""
    left, right = next(((a, b) for a, b in sentence_spans(text) if a <= start < b), (0, len(text)))
    sentence = text[left:right].strip()
    words = sentence.split()
    if len(words) <= max_words:
        return sentence
    # Keep the words around the match when the sentence is long.
    before = len(text[left:start].split())
    lo = max(0, min(before - max_words // 3, len(words) - max_words))
    snippet = " ".join(words[lo : lo + max_words])
    return ("... " if lo > 0 else "") + snippet + (" ..." if lo + max_words < len(words) else "")
