"""Guardrail building blocks: clauses, question matching, spoilers from the problem bank."""

from __future__ import annotations

from llm_support import move

from voice_interviewer.interview.content import load_content
from voice_interviewer.llm.guardrails import (
    ReplyGuard,
    coverage,
    has_markdown,
    problem_hints,
    question_matches,
    split_clauses,
)


def test_split_clauses_waits_for_the_space_after_a_sentence_end():
    assert split_clauses("It costs 3.") == ([], "It costs 3.")
    assert split_clauses("It costs 3.5 dollars. Next") == (["It costs 3.5 dollars."], " Next")
    assert split_clauses("Done.", final=True) == (["Done."], "")


def test_short_comma_phrases_do_not_make_a_clause():
    clauses, rest = split_clauses("Okay, so what would you monitor, and how often? ")
    assert clauses == ["Okay, so what would you monitor,", "and how often?"]
    assert rest == " "


def test_abbreviations_do_not_end_a_sentence():
    clauses, _ = split_clauses("Use a store, e.g. Redis, for features. ")
    assert clauses[-1].endswith("for features.")


def test_question_matching_tolerates_rewording():
    q = "How would we measure success, both offline and once it is live?"
    assert question_matches("So how would you measure success offline and when it's live?", q)
    assert not question_matches("What data do we have?", q)


def test_coverage_counts_content_words():
    assert coverage("fifty users", "") == 1.0
    assert coverage("the catalogue has 10 million products", "10 million products") == 1.0


def test_markdown_detection():
    for text in (
        "**bold**",
        "- item",
        "1. first",
        "# Title",
        "`code`",
        "see [x](http://y)",
        "great \U0001f600",
    ):
        assert has_markdown(text), text
    assert not has_markdown("A plain sentence, with 3.5 numbers - and a dash.")


def test_withheld_terms_come_from_hints_above_the_earned_level():
    problems = problem_hints(load_content().problems)
    rec = problems["recommendation"]
    none = set(rec.withheld_terms(0))
    assert {"two-tower", "candidate generation", "FAISS"} <= none
    after_three = set(rec.withheld_terms(3))
    assert "two-tower" not in after_three and "candidate generation" not in after_three
    assert rec.withheld_terms(4) == ()


def test_guard_allows_rating_words_the_authored_line_uses():
    m = move(
        text="Your experience sounds expert level. What data do we have?",
        question="What data do we have?",
    )
    guard = ReplyGuard(m, max_sentences=4, max_words=90)
    assert guard.check("That sounds expert level to me.") is None


def test_guard_limits_scale_with_a_long_authored_line():
    long_line = " ".join(f"Sentence {i} is here." for i in range(8))
    guard = ReplyGuard(move(text=long_line, question=""), max_sentences=4, max_words=20)
    assert guard.max_sentences == 8 and guard.max_words >= 26
