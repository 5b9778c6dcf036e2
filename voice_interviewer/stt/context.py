"""What the decoder is told before it hears a turn: the interview's terms and what came before.

Whisper reads a "previous text" prompt before the audio and copies its spellings and style, so a
prompt holding "XGBoost, PSI, point-in-time join" makes those words win over "XGBOS T", "sigh"
and "point in time joints" (measured on the jargon speech set, docs/performance.md). In
faster-whisper both ``hotwords`` and ``initial_prompt`` land in that one previous-text slot,
which holds at most 223 tokens (half of Whisper's 448-token context, less one); what does not
fit is cut from the front, which would lose the filler style and the terms first. So this
module builds one prompt that fits: filler style, then the terms in order of importance, then
the text that came just before the audio (closest to it, where Whisper attends most).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from voice_interviewer.text import normalize

if TYPE_CHECKING:
    from voice_interviewer.interview.content import Content, Problem

WHISPER_PROMPT_LIMIT = 223
"""The most previous-text tokens Whisper takes (n_text_ctx // 2 - 1)."""


@dataclass(frozen=True)
class DecodingContext:
    """The text context of one decode: domain terms and the text just before the audio."""

    terms: tuple[str, ...] = ()
    """Domain terms, most important first (the problem's vocabulary, then concept names)."""

    previous_text: str = ""
    """What was said just before this audio: the turn's earlier segments, or the
    interviewer's question and the candidate's previous turn."""


def decoder_terms(content: Content, problem: Problem | None) -> tuple[str, ...]:
    """The terms to prime the decoder with for ``problem``: its vocabulary first, then the names
    of the concepts the rubric expects for it (its key concepts), then the rest of the global
    concepts' names. Duplicates (after normalising) are dropped; a leading article is cut
    ("a feature store" -> "feature store")."""
    names: list[str] = list(problem.vocabulary) if problem else []
    concept_ids: list[str] = []
    if problem is not None:
        concept_ids += [cid for ids in problem.key_concepts.values() for cid in ids]
        concept_ids += list(problem.concepts)
    concept_ids += list(content.concepts)
    for cid in concept_ids:
        concept = content.concepts.get(cid) or (problem.concepts.get(cid) if problem else None)
        if concept is not None:
            names.append(_without_article(concept.label))
    return _unique(names)


def _without_article(label: str) -> str:
    for article in ("the ", "a ", "an "):
        if label.lower().startswith(article):
            return label[len(article) :]
    return label


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = normalize(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name.strip())
    return tuple(out)


class PromptBuilder:
    """Builds Whisper's prompt within a token budget.

    ``count_tokens`` is the model's tokenizer (a function of text to token count), so the budget
    is exact for the model in use. The previous text gets what the terms leave, at least
    ``min_previous_tokens`` of it, and is cut at a word boundary from the front (the words just
    before the audio matter most).
    """

    def __init__(
        self,
        count_tokens: Callable[[str], int],
        *,
        style: str = "",
        budget_tokens: int = 200,
        min_previous_tokens: int = 48,
    ) -> None:
        if budget_tokens > WHISPER_PROMPT_LIMIT:
            raise ValueError(f"a Whisper prompt holds at most {WHISPER_PROMPT_LIMIT} tokens")
        self.count_tokens = count_tokens
        self.style = style.strip()
        self.budget_tokens = budget_tokens
        self.min_previous_tokens = min_previous_tokens

    def build(self, context: DecodingContext) -> str | None:
        """The prompt for ``context``, or None when there is nothing to say."""
        parts = [self.style] if self.style else []
        used = self.count_tokens(self.style) if self.style else 0
        previous = " ".join(context.previous_text.split())
        reserve = min(self.count_tokens(previous), self.min_previous_tokens) if previous else 0
        terms = self._terms(context.terms, self.budget_tokens - used - reserve)
        if terms:
            parts.append(terms)
            used += self.count_tokens(" " + terms)
        if previous:
            tail = self._tail(previous, self.budget_tokens - used)
            if tail:
                parts.append(tail)
        prompt = " ".join(parts)
        return prompt or None

    def _terms(self, terms: tuple[str, ...], budget: int) -> str:
        """As many terms as fit in ``budget`` tokens, in order, as one comma list."""
        kept: list[str] = []
        for term in (t.strip().rstrip(".,;") for t in terms):
            if not term:
                continue
            candidate = ", ".join([*kept, term]) + "."
            if self.count_tokens(" " + candidate) > budget:
                break
            kept.append(term)
        return ", ".join(kept) + "." if kept else ""

    def _tail(self, text: str, budget: int) -> str:
        """The longest end of ``text`` (whole words) that fits in ``budget`` tokens."""
        if budget <= 0:
            return ""
        words = text.split()
        lo, hi = 0, len(words)  # find the smallest start index that fits
        while lo < hi:
            mid = (lo + hi) // 2
            if self.count_tokens(" " + " ".join(words[mid:])) <= budget:
                hi = mid
            else:
                lo = mid + 1
        return " ".join(words[lo:])


def terms_of(vocabulary: str) -> tuple[str, ...]:
    """The terms of a comma-separated vocabulary string (``Transcriber.set_vocabulary``'s form)."""
    return tuple(t.strip() for t in vocabulary.split(",") if t.strip())
