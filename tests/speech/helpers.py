"""Word error rate and audio helpers shared by the speech tests."""

from __future__ import annotations

import re

import numpy as np

_NUMBERS = {
    "0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five",
    "6": "six", "7": "seven", "8": "eight", "9": "nine", "10": "ten",
}  # fmt: skip


def wer_words(text: str) -> list[str]:
    """Lower-case words for WER: punctuation dropped, hyphens split, small numbers spelled."""
    text = text.lower().replace("-", " ")
    words = re.findall(r"[a-z0-9']+", text)
    return [_NUMBERS.get(w, w) for w in (w.strip("'") for w in words) if w]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance over words (substitutions, insertions, deletions)."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def rms_dbfs(pcm: np.ndarray) -> float:
    """RMS level of int16 or float audio in dB full scale."""
    x = pcm.astype(np.float64) / (32768.0 if pcm.dtype == np.int16 else 1.0)
    return 20 * float(np.log10(max(float(np.sqrt(np.mean(x * x))), 1e-10)))
