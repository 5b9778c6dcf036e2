"""Rules an LLM reply must keep to be spoken, checked clause by clause as it streams.

A clause is checked before it is spoken, so a good reply loses no time (the text-to-speech
stage waits for whole clauses anyway) and a bad one is caught before the candidate hears it.
The rules: plain speech (no markdown), short enough to say, at most one question and the one
the director requires, on the problem, never the rubric or an unearned hint, no talk about
being a model or about the instructions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..messages import Move, MoveKind
from ..text import ClauseRules, has_phrase, sentences, words
from ..text import split_clauses as text_split_clauses

if TYPE_CHECKING:
    from ..interview.content import Problem

# --- words -----------------------------------------------------------------------------------

# Function words and the small talk of any interview: they say nothing about the topic.
STOPWORDS = frozenset(
    """a about above after again against all almost also although always am an and another any
    anyone anything are aren't around as ask asked at away back be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing
    don't done down during each either else enough even ever every exactly few first for from
    further get gets getting give given go goes going good got great had hadn't has hasn't have
    haven't having he her here here's hers herself him himself his how how's however i i'd i'll
    i'm i've if in into is isn't it it's its itself just keep kind know last later least less
    let let's like likely look lot made make makes making many may maybe me might mine more most
    much must my myself need needs never new next no nor not nothing now of off often ok okay on
    once one only or other others otherwise our ours ourselves out over own part perhaps point
    pretty probably put quite rather really right said same say saying says see seem seems
    shall she should shouldn't so some something sometimes still such sure take talk tell than
    thank thanks that that's the their theirs them themselves then there there's these they
    they'd they'll they're they've thing things think this those though thought through thus to
    too toward towards try two under until up upon us use used using very want wants was wasn't
    way ways we we'd we'll we're we've well were weren't what what's whatever when where whether
    which while who who's whom whose why will with within without won't would wouldn't yes yet
    you you'd you'll you're you've your yours yourself yourselves absolutely actually alright
    anyway awesome basically certainly clearly definitely exciting fair fine glad good
    interesting nice noted obviously of-course perfect totally true understand understood walk
    walking wonderful idea ideas question questions answer answers approach start started
    starting mean means mentioned mention sense consider considering important crucial
    key critical tricky solid reasonable cool detail details explain elaborate clarify discuss
    cover covered dig deeper deep dive focus focusing move moving next curious hear heard
    share talking spend spent happy ready begin today case cases example examples specific
    specifically bit little big""".replace("'", "").split()
)
"""In the text module's normal form: apostrophes dropped, as ``words`` drops them."""


def stem(word: str) -> str:
    """A crude stem so that "features"/"feature" and "measured"/"measure" compare equal."""
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_stems(text: str) -> list[str]:
    """Stems of the words of ``text`` that carry meaning (no stopwords)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and not w.isdigit()]


def coverage(said: str, intended: str) -> float:
    """Share of ``intended``'s content words that ``said`` contains (1.0 if none)."""
    want = set(content_stems(intended))
    if not want:
        return 1.0
    have = set(content_stems(said)) | {w for w in words(said) if w.isdigit()}
    return len(want & have) / len(want)


def question_matches(said: str, question: str, threshold: float = 0.6) -> bool:
    """Whether ``said`` asks ``question``, in the same or close words."""
    return coverage(said, question) >= threshold


# --- clauses ---------------------------------------------------------------------------------

# Judged clause by clause: a comma ends a clause once it has a few words (a lone "Okay," is too
# little to judge), and no clause is cut for length (the reply's length has its own rule).
GUARD_CLAUSES = ClauseRules(comma_min_words=5, max_words=None)


def split_clauses(buffer: str, *, final: bool = False) -> tuple[list[str], str]:
    """Complete clauses at the front of ``buffer`` and the unfinished rest (text module's
    rules, ``GUARD_CLAUSES``); with ``final`` the rest is a clause too."""
    return text_split_clauses(buffer, GUARD_CLAUSES, final=final)


def count_sentences(text: str) -> int:
    """Spoken sentences in ``text`` (a trailing fragment counts as one)."""
    return len(sentences(text))


# --- rules -----------------------------------------------------------------------------------

_MARKDOWN = re.compile(
    r"\*\*|__|`|^\s*#{1,6}\s|^\s*[-*+\u2022]\s|^\s*\d+[.)]\s|\|\s*[-:]+\s*\||\[[^\]]+\]\([^)]*\)",
    re.MULTILINE,
)
_SYMBOLS = re.compile("[\u2190-\u21ff\u2600-\u27bf\U0001f000-\U0001faff]")


