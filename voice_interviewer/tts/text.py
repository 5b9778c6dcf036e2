"""Make reply text speakable: strip markdown and expand what espeak would misread.

Piper phonemizes with espeak-ng, which reads "**" and "#" aloud or chokes on them, says "ms"
as "M S", and reads "A/B" as "A slash B". The interviewer talks about latency budgets and A/B
tests all the time, so these few rewrites matter more than a general text normaliser would.
Applied to one complete clause at a time (markdown can span LLM deltas).
"""

from __future__ import annotations

import re

# Order matters: links before brackets, ">=" before ">", list markers before "-" and "*".
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, flags), replacement)
    for pattern, replacement, flags in (
        # Markdown structure.
        (r"```[a-zA-Z0-9_+-]*", " ", 0),
        (r"!?\[([^\]]*)\]\([^)]*\)", r"\1", 0),
        (r"^\s{0,3}#{1,6}\s*", "", re.M),
        (r"^\s{0,3}>\s?", "", re.M),
        (r"^\s*(?:[-*+\u2022]|\d{1,2}[.)])\s+", "", re.M),
        (r"[*`#]+", "", 0),
        (r"(?<=\w)_(?=\w)", " ", 0),
        (r"_{1,3}", "", 0),
        (r"\s*\|\s*", ", ", 0),
        # Comparisons and arrows.
        (r"<=|\u2264", " at most ", 0),
        (r">=|\u2265", " at least ", 0),
        (r"->|\u2192|=>", " to ", 0),
        (r"<", " under ", 0),
        (r">", " over ", 0),
        (r"~|\u2248", " about ", 0),
        (r"\s&\s", " and ", 0),
        # Units and figures.
        (r"(\d)\s?ms\b", r"\1 milliseconds", 0),
        (r"(\d)\s?%", r"\1 percent", 0),
        (r"%", " percent", 0),
        (r"(\d)[kK]\b", r"\1 thousand", 0),
        (r"(\d)M\b", r"\1 million", 0),
        (r"(\d)B\b", r"\1 billion", 0),
        (r"\b([pP])(\d{2,3}(?:\.\d+)?)\b", r"\1 \2", 0),
        # Slashes: "A/B" -> "A B", "requests/s" -> "requests per second", else a pause-less join.
        (r"\b([A-Za-z])/([A-Za-z])\b", r"\1 \2", 0),
        (r"/(?:s|sec)\b", " per second", 0),
        (r"/(ms|millisecond|second|minute|min|hour|hr|day|week|month|year)\b", r" per \1", 0),
        (r"(?<=\w)/(?=\w)", " ", 0),
        # Latin abbreviations espeak spells out letter by letter.
        (r"\be\.g\.,?", "for example,", re.I),
        (r"\bi\.e\.,?", "that is,", re.I),
        (r"\bvs\.?(?=\s)", "versus", re.I),
        (r"\betc\.", "et cetera.", re.I),
    )
)


def normalize_for_speech(text: str) -> str:
    """``text`` rewritten for a TTS voice: no markdown, units and symbols as words."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\s+", " ", text).strip()
    # Rewrites can leave " ," or ", ," behind.
    text = re.sub(r"\s+([,.;:?!])", r"\1", text)
    text = re.sub(r",(\s*,)+", ",", text)
    # A trailing comma stays: it tells Piper the phrase continues in the next clause.
    return re.sub(r"^[,;:\s]+|[;\s]+$", "", text)
