"""The clause splitter: LLM text deltas in, speakable clauses out as soon as each is complete.

Speaking the first clause while the LLM is still writing the second is most of the latency
budget (DESIGN.md). A clause ends at ". ? ! ; :" or a line break, and at a comma once it is
long enough to be worth its own breath. A full stop only counts when whitespace follows it,
which is what keeps "0.9", "e.g." mid-word and "10:30" whole; so a clause ending a delta waits
for the next delta (or ``is_final``) before it is released.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from voice_interviewer.messages import ReplyText

_TERMINALS = ".?!;:\u2026"
_CLOSERS = "\"')]}\u201d\u2019"

_ABBREVIATIONS: tuple[str, ...] = (
    "dr.",
    "mr.",
    "mrs.",
    "prof.",
    "st.",
    "jr.",
    "sr.",
    "vs.",
    "etc.",
    "approx.",
    "incl.",
    "fig.",
    "inc.",
    "ltd.",
    "cf.",
)


@dataclass(frozen=True)
class ClauseSplitterConfig:
    """Where the splitter may cut the reply."""

    comma_min_words: int | None = 6
    """Split at a comma only when the clause already has this many words; None: never.
    Shorter comma pieces sound choppy when synthesized one by one."""

    max_words: int = 25
    """Cut a clause with no punctuation at the next space after this many words, so a
    run-on LLM sentence cannot hold back the first audio."""

    abbreviations: tuple[str, ...] = _ABBREVIATIONS
    """Lower-case words ending in "." that do not end a sentence. Words with an inner dot
    ("e.g.", "i.e.", "U.S.") and single letters ("J.") are recognised without a list."""


class ClauseSplitter:
    """Stage: ``process(ReplyText)`` yields each clause of the reply once it is complete.

    The buffer belongs to one generation: text of a newer generation discards what an
    interrupted reply left behind, and text of an older one is dropped.
    """

    def __init__(self, config: ClauseSplitterConfig | None = None) -> None:
        self.config = config or ClauseSplitterConfig()
        self._buffer = ""
        self._generation = 0

    def reset(self) -> None:
        """Forget any partial clause (e.g. after a barge-in)."""
        self._buffer = ""

    def process(self, reply: ReplyText) -> Iterator[str]:
        """Append ``reply.text``; yield every clause completed so far, and the rest when
        ``reply.is_final``."""
        if reply.generation < self._generation:
            return
        if reply.generation > self._generation:
            self._generation = reply.generation
            self._buffer = ""
        self._buffer += reply.text
        while True:
            end = self._boundary(self._buffer)
            if end is None:
                break
            clause, self._buffer = self._buffer[:end], self._buffer[end:]
            if _speakable(clause):
                yield clause.strip()
        if reply.is_final:
            rest, self._buffer = self._buffer, ""
            if _speakable(rest):
                yield rest.strip()

    def _boundary(self, text: str) -> int | None:
        """Index just past the first complete clause in ``text``, or None if there is none."""
        cfg = self.config
        words = 0
        in_word = False
        n = len(text)
        for i, ch in enumerate(text):
            if ch.isspace():
                if in_word:
                    words += 1
                    in_word = False
                if ch == "\n" and text[:i].strip():
                    return i + 1
                if words >= cfg.max_words:
                    return i + 1
                continue
            in_word = True
            if ch in _TERMINALS:
                j = i + 1
                while j < n and (text[j] in _TERMINALS or text[j] in _CLOSERS):
                    j += 1
                if j >= n:
                    return None  # wait: the next delta says whether this is "0.9" or an end
                if not text[j].isspace():
                    continue
                if ch == "." and self._is_abbreviation_or_number(text[: i + 1]):
                    continue
                return j
            if ch == "," and cfg.comma_min_words is not None:
                if i + 1 >= n:
                    return None  # "1," may yet become "1,000"
                if text[i + 1].isspace() and words + 1 >= cfg.comma_min_words:
                    return i + 1
        return None

    def _is_abbreviation_or_number(self, clause: str) -> bool:
        """Whether the "." ending ``clause`` belongs to a word, not to the sentence."""
        stripped = clause.strip()
        last = stripped.split()[-1] if stripped else ""
        lowered = last.lower().lstrip("(\"'")
        if lowered in self.config.abbreviations:
            return True
        core = lowered[:-1]
        if "." in core:  # e.g.  i.e.  U.S.  a.m.
            return True
        if len(core) == 1 and core.isalpha() and last[-2].isupper():  # an initial: "J."
            return True
        # A list marker ("1.") on its own is not a clause.
        return stripped[:-1].isdigit()


def _speakable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def split_text(text: str, config: ClauseSplitterConfig | None = None) -> list[str]:
    """All clauses of a complete text (for authored replies and for the synthesizer)."""
    return list(ClauseSplitter(config).process(ReplyText(text=text, is_final=True)))
