"""Renderers turn the director's ``Move`` into the interviewer's words.

``AuthoredRenderer`` speaks the move's authored text (no LLM configured). ``LLMRenderer``
streams a natural reply from the configured model, clause by clause, each clause checked by
the guardrails before it is yielded; when the model fails, stalls or breaks a rule before
anything was said, the authored text is spoken instead, and when it breaks down mid-reply the
reply is finished in the director's words. The interview never waits on the LLM longer than
``first_token_timeout_s`` for its first words.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

from ..interview.content import Content, load_content
from ..messages import Move, MoveKind, ReplyText
from .config import LLMConfig
from .guardrails import (
    Break,
    ProblemHints,
    ReplyGuard,
    coverage,
    lexicon_from,
    problem_hints,
    split_clauses,
    words,
)
from .models import is_local
from .prompt import Conversation
from .seam import LLMClient, LLMError, LLMTimeout, TextStream

log = logging.getLogger(__name__)

INTENT_COVERAGE = 0.4
"""Share of the authored line's content words a reply must keep to count as saying it (a
paraphrase keeps fewer words than it keeps meaning; numbers must all be kept)."""

# Moves whose substance is in the facts of the line: a reply that drops them is finished
# with the authored line even when it broke no rule.
_FACT_MOVES = frozenset(
    {MoveKind.HINT, MoveKind.SCOPE_ANSWER, MoveKind.PRESENT_PROBLEM, MoveKind.PUSH_MISSING}
)


@dataclass(frozen=True)
class RenderStats:
    """How one reply was produced: for the journal, metrics and the quality gate."""

    kind: MoveKind
    text: str
    """Everything yielded, as spoken."""
    llm_words: bool
    """Whether any of the spoken words were the LLM's."""
    problem: str = ""
    """The rule broken or the failure ("timeout", "error"), or "" for a clean LLM reply."""
    detail: str = ""
    repaired: bool = False
    """The LLM's words were kept and the director's words finished the reply."""
    ttft_s: float | None = None
    """From the call to the model's first token."""
    first_text_s: float | None = None
    """From ``render`` to its first yielded text (what the text-to-speech stage waits on)."""
    total_s: float = 0.0

    @property
    def clean(self) -> bool:
        """The LLM's words alone, no rule broken."""
        return self.llm_words and not self.problem


class Renderer(Protocol):
    """Turns moves into reply text; see the module docstring for the contract."""

    last: RenderStats | None

    def prewarm(self) -> None:
        """Load and warm the model (call once at start-up, before the greeting)."""

    def render(self, move: Move, candidate_text: str = "") -> Iterator[ReplyText]:
        """The reply to ``move``; the last item has ``is_final`` set."""
        ...

    def heard(self, text: str) -> None:
        """What the candidate actually heard of the last reply (after a barge-in)."""

    def checkpoint(self) -> object:
        """The conversation state before a speculative reply, for ``restore``."""

    def restore(self, token: object) -> None:
        """Forget a speculative reply that was never spoken."""

    def refresh_cache(self, wait: bool = False) -> object:
        """Idle-time work after a reply (while the candidate talks); returns at once unless
        ``wait``, and the next ``render`` stops whatever is left of it."""

    def interrupt(self, generation: int) -> None:
        """Stop rendering the reply to the move of ``generation`` (from another thread): its
        stream ends at once. A no-op when another reply is being rendered."""


class AuthoredRenderer:
    """Speaks the director's authored words: no LLM configured, or none wanted."""

    def __init__(self) -> None:
        self.last: RenderStats | None = None

    def prewarm(self) -> None:
        return None

    def render(self, move: Move, candidate_text: str = "") -> Iterator[ReplyText]:
        self.last = RenderStats(kind=move.kind, text=move.text, llm_words=False, first_text_s=0.0)
        yield ReplyText(move.text, is_final=True, authored=True, generation=move.generation)

    def heard(self, text: str) -> None:
        return None

    def refresh_cache(self, wait: bool = False) -> None:
        return None

    def interrupt(self, generation: int) -> None:
        return None

    def checkpoint(self) -> object:
        return None

    def restore(self, token: object) -> None:
        return None


@dataclass(frozen=True)
class Warmup:
    """The result of ``LLMRenderer.prewarm``."""

    ok: bool
    seconds: float
    error: str = ""


_LABEL = re.compile(r"^\s*(?:\*\*)?(?:interviewer|assistant|you|me)(?:\*\*)?\s*:\s*", re.IGNORECASE)


def _clean(clause: str, first: bool) -> str:
    # Small models like to prefix a speaker label or wrap the whole reply in quotes; both
    # are harmless to drop, and dropping them saves a good reply from the fallback.
    if first:
        clause = _LABEL.sub("", clause)
    return clause.strip().strip('"\u201c\u201d').strip()


