"""Settings of the LLM renderer: which model, the litellm options, time budgets and limits.

The model comes, in order of precedence, from ``--model``, ``VOICE_INTERVIEWER_MODEL`` or
the ``[llm]`` section of the config file; an empty model means no LLM: the director's
authored words are spoken (the offline default, see ``docs/llm_quality.md`` for why).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

MODEL_ENV = "VOICE_INTERVIEWER_MODEL"


def _frozen_options() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class LLMConfig:
    """How the renderer reaches an LLM and how long it may wait for one."""

    model: str = ""
    """A litellm model string (``openai/gpt-4o-mini``, ``ollama/llama3.2``,
    ``hosted_vllm/...``) or ``local/<alias or path.gguf>`` for an in-process GGUF
    (``local/smollm2`` is the bundled SmolLM2-135M). Empty: speak the director's words."""

    options: Mapping[str, Any] = field(default_factory=_frozen_options)
    """Extra keyword arguments for ``litellm.completion``: ``api_base``, ``api_key``,
    ``temperature``, ``max_tokens``, ``top_p``, ... (the ``[llm.options]`` table)."""

    first_token_timeout_s: float = 2.5
    """Longest the interview waits for the reply's first clause; past it the director's
    words are spoken. Retries of transient errors happen inside this budget."""

    token_gap_timeout_s: float = 2.0
    """Longest silence between two tokens once a reply has started; a stalled reply is cut
    and the required question, if any, is spoken in the director's words."""

    reply_timeout_s: float = 20.0
    """Longest a whole reply may take to stream."""

    retries: int = 2
    """Retries of a call that failed with a transient error (rate limit, 5xx, connection)
    before its first token; later failures are not retried (words were already spoken)."""

    retry_backoff_s: float = 0.25
    """First back-off between retries; it doubles on each retry."""

    max_tokens: int = 160
    """Cap on the tokens of one spoken reply, unless ``options`` sets ``max_tokens``."""

    temperature: float = 0.4
    """Sampling temperature of spoken replies, unless ``options`` sets ``temperature``."""

    max_sentences: int = 4
    """Most sentences a spoken reply may have (or the authored text's count, if larger)."""

    max_words: int = 90
    """Most words a spoken reply may have (or 1.3 times the authored text's, if larger)."""

    window_turns: int = 8
    """Turns kept verbatim in the prompt; older ones are folded into a short summary, a few
    at a time, so the prompt prefix (and a local model's KV cache) stays stable."""

    prewarm_timeout_s: float = 120.0
    """Budget of the start-up call that loads the model and evaluates the system prompt."""

    prose_timeout_s: float = 120.0
    """Budget of the scorecard prose call (written once, at the end)."""

    local_threads: int = 0
    """Threads for an in-process GGUF model; 0 means the number of physical cores."""

    local_context: int = 4096
    """Context window (tokens) of an in-process GGUF model."""

    def __post_init__(self) -> None:
        # A frozen config must not be changed through its options dict either.
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))
        if self.first_token_timeout_s <= 0 or self.reply_timeout_s <= 0:
            raise ValueError("LLM time-outs must be positive")
        if self.retries < 0:
            raise ValueError("llm.retries must be 0 or more")

    @property
    def enabled(self) -> bool:
        """Whether an LLM writes the replies (otherwise the director's words are spoken)."""
        return bool(self.model.strip())


_FIELDS = {f.name for f in fields(LLMConfig)}


def llm_config_from(
    section: Mapping[str, Any] | None = None,
    *,
    model_flag: str | None = None,
    env: Mapping[str, str] | None = None,
) -> LLMConfig:
    """Build the config from the ``[llm]`` table of the config file, the environment and the
    ``--model`` flag (highest precedence last in that list)."""
    env = os.environ if env is None else env
    values: dict[str, Any] = dict(section or {})
    unknown = sorted(set(values) - _FIELDS)
    if unknown:
        # Typos must not silently turn into litellm keyword arguments.
        raise ValueError(
            f"unknown [llm] setting(s) {', '.join(unknown)}; litellm options such as "
            f"api_base or temperature go in an [llm.options] table. "
            f"Known settings: {', '.join(sorted(_FIELDS))}"
        )
    from voice_interviewer.config import check_types

    check_types(LLMConfig, values, "llm")  # `model = 42` is a message, not a traceback
    if env.get(MODEL_ENV):
        values["model"] = env[MODEL_ENV]
    if model_flag:
        values["model"] = model_flag
    return LLMConfig(**values)
