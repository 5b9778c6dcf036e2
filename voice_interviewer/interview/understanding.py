"""Understanding one candidate turn, deterministically: its sentences, what each one does (a
question, a request to the interviewer, a statement), the stance it takes toward the concepts
it names (asserts, negates, admits not knowing, dismisses), and whether it explains (a
mechanism, a reason, a trade-off, a number) or only names things.

The words that signal all this are data (prompts/understanding.toml); the phrase language is
voice_interviewer/text.py's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property

from voice_interviewer.interview.concepts import ConceptMatcher
from voice_interviewer.interview.content_types import Understanding
from voice_interviewer.interview.requests import Request, RequestReader
from voice_interviewer.text import (
    any_phrase_pattern,
    clause_spans,
    compile_phrase_pattern,
    normalize,
    padded,
    sentence_spans,
)

ACTS = ("question", "request", "statement")
STANCES = ("asserts", "negates", "admits", "dismisses")
_DIGITS = re.compile(r"^\d+(?:ms|s|k|m|x|gb|mb|tb|qps|tps|rps|pct|h|hr|hrs|d|b)?$")


@dataclass(frozen=True)
class Mention:
    """A concept heard in a sentence, with the stance of its clause and where it was said."""

    concept: str
    stance: str
    start: int
    end: int
    heard: str


@dataclass(frozen=True)
class Sentence:
    """One sentence of a turn, read."""

    text: str
    start: int
    end: int
    act: str
    stance: str
    explains: bool
    mentions: tuple[Mention, ...]
    request: Request | None = None
    kind: str = ""
    """For a question: "definition" (what does X mean), "process" (should I keep going) or
    "problem" (a question about the problem: scale, latency, data, ...)."""
    norm: str = ""
    """The sentence normalised (text.normalize)."""


@dataclass(frozen=True)
class Reading:
    """A whole turn, read sentence by sentence."""

    text: str
    sentences: tuple[Sentence, ...]

    @property
    def act(self) -> str:
        """The turn's main act: a request if it holds one, else a question if it asks one."""
        acts = {s.act for s in self.sentences}
        if "request" in acts:
            return "request"
        return "question" if "question" in acts else "statement"

    @property
    def stance(self) -> str:
        """The first stance in the turn that is not a plain assertion, else "asserts"."""
        return next((s.stance for s in self.sentences if s.stance != "asserts"), "asserts")

    @property
    def explains(self) -> bool:
        return any(s.explains for s in self.statements)

    @property
    def statements(self) -> tuple[Sentence, ...]:
        return tuple(s for s in self.sentences if s.act == "statement")

    @property
    def questions(self) -> tuple[Sentence, ...]:
        return tuple(s for s in self.sentences if s.act == "question")

    @property
    def requests(self) -> tuple[Request, ...]:
        return tuple(s.request for s in self.sentences if s.request is not None)

    def asserted(self) -> set[str]:
        """Concepts the candidate's statements assert: coverage, evidence, probe triggers."""
        return {m.concept for s in self.statements for m in s.mentions if m.stance == "asserts"}

    def dismissed(self) -> set[str]:
        return {m.concept for s in self.sentences for m in s.mentions if m.stance == "dismisses"}

    def raised(self) -> set[str]:
        """Concepts raised as relevant in statements or questions (not negated, admitted or
        dismissed): what a scoping question covers ("what's the scale?")."""
        return {
            m.concept
            for s in self.sentences
            if s.act != "request"
            for m in s.mentions
            if m.stance == "asserts"
        }

    def first_heard(self, concepts: Iterable[str]) -> Mention | None:
        """The first asserted mention of any of ``concepts`` in a statement."""
        wanted = set(concepts)
        for s in self.statements:
            for m in s.mentions:
                if m.concept in wanted and m.stance == "asserts":
                    return m
        return None


