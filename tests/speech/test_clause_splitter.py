"""The clause splitter on LLM-like deltas (no model)."""

from __future__ import annotations

import pytest

from voice_interviewer.messages import ReplyText
from voice_interviewer.tts import ClauseSplitter, ClauseSplitterConfig, split_text


def stream(text: str, size: int = 3, splitter: ClauseSplitter | None = None) -> list[list[str]]:
    """Feed ``text`` in ``size``-character deltas; the clauses released after each delta."""
    splitter = splitter or ClauseSplitter()
    out = [list(splitter.process(ReplyText(text[i : i + size]))) for i in range(0, len(text), size)]
    out.append(list(splitter.process(ReplyText("", is_final=True))))
    return out


def flat(batches: list[list[str]]) -> list[str]:
    return [clause for batch in batches for clause in batch]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_sentences_in_small_deltas(size):
    text = "Good start. What is the latency budget? Let's say it's tight! Then: go on; explain"
    assert flat(stream(text, size)) == [
        "Good start.",
        "What is the latency budget?",
        "Let's say it's tight!",
        "Then:",
        "go on;",
        "explain",
    ]


def test_clause_released_as_soon_as_it_is_complete():
    batches = stream("Right. And then we", size=7)
    # "Right." is out with the delta that brings the space after it, long before the end.
    assert batches[0] == ["Right."]
    assert batches[-1] == ["And then we"]


def test_comma_splits_only_long_clauses():
    text = "Yes, exactly. We would cache the user embeddings in memory, and refresh them hourly."
    assert flat(stream(text)) == [
        "Yes, exactly.",
        "We would cache the user embeddings in memory,",
        "and refresh them hourly.",
    ]


def test_commas_can_be_switched_off_and_numbers_keep_their_commas():
    text = "We served 1,000,000 requests per day across all of the regions, then more."
    assert flat(stream(text, 2)) == [
        "We served 1,000,000 requests per day across all of the regions,",
        "then more.",
    ]
    no_commas = ClauseSplitter(ClauseSplitterConfig(comma_min_words=None))
    assert flat(stream(text, 2, no_commas)) == [text]


@pytest.mark.parametrize(
    "sentence",
    [
        "Use a strong baseline, e.g. logistic regression on counts.",
        "Dr. Smith would ask about recall, i.e. coverage of the positives.",
        "Keep the AUC above 0.9 at all times.",
        "The p99 latency must stay under 50 ms.",
        "Compare GBDTs vs. deep models on the U.S. traffic only.",
        "Ask J. Doe at 10:30 about it.",
        "Version 2.5.1 fixed it.",
    ],
)
def test_abbreviations_decimals_and_times_do_not_split(sentence):
    splitter = ClauseSplitter(ClauseSplitterConfig(comma_min_words=None))
    assert flat(stream(sentence + " Next one.", 1, splitter)) == [sentence, "Next one."]


def test_final_flush_and_reset_between_replies():
    splitter = ClauseSplitter()
    assert list(splitter.process(ReplyText("Tell me about the data"))) == []
    assert list(splitter.process(ReplyText(" pipeline", is_final=True))) == [
        "Tell me about the data pipeline"
    ]
    assert list(splitter.process(ReplyText("Next.", is_final=True))) == ["Next."]


def test_markdown_lines_and_list_markers():
    text = "Three things:\n1. Data\n2. Features\n- Serving\n\n**Done**"
    assert flat(stream(text, 4)) == [
        "Three things:",
        "1. Data",
        "2. Features",
        "- Serving",
        "**Done**",
    ]


def test_nothing_unspeakable_is_released():
    assert split_text("... --- **") == []
    assert split_text("  ") == []


def test_run_on_text_is_cut_after_max_words():
    splitter = ClauseSplitter(ClauseSplitterConfig(max_words=5))
    assert flat(stream("one two three four five six seven", 2, splitter)) == [
        "one two three four five",
        "six seven",
    ]


def test_a_new_generation_drops_the_interrupted_reply():
    splitter = ClauseSplitter()
    assert list(splitter.process(ReplyText("This reply was interr", generation=1))) == []
    assert list(splitter.process(ReplyText("Sorry, go ahead.", generation=2, is_final=True))) == [
        "Sorry, go ahead."
    ]
    assert list(splitter.process(ReplyText("stale text. ", generation=1, is_final=True))) == []


def test_authored_reply_in_one_piece():
    reply = ReplyText("Okay. Let's move on to the design phase.", is_final=True, authored=True)
    assert list(ClauseSplitter().process(reply)) == ["Okay.", "Let's move on to the design phase."]