class LLMRenderer:
    """Writes each reply with the configured LLM, inside the guardrails."""

    def __init__(
        self,
        client: LLMClient,
        *,
        persona: str,
        problems: Mapping[str, ProblemHints] | None = None,
        lexicon: frozenset[str] = frozenset(),
    ) -> None:
        self.client = client
        self.config: LLMConfig = client.config
        self.conversation = Conversation(persona, window_turns=self.config.window_turns)
        self.problems = dict(problems or {})
        self.lexicon = lexicon
        self.last: RenderStats | None = None
        self.warmup: Warmup | None = None
        self._lock = threading.Lock()
        self._refresh: TextStream | None = None  # a KV-cache refresh still running
        self._active: TextStream | None = None  # the stream of the reply being rendered
        self._active_generation: int | None = None
        self._interrupted: int | None = None  # a generation interrupted before its stream

    @classmethod
    def from_config(cls, config: LLMConfig, *, content: Content | None = None) -> LLMRenderer:
        """A renderer for ``config.model`` with the persona and problems of ``content``
        (default: the package's own)."""
        content = content or load_content()
        return cls(
            LLMClient(config),
            persona=content.persona,
            problems=problem_hints(content.problems),
            lexicon=lexicon_from(content.texts()),
        )

    # --- start-up and idle time ------------------------------------------------------------

    def prewarm(self) -> None:
        """Import litellm, load the model and evaluate the system prompt, before the greeting.

        Failures are logged and remembered in ``warmup``; the interview then goes on, and
        each reply falls back to the director's words if the model still fails.
        """
        self.warmup = self._warm(self.conversation.history())

    def refresh_cache(self, wait: bool = False) -> Warmup | None:
        """Evaluate the conversation so far into a local model's KV cache.

        Call it after each reply, while the candidate is talking: the next reply then only
        evaluates the candidate's new turn (~0.15 s to first token on 2 cores instead of
        seconds for the previous turn plus this one). A no-op for hosted models.

        It runs in the background unless ``wait``: the caller (the voice loop's think
        thread) must be free when the candidate's turn ends, and the next ``render`` stops
        the refresh where it got to; the batches it evaluated stay in the cache.
        """
        if not is_local(self.client.model):
            return None
        self.conversation.prefix_changed = False
        history = self.conversation.history()
        if wait:
            return self._warm(history)
        self._stop_refresh()
        try:
            refresh = self._warm_call(history)
        except LLMError as exc:
            log.info("KV-cache refresh not started: %s", exc)
            return None
        with self._lock:
            self._refresh = refresh
        return None

    def _warm_call(self, history: list[dict[str, str]]) -> TextStream:
        """One token after the conversation and a throw-away user turn: evaluates it all."""
        budget = self.config.prewarm_timeout_s
        probe = history + [{"role": "user", "content": "Candidate: (warming up)"}]
        return self.client.stream(
            probe,
            max_tokens=1,
            first_token_timeout_s=budget,
            token_gap_timeout_s=budget,
            total_timeout_s=budget,
        )

    def _stop_refresh(self) -> None:
        with self._lock:
            refresh, self._refresh = self._refresh, None
        if refresh is not None:
            refresh.close()

    def interrupt(self, generation: int) -> None:
        with self._lock:
            self._interrupted = generation
            if self._active is not None and self._active_generation == generation:
                self._active.close()

    def _warm(self, history: list[dict[str, str]]) -> Warmup:
        t0 = time.monotonic()
        try:
            stream = self._warm_call(history)
            try:
                "".join(stream)
            finally:
                stream.close()
        except LLMError as exc:
            log.warning(
                "LLM warm-up failed; replies will fall back to the director's words: %s", exc
            )
            return Warmup(False, time.monotonic() - t0, str(exc))
        return Warmup(True, time.monotonic() - t0)

    # --- replies ---------------------------------------------------------------------------

    def heard(self, text: str) -> None:
        self.conversation.replace_last_reply(text)

    def checkpoint(self) -> object:
        """The conversation before a speculative reply (the loop may drop that reply)."""
        return copy.deepcopy(self.conversation)

    def restore(self, token: object) -> None:
        """Forget a speculative reply that was never spoken."""
        if isinstance(token, Conversation):
            self.conversation = token

    def _guard(self, move: Move, candidate_text: str) -> ReplyGuard:
        snap = move.snapshot
        withheld: list[str] = []
        allowed = [self.conversation.spoken_text(), candidate_text]
        if snap is not None:
            problem = self.problems.get(snap.problem_id or "")
            if problem is not None:
                withheld.extend(problem.withheld_terms(snap.hint_level_earned))
                allowed.append(problem.question)
            # Naming a gap the line does not name would hand the candidate the answer.
            withheld.extend(snap.gaps)
            allowed.append(snap.problem_question or "")
        return ReplyGuard(
            move,
            max_sentences=self.config.max_sentences,
            max_words=self.config.max_words,
            allowed_text=" ".join(allowed),
            lexicon=self.lexicon,
            withheld=withheld,
            said_before=self.conversation.interviewer_clauses(),
        )

    def render(self, move: Move, candidate_text: str = "") -> Iterator[ReplyText]:
        """Stream the reply to ``move``; see the module docstring for the fallbacks."""
        t0 = time.monotonic()
        gen = move.generation
        guard = self._guard(move, candidate_text)
        messages = self.conversation.messages_for(move, candidate_text)
        spoken: list[str] = []
        stats: dict[str, object] = {}
        problem: Break | None = None
        stream = None
        self._stop_refresh()  # the reply needs the model now; the cache keeps what was done
        try:
            try:
                stream = self.client.stream(messages)
                stream.deadline = t0 + self.config.first_token_timeout_s
            except LLMError as exc:
                problem = Break("error", str(exc))
            else:
                with self._lock:
                    self._active, self._active_generation = stream, gen
                    if self._interrupted == gen:
                        stream.close()
            buffer = ""
            ended = False
            while stream is not None and not ended and problem is None and not guard.question_asked:
                try:
                    buffer += next(stream)
                    clauses, buffer = split_clauses(buffer)
                except StopIteration:
                    ended = True
                    clauses, buffer = split_clauses(buffer, final=True)
                except LLMTimeout as exc:
                    problem = Break("timeout", str(exc))
                    break
                except LLMError as exc:
                    problem = Break("error", str(exc))
                    break
                for clause in clauses:
                    clause = _clean(clause, first=not spoken)
                    if not clause:
                        continue
                    problem = guard.check(clause)
                    if problem is not None:
                        break
                    if not spoken:
                        stats["first_text_s"] = time.monotonic() - t0
                        stream.deadline = None
                    spoken.append(clause)
                    yield ReplyText(clause if len(spoken) == 1 else " " + clause, generation=gen)
                    if guard.question_asked:
                        # The required question ends the turn: the candidate answers now.
                        break
            if problem is None:
                problem = guard.finish() or self._intent_problem(move, guard.text)
            tail = self._tail(move, guard, problem)
            if tail and not spoken:
                stats["first_text_s"] = time.monotonic() - t0
            spoken.append(tail)
            yield ReplyText(
                tail if len(spoken) == 1 or not tail else " " + tail,
                is_final=True,
                authored=bool(tail),
                generation=gen,
            )
        finally:
            with self._lock:
                self._active = self._active_generation = None
            if stream is not None:
                stats["ttft_s"] = stream.ttft_s
                stream.close()
            text = " ".join(s for s in spoken if s)
            self.conversation.record(move, candidate_text, text)
            if problem is not None:
                log.info(
                    "reply to %s: %s (%s)", move.kind.value, problem.rule, problem.detail[:120]
                )
            self.last = RenderStats(
                kind=move.kind,
                text=text,
                llm_words=bool(guard.spoken),
                problem=problem.rule if problem else "",
                detail=problem.detail if problem else "",
                repaired=bool(guard.spoken) and problem is not None,
                ttft_s=stats.get("ttft_s"),  # type: ignore[arg-type]
                first_text_s=stats.get("first_text_s"),  # type: ignore[arg-type]
                total_s=time.monotonic() - t0,
            )

    @staticmethod
    def _intent_problem(move: Move, said: str) -> Break | None:
        if move.kind not in _FACT_MOVES:
            return None
        facts = [w for w in words(move.text) if any(ch.isdigit() for ch in w)]
        kept = coverage(said, move.text)
        if facts and not all(f in words(said) for f in facts):
            return Break("intent", "dropped " + ", ".join(f for f in facts if f not in words(said)))
        if kept < INTENT_COVERAGE:
            return Break("intent", f"kept {kept:.0%} of the line")
        return None

    @staticmethod
    def _tail(move: Move, guard: ReplyGuard, problem: Break | None) -> str:
        """The director's words that finish the reply: all of them when nothing usable was
        said or the gist was lost, the required question when only it is missing."""
        if not guard.spoken:
            return move.text
        if problem is None:
            return ""
        if coverage(guard.text, move.text) < INTENT_COVERAGE or problem.rule == "intent":
            return move.text
        if move.question and not guard.question_asked:
            return move.question
        return ""


def make_renderer(config: LLMConfig, *, content: Content | None = None) -> Renderer:
    """The LLM renderer when a model is configured, otherwise the authored one."""
    if not config.enabled:
        return AuthoredRenderer()
    from ..extras import ensure_local_model

    ensure_local_model(config.model.strip())  # the first local/... model installs its runtime
    return LLMRenderer.from_config(config, content=content)