class _Patterns:
    """A list of phrase patterns compiled once into one expression (any of them), searched in
    padded normalised text."""

    def __init__(self, patterns: Iterable[str], lex: Understanding) -> None:
        sources = [
            compile_phrase_pattern(
                p, macros=lex.macros, fillers=lex.fillers, tails=lex.tails
            ).pattern
            for p in patterns
        ]
        self._compiled = any_phrase_pattern(sources)

    def search(self, norm: str) -> re.Match[str] | None:
        if self._compiled is None:
            return None
        return self._compiled.search(padded(norm))

    def any(self, norm: str) -> bool:
        return self.search(norm) is not None


class TurnReader:
    """Reads turns with the lexicon of prompts/understanding.toml and the request table."""

    def __init__(self, lexicon: Understanding, requests: RequestReader) -> None:
        self.lex = lexicon
        self.requests = requests
        q, st, ex = lexicon.question, lexicon.stance, lexicon.explains
        self._question = _Patterns(q.patterns, lexicon)
        self._rhetorical = _Patterns(q.rhetorical_openers, lexicon)
        self._answer = _Patterns(q.answer_openers, lexicon)
        self._definition = _Patterns(q.definition, lexicon)
        self._process = _Patterns(q.process, lexicon)
        self._tags = {normalize(t) for t in q.tags}
        self._first_person = {normalize(w) for w in q.first_person}
        self._copulas = {normalize(w) for w in q.copulas}
        self._subordinators = {normalize(w) for w in q.subordinators}
        self._dismisses = _Patterns(st.dismisses, lexicon)
        self._admits = _Patterns(st.admits, lexicon)
        self._negates = _Patterns(st.negates, lexicon)
        self._absent = _Patterns(st.absent, lexicon)
        failure = "(" + "|".join(normalize(w) for w in st.failure_words) + ") $"
        self._failures = _Patterns((failure,), lexicon)
        self._double = _Patterns(st.double_negative, lexicon)
        self._hedges = _Patterns(st.hedges, lexicon)
        self._subjects = {normalize(w) for w in st.subjects}
        self._not_topics = {normalize(w) for w in st.not_topics}
        self._connectives = _Patterns(ex.connectives, lexicon)
        self._numbers = _Patterns(ex.numbers, lexicon)
        self._digit_terms = {normalize(w) for w in ex.digit_terms}
        self._contrast = {normalize(w) for w in lexicon.contrast_words}
        self._fillers = sorted((normalize(f) for f in lexicon.fillers), key=len, reverse=True)

    # --- the turn ------------------------------------------------------------------------------
    def read(self, text: str, matcher: ConceptMatcher, when: str = "answering") -> Reading:
        """Read ``text``; ``when`` is the interview's state (answering, warmup, paused), which
        decides what counts as a request ("let's continue" resumes only a paused interview)."""
        sentences = [self._sentence(text, a, b, matcher, when) for a, b in sentence_spans(text)]
        return Reading(text, tuple(self._explained_by_next(self._unrhetorical(sentences))))

    def _sentence(
        self, text: str, start: int, end: int, matcher: ConceptMatcher, when: str
    ) -> Sentence:
        clauses = clause_spans(text, start, end, before=self.lex.clause_words) or [(start, end)]
        norms = [normalize(text[a:b]) for a, b in clauses]
        raw = text[start:end]
        request = self.requests.find(norms, when)
        stances = self._clause_stances(norms)
        mentions = self._mentions(text, start, end, clauses, stances, matcher)
        if request is not None:
            act, kind = "request", ""
        else:
            act, kind = self._act(raw, norms)
        stance = self._sentence_stance(norms, stances)
        # Admitting or waving a topic away explains nothing about it, whatever else is said.
        explains = (
            act == "statement"
            and stance in ("asserts", "negates")
            and self._explains(norms, stances, stance)
        )
        norm = " ".join(norms)
        return Sentence(raw, start, end, act, stance, explains, mentions, request, kind, norm)

    def _explained_by_next(self, sentences: list[Sentence]) -> list[Sentence]:
        """A statement whose reason comes in the next sentence ("Position: an ad in the top
        slot gets clicked more. So position is a training feature, ...") explains too."""
        out = list(sentences)
        for i, s in enumerate(out[:-1]):
            following = out[i + 1]
            if (
                s.act == "statement"
                and not s.explains
                and s.mentions
                and following.act == "statement"
            ):
                if following.explains and following.stance == "asserts" and s.stance == "asserts":
                    if len(s.norm.split()) >= self.lex.explains.alternative_min_words:
                        out[i] = replace(s, explains=True)
        return out

    def _unrhetorical(self, sentences: list[Sentence]) -> list[Sentence]:
        """A question its speaker answers at once is a statement ("why Redis? because ...")."""
        out = list(sentences)
        for i, s in enumerate(out):
            if s.act != "question" or not self._rhetorical.any(s.norm):
                continue
            following = out[i + 1] if i + 1 < len(out) else None
            if following is not None and following.act == "statement":
                if self._answer.any(following.norm):
                    out[i] = _as_statement(s, explains=following.explains)
        return out

    # --- acts ----------------------------------------------------------------------------------
    def _act(self, raw: str, norms: list[str]) -> tuple[str, str]:
        marked = raw.rstrip(" \"')]}\u201d\u2019").endswith("?")
        # Without a "?", a long sentence that opens like a question is a statement ("how many
        # times this card was used in the last hour, the last day, ...: the features").
        unmarked_max = self.lex.question.unmarked_max_words
        asked = marked or (len(" ".join(norms).split()) <= unmarked_max and self._asks(norms))
        if not asked:
            return "statement", ""
        whole = " ".join(norms)
        if len(norms) > 1 and self._rhetorical.any(norms[0]):
            if any(self._answer.any(n) for n in norms[1:]):
                return "statement", ""
        if self._definition.any(whole):
            return "question", "definition"
        if self._process.any(whole):
            return "question", "process"
        return "question", "problem"

    def _asks(self, norms: list[str]) -> bool:
        if any(self._question.any(n) for n in norms):
            return True
        last = norms[-1]
        if last in self._tags and len(norms) > 1:
            return True
        whole = " ".join(norms).split()
        if whole and whole[-1] == "or":
            return True
        # "and the traffic is global or just one region": alternatives, no one proposing.
        if "or" in whole and len(whole) <= self.lex.question.alternative_max_words:
            # Not "whether X or not", and not a clause of time or reason ("things go wrong
            # when the data is dirty or the world changes").
            offered = whole[-2:] != ["or", "not"] and not set(whole) & self._subordinators
            if offered and not set(whole) & self._first_person and set(whole) & self._copulas:
                return True
        return False

    # --- stances -------------------------------------------------------------------------------
    def _clause_stances(self, norms: list[str]) -> list[str]:
        stances: list[str] = []
        for norm in norms:
            stance = self._cue(norm)
            if stance == "asserts" and stances and self._inherits(norm):
                stance = stances[-1]
            stances.append(stance)
        # A topic named first takes the stance said of it ("A/B testing, honestly, I'm not
        # sure how you'd do that").
        cue = next((i for i, st in enumerate(stances) if st != "asserts"), 0)
        if cue > 0 and all(self._inherits(norms[j], first=True) for j in range(cue)):
            stances[:cue] = [stances[cue]] * cue
        return stances

    def _cue(self, norm: str) -> str:
        if self._hedges.any(norm):
            return "asserts"
        if self._dismisses.any(norm):
            return "dismisses"
        if self._admits.any(norm):
            return "admits"
        if self._double.any(norm):
            return "asserts"
        if self._negates.any(norm):
            return "negates"
        if self._absent.any(norm):
            # "no label leakage": the design handles a failure, which asserts it.
            return "asserts" if self._failures.any(norm) else "negates"
        return "asserts"

    def _inherits(self, norm: str, first: bool = False) -> bool:
        """A short clause with no subject of its own ("..., the online offline split")."""
        words = norm.split()
        longest = self.lex.stance.topic_max_words if first else self.lex.stance.inherit_max_words
        if not words or len(words) > longest:
            return False
        if words[0] in self._contrast or (first and words[0] in self._not_topics):
            return False
        return not set(words) & self._subjects

    def _sentence_stance(self, norms: list[str], stances: list[str]) -> str:
        stance = "asserts"
        for norm, clause_stance in zip(norms, stances, strict=True):
            if clause_stance != "asserts":
                if stance == "asserts":
                    stance = clause_stance
                continue
            words = norm.split()
            # "I haven't used Flink but it keeps windowed state, so ...": the turn asserts.
            if stance != "asserts" and words and words[0] in self._contrast and len(words) >= 4:
                stance = "asserts"
        return stance

    # --- concepts ------------------------------------------------------------------------------
    @staticmethod
    def _mentions(
        text: str,
        start: int,
        end: int,
        clauses: list[tuple[int, int]],
        stances: list[str],
        matcher: ConceptMatcher,
    ) -> tuple[Mention, ...]:
        out: list[Mention] = []
        for m in matcher.find_all(text[start:end]):
            a, b = start + m.start, start + m.end
            # A concept said across clauses ("batch ..., per request") takes its last clause.
            at = b - 1 if m.synonym == "together" else a
            index = next((i for i, (ca, cb) in enumerate(clauses) if ca <= at < cb), None)
            stance = stances[index] if index is not None else "asserts"
            if stance == "negates" and matcher.concepts[m.concept].choice:
                stance = "asserts"  # ruling one side out is choosing the other
            out.append(Mention(m.concept, stance, a, b, text[a:b]))
        return tuple(out)

    # --- explanations --------------------------------------------------------------------------
    def _explains(self, norms: list[str], stances: list[str], stance: str) -> bool:
        body = self._strip_fillers(" ".join(norms))
        has_number = self._has_number(body)
        connective = self._connectives.search(body)
        if self._is_list(norms):
            # A list of terms explains nothing, whatever numbers it names ("gRPC, sharding,
            # caching, autoscaling, p99 under 10 milliseconds"), unless it gives a reason, or
            # one of its clauses is a mechanism of its own that the list only illustrates
            # ("compare the incoming features against what the model was trained on, viewing
            # hours, plan mix, payment failures").
            if connective and connective.group(0).strip().split()[0] in (
                "because",
                "since",
                "otherwise",
                "cause",
            ):
                return True
            longest = self.lex.explains.mechanism_min_words
            return any(
                len(n.split()) >= longest and self._connectives.any(self._strip_fillers(n))
                for n in norms
            )
        if has_number or connective is not None:
            return True
        if stance == "negates":
            # "no deep learning here, a gradient boosted tree ... is faster": what instead.
            seen_negation = False
            for norm, clause_stance in zip(norms, stances, strict=True):
                if clause_stance == "negates":
                    seen_negation = True
                elif seen_negation and len(norm.split()) >= self.lex.explains.alternative_min_words:
                    return True
        return False

    def _has_number(self, norm: str) -> bool:
        for word in norm.split():
            if word in self._digit_terms:
                continue
            if _DIGITS.match(word):
                return True
        return self._numbers.any(norm)

    def _is_list(self, norms: list[str]) -> bool:
        # Numbers on their own ("1, 5, 25, 50 percent") are one item, not a list of terms.
        items = [n for n in norms if not n.replace(" ", "").isdigit()]
        if len(items) < 3:
            return False
        short = sum(len(n.split()) <= self.lex.explains.list_item_max_words for n in items)
        return short >= 3 and short * 3 >= len(items) * 2

    def _strip_fillers(self, norm: str) -> str:
        text = f"{norm} "
        changed = True
        while changed:
            changed = False
            for filler in self._fillers:
                if filler and text.startswith(filler + " "):
                    text = text[len(filler) + 1 :]
                    changed = True
        return text.strip()

    @cached_property
    def filler_words(self) -> frozenset[str]:
        return frozenset(self._fillers)


def _as_statement(s: Sentence, explains: bool) -> Sentence:
    return replace(s, act="statement", explains=explains, request=None, kind="")
