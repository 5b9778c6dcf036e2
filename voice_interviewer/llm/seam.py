"""The one seam between the interview and any LLM: ``LLMClient.stream(messages)``.

Every model goes through ``litellm.completion(stream=True)``: hosted providers, Ollama, an
OpenAI-compatible server, or ``local/...`` GGUF files through the in-process provider.

The call runs on a worker thread that feeds a queue, and the caller waits on that queue with
deadlines. A blocking iterator cannot be given a time-out any other way, and an in-process
model computes inside the call itself, so without the thread a slow prompt would hold the
interview for as long as it takes. An abandoned call is cancelled at its next token.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._litellm import import_litellm, register_provider
from .config import LLMConfig
from .models import LOCAL_PROVIDER, is_local

log = logging.getLogger(__name__)

ChatMessage = Mapping[str, str]
"""One chat message: ``{"role": "system" | "user" | "assistant", "content": "..."}``."""


class LLMError(RuntimeError):
    """The LLM gave no usable reply; the caller speaks the director's words instead."""


class LLMTimeout(LLMError):
    """No first token, a stalled stream, or a reply past its whole-reply budget."""


class LLMUnavailable(LLMError):
    """Transient failures (rate limit, 5xx, connection) that outlasted the retries."""


class LLMRequestError(LLMError):
    """A failure retrying cannot fix: credentials, unknown model, bad request, a bug."""


@dataclass(frozen=True)
class _End:
    pass


@dataclass(frozen=True)
class _Failed:
    error: LLMError
    cause: BaseException
    unexpected: bool = False


_END = _End()

_call = threading.local()


def current_cancel() -> threading.Event | None:
    """The cancel event of the seam call running on this thread, if any.

    An in-process provider computes inside the call, so it polls this to stop work (e.g.
    a long prompt evaluation) the moment the caller gives up, instead of at the next token.
    """
    return getattr(_call, "cancel", None)


def _transient_errors() -> tuple[type[BaseException], ...]:
    litellm = import_litellm()
    return (
        litellm.Timeout,
        litellm.RateLimitError,
        litellm.ServiceUnavailableError,
        litellm.InternalServerError,
        litellm.BadGatewayError,
        litellm.APIConnectionError,
    )


def _known_errors() -> tuple[type[BaseException], ...]:
    import openai  # litellm's exceptions all derive from openai's

    litellm = import_litellm()
    return (openai.OpenAIError, litellm.BudgetExceededError, litellm.exceptions.ModelNotMappedError)


def _unwrap(exc: BaseException) -> BaseException:
    # litellm reports any error inside a stream as MidStreamFallbackError (a 503); the
    # original says whether it was transient (a 429) or permanent (a missing model file).
    original = getattr(exc, "original_exception", None)
    return original if isinstance(original, BaseException) else exc


class TextStream(Iterator[str]):
    """The text deltas of one reply, with deadlines enforced on the caller's side.

    ``deadline`` (a ``time.monotonic()`` value) may be set by the caller to bound the wait
    for the next delta further, e.g. until the first clause is complete.
    """

    def __init__(
        self,
        out: queue.Queue[str | _End | _Failed],
        cancel: threading.Event,
        *,
        t_start: float,
        first_token_timeout_s: float,
        token_gap_timeout_s: float,
        total_timeout_s: float,
    ) -> None:
        self._out = out
        self._cancel = cancel
        self.t_start = t_start
        self.t_first_token: float | None = None
        self._first_deadline = t_start + first_token_timeout_s
        self._gap = token_gap_timeout_s
        self._total_deadline = t_start + total_timeout_s
        self._last = t_start
        self.deadline: float | None = None
        self._done = False

    @property
    def ttft_s(self) -> float | None:
        """Seconds from the call to its first text delta (None before it)."""
        return None if self.t_first_token is None else self.t_first_token - self.t_start

    def __iter__(self) -> TextStream:
        return self

    def __next__(self) -> str:
        if self._done:
            raise StopIteration
        limit = self._first_deadline if self.t_first_token is None else self._last + self._gap
        limit = min(limit, self._total_deadline)
        if self.deadline is not None:
            limit = min(limit, self.deadline)
        try:
            item = self._out.get(timeout=max(0.0, limit - time.monotonic()))
        except queue.Empty:
            self.close()
            if self.t_first_token is None:
                waited = f"no first token {time.monotonic() - self.t_start:.1f} s after the call"
            else:
                waited = f"no token for {time.monotonic() - self._last:.1f} s mid-reply"
            raise LLMTimeout(waited) from None
        if isinstance(item, _End):
            self._done = True
            raise StopIteration
        if isinstance(item, _Failed):
            self._done = True
            if item.unexpected:
                # The seam boundary: a bug below (in litellm or a provider) must not stop
                # the interview, but it must not vanish either.
                log.error("LLM call failed unexpectedly", exc_info=item.cause)
            else:
                log.warning("LLM call failed: %s", item.error)
            raise item.error from item.cause
        now = time.monotonic()
        if self.t_first_token is None:
            self.t_first_token = now
        self._last = now
        return item

    def close(self) -> None:
        """Stop the call; the worker drops the rest of the reply at its next token.

        Safe from another thread: a caller blocked in ``next`` wakes and ends the stream."""
        self._done = True
        self._cancel.set()
        self._out.put(_END)

    def __del__(self) -> None:
        self._cancel.set()