def has_markdown(text: str) -> bool:
    """Whether ``text`` has markdown, list markers or symbols a voice would read out."""
    return bool(_MARKDOWN.search(text) or _SYMBOLS.search(text))


# Talk about being a model, the instructions, or the scoring: never said to a candidate.
_META = (
    r"\bas an ai\b",
    r"\bai (?:language )?model\b",
    r"\blanguage model\b",
    r"\bi(?:'m| am) an ai\b",
    r"\bdirector\b",
    r"\bauthored\b",
    r"\bsystem prompt\b",
    r"\b(?:my|the|these) instructions\b",
    r"\byour move\b",
    r"\bcandidate\s*:",
    r"\binterviewer\s*:",
    r"\brephrase\b",
    r"(?:^|\n)\s*(?:line|move|note|question|phase|problem|candidate|interviewer)\s*:",
    r"\bword for word\b",
    r"\bhint level\b",
    # The wording of the director's note (prompt.py), echoed instead of spoken.
    r"\bexact(?:ly)? (?:this |the )?hint\b",
    r"\bhints? earned\b",
    r"\bnot covered yet\b",
    r"\blevel [1-4]\b",
    r"\brubric\b",
    r"\bscor(?:e|es|ed|ing|ecard)\b",
    r"\b(?:novice|intermediate|expert)\b",
    r"\brating\b",
    r"\bi(?:'m| am) (?:sorry|unable)\b",
    # Narration instead of speech: stage directions, the candidate in the third person.
    r"^\s*[(\[*]",
    r"\bthe (?:interviewer|candidate)\b",
    r"\bi can(?:no|')t (?:help|assist|provide)\b",
)


@dataclass(frozen=True)
class Break:
    """A broken rule: which one, and the words that broke it."""

    rule: str
    detail: str


@dataclass(frozen=True)
class ProblemHints:
    """What the guardrails need of a problem: its hint ladder and its jargon."""

    title: str
    question: str
    hints: Mapping[int, str]
    vocabulary: tuple[str, ...]

    def withheld_terms(self, earned: int) -> tuple[str, ...]:
        """Jargon that only hints above ``earned`` reveal."""
        above = " ".join(t for level, t in self.hints.items() if level > earned)
        below = " ".join(t for level, t in self.hints.items() if level <= earned)
        return tuple(
            term
            for term in self.vocabulary
            if has_phrase(above, term)
            and not has_phrase(below, term)
            and not has_phrase(self.question, term)
        )


def problem_hints(problems: Iterable[Problem]) -> dict[str, ProblemHints]:
    """Hint ladders and vocabulary of the problem bank, keyed by problem id (the snapshot's)."""
    return {
        p.id: ProblemHints(
            title=p.title,
            question=p.question,
            hints={h.level: h.text for h in p.hints},
            vocabulary=p.vocabulary,
        )
        for p in problems
    }


def _norm(text: str) -> str:
    return " " + " ".join(words(text)) + " "


def _same(a: str, b: str) -> bool:
    # Small models loop; a clause said twice is the first sign.
    wa, wb = words(a), words(b)
    return len(wa) >= 3 and wa == wb


def _key(clause: str) -> str:
    # A clause of four words or more, normalised, as said in an earlier reply.
    said = words(clause)
    return " " + " ".join(said) + " " if len(said) >= 4 else ""


def lexicon_from(texts: Iterable[str]) -> frozenset[str]:
    """Content stems of ``texts``: the vocabulary a reply may use and still be on topic."""
    out: set[str] = set()
    for text in texts:
        out.update(content_stems(text))
    return frozenset(out)


