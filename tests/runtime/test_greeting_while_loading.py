"""Greeting while the LLM loads (issue 11): with a model whose load takes 3 s, the voice loop
greets at once in the director's words, and once the model is ready the replies are its own."""

from __future__ import annotations

import threading

from voice_interviewer.llm.config import LLMConfig
from voice_interviewer.llm.loading import LoadingRenderer
from voice_interviewer.llm.renderer import LLMRenderer
from voice_interviewer.llm.scripted import Script, install_scripted

from .conftest import ANSWERS
from .rig import Rig

WARMUP = ANSWERS[0]
LOAD_S = 3.0
LLM_LINE = "Good, the business objective is the right place to start."
OBJECTIVE = "I would start with the business objective and how we measure it."


def test_greets_at_once_and_switches_to_the_llm_when_it_is_ready(content) -> None:  # type: ignore[no-untyped-def]
    fake = install_scripted()
    # The warm-up call stands for the model's load; then the replies to the two answers,
    # speculative ones included (the problem statement must keep the director's facts, so
    # there it falls back to them).
    fake.enqueue(Script(chunks=("ok",), first_delay_s=LOAD_S), *[LLM_LINE] * 6)
    config = LLMConfig(model="scripted/test", first_token_timeout_s=10.0, prewarm_timeout_s=60.0)
    renderer = LoadingRenderer(LLMRenderer.from_config(config, content=content))
    rig = Rig(content, mode="speakers", renderer=renderer, end_after_s=1.0)  # type: ignore[arg-type]
    # The candidate answers once the greeting is over and the model is ready (so the reply is
    # the LLM's whatever the machine's load does to litellm's import).
    go = threading.Event()

    def answer_when_ready() -> None:
        renderer.wait_ready(timeout=60.0)
        rig.awaiting.wait(60.0)
        go.set()

    rig.say(WARMUP, 1.0, after=go, delay=0.5)
    rig.say(OBJECTIVE, 1.0, after=rig.awaiting, delay=0.5)
    t_start = rig.clock.now()
    renderer.prewarm()  # what load_models does: starts the load, returns at once
    assert rig.clock.now() - t_start < 0.5
    threading.Thread(target=answer_when_ready, daemon=True).start()
    rig.run(timeout=90)

    timings = [e for e in rig.journal() if e["type"] == "timing"]
    greeting_audio = timings[0]["t_first_audio"] - t_start
    print(
        f"\ngreeting audio {greeting_audio:.2f} s after start; LLM ready after"
        f" {renderer.load_seconds:.2f} s"
    )
    assert greeting_audio < 1.0  # at once, not after the model's load
    assert renderer.load_seconds is not None and renderer.load_seconds >= LOAD_S - 0.05
    assert greeting_audio < renderer.load_seconds
    said = rig.said()
    [greeting_move] = [e for e in rig.journal() if e["type"] == "turn"][:1]
    assert said[0]["text"] == greeting_move["text"]  # the director's words
    assert timings[0]["authored"] is True
    assert said[2]["text"].startswith(LLM_LINE)  # the LLM's phrasing once ready
    assert timings[2]["authored"] is False
    assert renderer.authored_replies == 1  # only the greeting waited for nobody
    # The model was told what the interviewer had said while it loaded.
    reply_prompt = fake.history[1]
    assert any(m["content"] == said[0]["text"] for m in reply_prompt if m["role"] == "assistant")