class LLMClient:
    """Streams replies from the configured model through litellm, with time-outs and retries.

    ``stream`` never blocks longer than its deadlines; errors surface as ``LLMError``.
    """

    def __init__(self, config: LLMConfig) -> None:
        if not config.enabled:
            raise ValueError("LLMClient needs a model; with none, speak the director's words")
        self.config = config
        self.model = config.model.strip()
        self._ready = False
        self._ready_lock = threading.Lock()

    def load(self) -> None:
        """Import litellm and register the local provider (2-4 s; done by ``prewarm``)."""
        with self._ready_lock:
            if self._ready:
                return
            try:
                import_litellm()
            except ImportError as exc:
                raise LLMRequestError(
                    f"{self.model}: litellm is not installed (pip install 'voice-interviewer[llm]')"
                ) from exc
            if is_local(self.model):
                from .local_provider import LocalGGUF

                register_provider(
                    LOCAL_PROVIDER,
                    LocalGGUF(n_threads=self.config.local_threads, n_ctx=self.config.local_context),
                )
            self._ready = True

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        first_token_timeout_s: float | None = None,
        token_gap_timeout_s: float | None = None,
        total_timeout_s: float | None = None,
        **options: Any,
    ) -> TextStream:
        """Start one reply; iterate the result for its text deltas.

        ``options`` override the config's litellm options for this call (``max_tokens``...).
        """
        self.load()
        cfg = self.config
        total = cfg.reply_timeout_s if total_timeout_s is None else total_timeout_s
        first = (
            cfg.first_token_timeout_s if first_token_timeout_s is None else first_token_timeout_s
        )
        kwargs: dict[str, Any] = {"max_tokens": cfg.max_tokens, "temperature": cfg.temperature}
        kwargs.update(cfg.options)
        kwargs.update(options)
        # litellm's own HTTP time-out backs up ours, so an abandoned call cannot linger.
        kwargs.setdefault("timeout", total)
        kwargs["drop_params"] = True  # a provider without e.g. temperature still answers
        out: queue.Queue[str | _End | _Failed] = queue.Queue()
        cancel = threading.Event()
        t0 = time.monotonic()
        worker = threading.Thread(
            target=self._pump,
            args=([dict(m) for m in messages], kwargs, out, cancel, t0 + first),
            name="llm-stream",
            daemon=True,
        )
        worker.start()
        return TextStream(
            out,
            cancel,
            t_start=t0,
            first_token_timeout_s=first,
            token_gap_timeout_s=cfg.token_gap_timeout_s
            if token_gap_timeout_s is None
            else token_gap_timeout_s,
            total_timeout_s=total,
        )

    def complete(self, messages: Sequence[ChatMessage], **kwargs: Any) -> str:
        """The whole reply as one string (same deadlines and errors as ``stream``)."""
        stream = self.stream(messages, **kwargs)
        try:
            return "".join(stream)
        finally:
            stream.close()

    def _pump(
        self,
        messages: list[dict[str, str]],
        kwargs: dict[str, Any],
        out: queue.Queue[str | _End | _Failed],
        cancel: threading.Event,
        first_deadline: float,
    ) -> None:
        litellm = import_litellm()
        transient = _transient_errors()
        known = _known_errors()
        _call.cancel = cancel
        attempt = 0
        while not cancel.is_set():
            started = False
            try:
                response = litellm.completion(
                    model=self.model, messages=messages, stream=True, **kwargs
                )
                try:
                    for chunk in response:
                        if cancel.is_set():
                            return
                        text = _delta_text(chunk)
                        if text:
                            started = True
                            out.put(text)
                finally:
                    # Closing the stream releases an in-process model at once.
                    close = getattr(response, "close", None)
                    if callable(close):
                        close()
                out.put(_END)
                return
            except transient as exc:
                cause = _unwrap(exc)
                permanent = isinstance(cause, known) and not isinstance(cause, transient)
                delay = self.config.retry_backoff_s * (2**attempt)
                retry = (
                    not started
                    and not permanent
                    and attempt < self.config.retries
                    and time.monotonic() + delay < first_deadline
                )
                if not retry:
                    kind = LLMRequestError if permanent else LLMUnavailable
                    out.put(_Failed(kind(_describe(self.model, cause, attempt)), exc))
                    return
                log.info("LLM transient error, retrying in %.2f s: %s", delay, cause)
                attempt += 1
                if cancel.wait(delay):
                    return
            except known as exc:
                out.put(_Failed(LLMRequestError(_describe(self.model, exc, attempt)), exc))
                return
            except Exception as exc:  # noqa: BLE001
                # The worker thread is the seam boundary: an exception left here would die
                # with the thread and the caller would only see a time-out. It is handed to
                # the caller, which logs it with its traceback and raises LLMError.
                out.put(_Failed(LLMRequestError(_describe(self.model, exc, attempt)), exc, True))
                return


def _delta_text(chunk: Any) -> str:
    choices = getattr(chunk, "choices", None)
    if not choices:
        return ""
    delta = getattr(choices[0], "delta", None)
    return (getattr(delta, "content", None) or "") if delta is not None else ""


def _describe(model: str, exc: BaseException, retries: int) -> str:
    again = f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
    message = str(getattr(exc, "message", None) or exc).strip().splitlines()
    first = message[0] if message else ""
    return f"{model}: {type(exc).__name__}{again}: {first[:300]}"