class ReplyGuard:
    """Checks one streaming reply against one move, clause by clause.

    ``allowed_text`` is what the conversation has already said (both sides), the move and
    the problem: jargon in it is not a spoiler, and a rating word in the authored text may be
    repeated. ``said_before`` are the clauses of the interviewer's earlier replies.
    ``lexicon`` is the interview's vocabulary, used to tell when a reply wanders off the
    problem.
    """

    # Judged from the first clause on: three content words are enough to tell a recipe from a
    # design discussion, and the first clause is the one that must be caught before it is said.
    OFF_TOPIC_SHARE = 0.6
    OFF_TOPIC_MIN_WORDS = 3

    def __init__(
        self,
        move: Move,
        *,
        max_sentences: int,
        max_words: int,
        allowed_text: str = "",
        lexicon: frozenset[str] = frozenset(),
        withheld: Iterable[str] = (),
        said_before: Iterable[str] = (),
    ) -> None:
        self.move = move
        authored = move.text
        self.max_sentences = max(max_sentences, count_sentences(authored))
        self.max_words = max(max_words, int(len(words(authored)) * 1.3))
        self._allowed_norm = _norm(" ".join((authored, move.question, allowed_text)))
        self._meta = [
            re.compile(p, re.IGNORECASE)
            for p in _META
            if not re.search(p, authored + " " + move.question, re.IGNORECASE)
        ]
        if move.kind is MoveKind.WRAP_UP:
            # The wrap-up introduces the scorecard; saying so is its job.
            self._meta = [p for p in self._meta if "scor" not in p.pattern]
        self._lexicon = lexicon | lexicon_from((authored, move.question, allowed_text))
        self._withheld = tuple(
            t for t in withheld if f" {' '.join(words(t))} " not in self._allowed_norm
        )
        # Clauses of earlier replies: a model that opens every reply with the same words is
        # looping on its own history (the line may still repeat itself, e.g. a question).
        line = _norm(f"{authored} {move.question}")
        self._said_before = {key for key in map(_key, said_before) if key and key not in line}
        self.spoken: list[str] = []
        self.question_asked = False
        self.questions = 0
        # The authored line may itself ask more than one thing ("Could you say more? How
        # do you ...?"); the reply may ask what the line asks, and no more questions.
        self._line_questions = [q for q in re.findall(r"[^.!?]*\?", authored) if q.strip()] + (
            [move.question] if move.question else []
        )
        self.max_questions = max(1, authored.count("?"))

    @property
    def text(self) -> str:
        """The clauses that passed, joined as they are spoken."""
        return " ".join(self.spoken)

    def check(self, clause: str) -> Break | None:
        """Check the next clause; when it passes it counts as spoken."""
        found = self._check(clause)
        if found is None:
            self.spoken.append(clause)
        return found

    def _check(self, clause: str) -> Break | None:
        if has_markdown(clause):
            return Break("markdown", clause)
        for pattern in self._meta:
            if pattern.search(clause):
                return Break("meta", clause)
        for term in self._withheld:
            if has_phrase(clause, term):
                return Break("spoiler", term)
        if (
            any(_same(clause, earlier) for earlier in self.spoken)
            or _key(clause) in self._said_before
        ):
            return Break("repetition", clause)
        so_far = " ".join([*self.spoken, clause])
        if count_sentences(so_far) > self.max_sentences or len(words(so_far)) > self.max_words:
            return Break("too_long", clause)
        content = content_stems(so_far)
        if len(content) >= self.OFF_TOPIC_MIN_WORDS:
            strange = [w for w in content if w not in self._lexicon]
            if len(strange) / len(content) > self.OFF_TOPIC_SHARE:
                return Break("off_topic", " ".join(strange[:8]))
        sentence = self._current_sentence(clause)
        if "?" in clause:
            if self.questions >= self.max_questions:
                return Break("two_questions", clause)
            if self.move.question and not any(
                question_matches(sentence, q) for q in self._line_questions
            ):
                return Break("wrong_question", clause)
            self.questions += 1
        # A required question may be an imperative ("Walk me through ..."); it counts once
        # its sentence is complete, so a reply is never cut in the middle of a sentence.
        asks = "?" in clause or not self.move.question.rstrip().endswith("?")
        if (
            self.move.question
            and asks
            and re.search(r"[.!?][\"')\]]*$", clause)
            and question_matches(sentence, self.move.question)
        ):
            self.question_asked = True
        return None

    def _current_sentence(self, clause: str) -> str:
        # A question is often split over clauses by commas; judge the whole sentence.
        parts = [clause]
        for earlier in reversed(self.spoken):
            if re.search(r"[.!?][\"')\]]*$", earlier):
                break
            parts.append(earlier)
        return " ".join(reversed(parts))

    def finish(self) -> Break | None:
        """End-of-reply rules: something was said, and the required question was asked."""
        if not self.spoken:
            return Break("empty", "")
        if self.move.question and not self.question_asked:
            return Break("question_missing", self.move.question)
        return None
