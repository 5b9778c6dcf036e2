"""Greeting while the LLM loads: the director's words at once, the LLM's phrasing once ready.

Loading a local model and evaluating its system prompt takes seconds (the bundled SmolLM2:
about 5.8 s here); a candidate should not sit in silence for that. ``LoadingRenderer`` wraps
the LLM renderer: ``prewarm`` starts the load in a background thread and returns at once;
until the load is done every reply speaks the move's authored words (as the fallback does)
and is written into the LLM's conversation, so the model later knows what was already said;
after it, replies come from the LLM. A reply being rendered when the load finishes keeps the
director's words: a reply never changes voice mid-way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from voice_interviewer.messages import Move, ReplyText

from .renderer import LLMRenderer, RenderStats

log = logging.getLogger(__name__)


class LoadingRenderer:
    """The ``Renderer`` seam over an ``LLMRenderer`` that is still loading."""

    def __init__(self, inner: LLMRenderer) -> None:
        self.inner = inner
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._started_at: float | None = None
        self.load_seconds: float | None = None
        """How long the background load took (None until it is done)."""
        self.authored_replies = 0
        """Replies spoken in the director's words because the model was not ready yet."""
        self.last: RenderStats | None = None

    # --- start-up ------------------------------------------------------------------------
    def prewarm(self) -> None:
        """Start loading the model in the background; returns at once (safe to call twice)."""
        if self._thread is not None:
            return
        self._started_at = time.monotonic()
        self._thread = threading.Thread(target=self._load, name="llm-load", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        try:
            self.inner.prewarm()  # logs and remembers its own failure; never raises LLMError
        finally:
            assert self._started_at is not None
            self.load_seconds = time.monotonic() - self._started_at
            self._ready.set()
            log.info("LLM ready after %.1f s; replies use its words from now on", self.load_seconds)

    @property
    def ready(self) -> bool:
        """True once the model has loaded (or failed to: then each reply falls back itself)."""
        return self._ready.is_set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the load is done; False on timeout. Starts it if nobody did."""
        self.prewarm()
        return self._ready.wait(timeout)

    # --- the Renderer seam -----------------------------------------------------------------
    def render(self, move: Move, candidate_text: str = "") -> Iterator[ReplyText]:
        """The LLM's reply when it is ready; the move's authored words while it loads."""
        if self.ready:
            try:
                yield from self.inner.render(move, candidate_text)
            finally:
                self.last = self.inner.last
            return
        self.authored_replies += 1
        self.last = RenderStats(kind=move.kind, text=move.text, llm_words=False, first_text_s=0.0)
        try:
            yield ReplyText(move.text, is_final=True, authored=True, generation=move.generation)
        finally:
            self.inner.conversation.record(move, candidate_text, move.text)

    def heard(self, text: str) -> None:
        self.inner.heard(text)

    def refresh_cache(self, wait: bool = False) -> object:
        # While loading, the load itself evaluates the prompt; a refresh would wait for it.
        return self.inner.refresh_cache(wait) if self.ready else None

    def interrupt(self, generation: int) -> None:
        self.inner.interrupt(generation)

    def checkpoint(self) -> object:
        return self.inner.checkpoint()

    def restore(self, token: object) -> None:
        self.inner.restore(token)

    # --- what the rest of the app reads of an LLM renderer ---------------------------------
    @property
    def client(self) -> Any:
        """The LLM client (the scorecard's prose is written with it)."""
        return self.inner.client

    @property
    def warmup(self) -> Any:
        """The inner renderer's warm-up result (None while loading)."""
        return self.inner.warmup
