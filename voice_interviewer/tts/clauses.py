"""The clause splitter stage: LLM text deltas in, speakable clauses out as soon as each is
complete.

Speaking the first clause while the LLM is still writing the second is most of the latency
budget (DESIGN.md). Where a clause ends is the text module's rule (``text.clause_end``): at
". ? ! ; :" or a line break, and at a comma once the clause is long enough to be worth its own
breath; a terminal ending a delta waits for the next delta (or ``is_final``).
"""

from __future__ import annotations

from collections.abc import Iterator

from voice_interviewer.messages import ReplyText
from voice_interviewer.text import ClauseRules, split_clauses

ClauseSplitterConfig = ClauseRules
"""The splitter's settings are the text module's clause rules."""


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
        clauses, self._buffer = split_clauses(
            self._buffer + reply.text, self.config, final=reply.is_final
        )
        yield from clauses


def split_text(text: str, config: ClauseRules | None = None) -> list[str]:
    """All clauses of a complete text (for authored replies and for the synthesizer)."""
    return split_clauses(text, config or ClauseRules(), final=True)[0]
