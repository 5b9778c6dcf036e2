"""Finding rubric concepts in what the candidate said, tolerant of transcription noise."""

from __future__ import annotations

from dataclasses import dataclass

from voice_interviewer.interview.content_types import Concept
from voice_interviewer.text import normalize, normalize_with_offsets, sentence_spans

__all__ = ["Concept", "ConceptMatcher", "Match", "quote_around"]

# A synonym this long (without spaces) may also match across spacing differences.
_JOINED_MIN_LETTERS = 6


@dataclass(frozen=True)
class Match:
    """Where a concept was heard: the synonym and its character span in the original text."""

    concept: str
    synonym: str
    start: int
    end: int


class ConceptMatcher:
    """Finds concepts in text by their synonyms, on word boundaries or with spaces removed.

    Synonyms are indexed by their first word, so a search costs a few string comparisons per
    word of the text rather than one regular expression per synonym.
    """

    def __init__(self, concepts: dict[str, Concept]) -> None:
        self.concepts = concepts
        self._by_first: dict[str, list[tuple[str, str, str]]] = {}
        self._joined: list[tuple[str, str, str]] = []
        self._joined_by_start: dict[str, list[tuple[str, str, str]]] = {}
        for concept in concepts.values():
            for synonym in concept.synonyms:
                norm = normalize(synonym)
                if not norm:
                    continue
                # The plural is the same concept ("feature stores", "as of joins").
                forms = {norm} if norm.endswith("s") or len(norm) < 4 else {norm, norm + "s"}
                for form in forms:
                    first = form.split(" ", 1)[0]
                    self._by_first.setdefault(first, []).append((form, concept.id, synonym))
                joined = norm.replace(" ", "")
                if len(joined) >= _JOINED_MIN_LETTERS:
                    self._joined.append((joined, concept.id, synonym))
                    self._joined_by_start.setdefault(joined[:3], []).append(
                        (joined, concept.id, synonym)
                    )
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))  # the longest synonym at a word wins
        # Each group word with its first token: a group can only be in a sentence holding one
        # of those tokens, a set lookup that spares most string searches.
        self._together = [
            (
                c.id,
                [
                    tuple((normalize(w).split(" ", 1)[0], f" {normalize(w)} ") for w in group)
                    for group in frame
                ],
            )
            for c in concepts.values()
            for frame in ((c.together,) if c.together else ()) + c.frames
        ]
        self._unless = {
            c.id: tuple(f" {normalize(w)} " for w in c.unless)
            for c in concepts.values()
            if c.unless
        }
        self._yields = {c.id: set(c.yields_to) for c in concepts.values() if c.yields_to}

    def find(self, text: str) -> dict[str, Match]:
        """The concepts present in ``text``, each with its first match."""
        found: dict[str, Match] = {}
        for match in self.find_all(text):
            if match.concept not in found or match.start < found[match.concept].start:
                found[match.concept] = match
        return found

    def find_all(self, text: str) -> list[Match]:
        """Every place a concept is heard in ``text`` (a concept once per word position), in
        text order."""
        norm, offsets = normalize_with_offsets(text)
        if not norm:
            return []
        out: list[Match] = []
        seen: set[tuple[str, int]] = set()
        size = len(norm)
        pos = 0
        while pos < size:
            space = norm.find(" ", pos)
            word_end = size if space < 0 else space
            for syn, cid, original in self._by_first.get(norm[pos:word_end], ()):
                stop = pos + len(syn)
                if (cid, pos) in seen or not norm.startswith(syn, pos):
                    continue
                if stop < size and norm[stop] != " ":
                    continue
                seen.add((cid, pos))
                out.append(Match(cid, original, offsets[pos], offsets[stop - 1] + 1))
            pos = word_end + 1
        heard = {m.concept for m in out}
        if len(heard) < len(self.concepts):
            out += self._joined_matches(norm, offsets, heard)
        out += self._together_matches(norm, offsets, {m.concept for m in out})
        # Another sense first: a concept not meant here cannot make another one yield to it.
        if self._unless:
            out = [m for m in out if not self._other_sense(m, text)]
        if self._yields:
            heard = {m.concept for m in out}
            out = [m for m in out if not self._yields.get(m.concept, set()) & heard]
        out.sort(key=lambda m: (m.start, -m.end))
        return out

    def _other_sense(self, match: Match, text: str) -> bool:
        """The concept's ``unless`` words are in the sentence that holds the match: the words
        mean something else there. Only that sentence counts: "A golden set runs before every
        release" must not undo production monitoring described in the sentence before."""
        words = self._unless.get(match.concept)
        if not words:
            return False
        start, end = 0, len(text)
        for a, b in sentence_spans(text):
            if a <= match.start < b:
                start, end = a, b
                break
        # A match may run past its sentence (a 'together' match): take every sentence it spans.
        end = max(end, match.end)
        padded = f" {normalize(text[start:end])} "
        return any(w in padded for w in words)

    def _together_matches(self, norm: str, offsets: list[int], heard: set[str]) -> list[Match]:
        """Concepts said by one word of each of their groups in the same text; the match
        spans from the first of those words to the last."""
        padded_text = f" {norm} "
        tokens = set(norm.split())
        out: list[Match] = []
        for cid, groups in self._together:
            if cid in heard:
                continue  # heard already, by a synonym or an earlier frame
            spans = []
            for group in groups:
                found = [
                    (at, w)
                    for first, w in group
                    if first in tokens and (at := padded_text.find(w)) >= 0
                ]
                if not found:
                    break
                at, word = min(found)
                spans.append((at, at + len(word) - 2))
            else:
                start = min(a for a, _ in spans)
                end = max(b for _, b in spans)
                out.append(Match(cid, "together", offsets[start], offsets[end - 1] + 1))
                heard.add(cid)
        return out

    def _joined_matches(self, norm: str, offsets: list[int], heard: set[str]) -> list[Match]:
        """Matches with the spaces removed ("point in time" for "pointintime", "a b test" for
        "abtest"), for concepts not heard with their own spacing."""
        kept = [(c, o) for c, o in zip(norm, offsets, strict=True) if c != " "]
        joined = "".join(c for c, _ in kept)
        joined_offsets = [o for _, o in kept]
        out: list[Match] = []
        # Only synonyms whose first three letters occur in the text can be in it.
        starts = {joined[i : i + 3] for i in range(len(joined) - 2)}
        candidates = [
            e for s in starts & self._joined_by_start.keys() for e in self._joined_by_start[s]
        ]
        for syn, cid, original in candidates:
            if cid in heard:
                continue
            at = joined.find(syn)
            if at < 0 or not _on_word_edges(joined_offsets, at, at + len(syn), norm, offsets):
                continue
            heard.add(cid)
            out.append(
                Match(cid, original, joined_offsets[at], joined_offsets[at + len(syn) - 1] + 1)
            )
        return out


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
    return trim_quote(text[left:right], start - left, max_words)


def trim_quote(sentence: str, at: int = 0, max_words: int = 24) -> str:
    """``sentence`` stripped, or about ``max_words`` of it around character ``at``."""
    stripped = sentence.strip()
    at = max(0, at - (len(sentence) - len(sentence.lstrip())))
    words = stripped.split()
    if len(words) <= max_words:
        return stripped
    # Keep the words around the match when the sentence is long.
    before = len(stripped[:at].split())
    lo = max(0, min(before - max_words // 3, len(words) - max_words))
    snippet = " ".join(words[lo : lo + max_words])
    return ("... " if lo > 0 else "") + snippet + (" ..." if lo + max_words < len(words) else "")
