"""A scripted fake model for tests, registered through litellm's custom-provider mechanism.

``install_scripted()`` registers it as ``scripted/...``; ``enqueue`` queues replies (text,
delays, errors) and ``history`` holds every prompt it received. It goes through the real
``litellm.completion`` path, so the seam's streaming, time-outs, retries and error mapping
are tested as they run with a real provider.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ._litellm import import_litellm, register_provider, stream_chunk

PROVIDER = "scripted"


@dataclass(frozen=True)
class Script:
    """One scripted reply.

    ``chunks`` are the text deltas; ``first_delay_s`` passes before the first, ``delay_s``
    before each later one, and ``pause_s`` before chunk ``pause_at`` (a stall mid-reply).
    ``error_status`` raises an HTTP-like error (429, 503, 401...) with
    ``error_message`` after ``error_after`` chunks.
    """

    chunks: tuple[str, ...] = ()
    first_delay_s: float = 0.0
    delay_s: float = 0.0
    error_status: int | None = None
    error_message: str = "scripted failure"
    error_after: int = 0
    pause_at: int | None = None
    pause_s: float = 0.0


def chunked(text: str) -> tuple[str, ...]:
    """``text`` as word-sized deltas, the way a model streams it."""
    return tuple(re.findall(r"\s*\S+", text)) or (text,)


def _as_script(reply: str | Sequence[str] | Script) -> Script:
    if isinstance(reply, Script):
        return reply
    if isinstance(reply, str):
        return Script(chunks=chunked(reply))
    return Script(chunks=tuple(reply))


def _make_class() -> type:
    litellm = import_litellm()
    from litellm.llms.custom_llm import CustomLLMError

    class ScriptedLLM(litellm.CustomLLM):  # type: ignore[misc, name-defined]
        """The fake model; see the module docstring."""

        def __init__(self) -> None:
            super().__init__()
            self._queue: deque[Script] = deque()
            self._lock = threading.Lock()
            self.history: list[list[dict[str, str]]] = []
            self.options: list[dict[str, Any]] = []

        def enqueue(self, *replies: str | Sequence[str] | Script) -> None:
            """Queue replies, one per future call."""
            with self._lock:
                self._queue.extend(_as_script(r) for r in replies)

        @property
        def pending(self) -> int:
            """Replies queued and not yet used."""
            return len(self._queue)

        def _next(self, messages: list, optional_params: dict) -> Script:
            with self._lock:
                self.history.append([dict(m) for m in messages])
                self.options.append(dict(optional_params))
                if not self._queue:
                    raise CustomLLMError(status_code=400, message="ScriptedLLM: nothing enqueued")
                return self._queue.popleft()

        def _deltas(self, script: Script) -> Iterator[str]:
            failing = script.error_status is not None
            steps = max(len(script.chunks), script.error_after + 1 if failing else 0)
            for i in range(steps):
                time.sleep(script.first_delay_s if i == 0 else script.delay_s)
                if i == script.pause_at:
                    time.sleep(script.pause_s)
                if failing and i == script.error_after:
                    raise CustomLLMError(script.error_status, script.error_message)
                if i < len(script.chunks):
                    yield script.chunks[i]

        def streaming(self, model: str, messages: list, **kwargs: Any) -> Iterator[Any]:
            script = self._next(messages, kwargs.get("optional_params") or {})
            for text in self._deltas(script):
                yield stream_chunk(text)
            yield stream_chunk(finish_reason="stop")

        def completion(self, model: str, messages: list, **kwargs: Any) -> Any:
            script = self._next(messages, kwargs.get("optional_params") or {})
            response = kwargs["model_response"]
            response.choices[0].message.content = "".join(self._deltas(script))
            response.model = f"{PROVIDER}/{model}"
            return response

    return ScriptedLLM


def install_scripted(provider: str = PROVIDER) -> Any:
    """A fresh scripted model registered for ``<provider>/...`` model names."""
    fake = _make_class()()
    register_provider(provider, fake)
    return fake
