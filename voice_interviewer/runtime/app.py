"""Building the voice interview: models loaded and warmed in parallel, devices opened,
the loop run, and every failure turned into a message that says what to do."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voice_interviewer import config as cfg
from voice_interviewer.clock import RealClock
from voice_interviewer.interview.content import Content
from voice_interviewer.session.live import InterviewSession
from voice_interviewer.ui.progress import progress

log = logging.getLogger(__name__)


@dataclass
class Models:
    """The models of the loop, loaded and warmed, with what each cost at start-up."""

    stt: Any
    tts: Any
    renderer: Any
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    smart_turn: Any = None
    """Smart Turn v3.2 (``audio.smart_turn.SmartTurn``), or None: silence + transcript only."""
    final_pass: Any = None
    """The accurate final pass's worker (``stt.final_worker.FinalPassWorker``), or None."""


def load_models(
    settings: dict[str, Any],
    model_flag: str | None = None,
    content: Content | None = None,
    *,
    llm_in_background: bool = False,
) -> Models:
    """Load and warm STT, TTS, the LLM renderer, Smart Turn and the final pass at the same time
    (DESIGN.md: warm start).

    The heavy libraries release the GIL while loading and running, so the threads overlap the
    start-up costs instead of adding them. Smart Turn or the final pass failing to load is not
    fatal: a note says what runs instead. With ``llm_in_background`` the LLM goes on loading
    after this returns (``llm/loading.py``): the interviewer greets in the director's words at
    once and switches to the LLM's when it is ready. A replay and the benchmark wait for it,
    so that every reply is the LLM's and runs are comparable.
    """
    from voice_interviewer.audio.config import SmartTurnConfig
    from voice_interviewer.llm.config import llm_config_from
    from voice_interviewer.llm.loading import LoadingRenderer
    from voice_interviewer.llm.renderer import LLMRenderer, make_renderer
    from voice_interviewer.runtime.turn_model import load_smart_turn
    from voice_interviewer.stt.final_pass import FinalPassConfig
    from voice_interviewer.stt.transcriber import Transcriber, TranscriberConfig
    from voice_interviewer.tts.synthesizer import Synthesizer, SynthesizerConfig

    stt_config = cfg.build(TranscriberConfig, settings.get("stt"), "stt")
    tts_config = cfg.build(SynthesizerConfig, settings.get("tts"), "tts")
    turn_config = cfg.build(SmartTurnConfig, settings.get("smart_turn"), "smart_turn")
    final_config = cfg.build(FinalPassConfig, settings.get("final_pass"), "final_pass")
    try:
        llm_config = llm_config_from(settings.get("llm"), model_flag=model_flag)
    except ValueError as e:
        raise cfg.ConfigError(str(e)) from e
    seconds: dict[str, float] = {}

    def timed(name: str, build: Any) -> Any:
        t0 = time.perf_counter()
        made = build()
        seconds[name] = round(time.perf_counter() - t0, 3)
        return made

    def stt() -> Any:
        model = Transcriber(stt_config)
        model.warm_up()
        return model

    def tts() -> Any:
        voice = Synthesizer(tts_config)
        voice.warm_up()
        return voice

    def renderer() -> Any:
        made = make_renderer(llm_config, content=content)
        if llm_in_background and isinstance(made, LLMRenderer):
            made = LoadingRenderer(made)  # its prewarm returns at once
        made.prewarm()  # loads a local model and evaluates the system prompt
        return made

    def smart_turn() -> tuple[Any, str]:
        return load_smart_turn(turn_config)

    def final_pass() -> tuple[Any, str]:
        return start_final_pass(final_config)

    loaders = (
        ("stt", stt),
        ("tts", tts),
        ("llm", renderer),
        ("smart_turn", smart_turn),
        ("final_pass", final_pass),
    )
    with (
        progress("Loading the models", len(loaders)) as bar,
        ThreadPoolExecutor(max_workers=len(loaders), thread_name_prefix="load") as pool,
    ):
        futures = {name: pool.submit(timed, name, fn) for name, fn in loaders}
        for _ in as_completed(futures.values()):
            bar.advance()
        made = {name: f.result() for name, f in futures.items()}
    notes = [
        f"speech recognition: {made['stt'].model_path} on {made['stt'].device} ({made['stt'].device_reason})"
    ]
    notes.append(f"voice: {Path(str(made['tts'].voice_path)).name}")
    words = llm_config.model or "the director (no LLM configured)"
    if isinstance(made["llm"], LoadingRenderer):
        words += " (still loading: the director's words until it is ready)"
    notes.append(f"interviewer words: {words}")
    turn_model, turn_note = made["smart_turn"]
    worker, final_note = made["final_pass"]
    notes += [turn_note, final_note]
    return Models(made["stt"], made["tts"], made["llm"], seconds, notes, turn_model, worker)


def start_final_pass(config: Any) -> tuple[Any, str]:
    """The final pass's worker, started and its model loaded (on its own low-priority thread),
    or None; with a line saying what runs. A model that cannot load is not fatal: the turns
    keep the live transcript."""
    if not config.enabled:
        return None, "final pass: off ([final_pass] enabled = false); turns keep the live text"
    from voice_interviewer.stt.final_pass import FinalPass
    from voice_interviewer.stt.final_worker import FinalPassWorker

    worker = FinalPassWorker(lambda: FinalPass(config))
    try:
        made = worker.wait_ready(timeout=120.0)
    except (RuntimeError, TimeoutError) as e:
        worker.close(timeout=0.1)
        return None, f"final pass: off, because it could not start ({e}); turns keep the live text"
    return worker, (
        f"final pass: {config.model or 'bundled tiny.en'} on {made.device}, beam"
        f" {config.beam_size}, {config.cpu_threads} thread(s) at low priority"
    )


def splitter_factory() -> Any:
    from voice_interviewer.tts.clauses import ClauseSplitter

    return ClauseSplitter()


def session_clock(session: InterviewSession) -> RealClock:
    """The clock the director already runs on, so audio and journal times agree."""
    clock = session.clock
    if not isinstance(clock, RealClock):
        raise TypeError("a voice session needs the real clock")
    return clock


def recording_path(session: InterviewSession) -> Path:
    """recording.wav, or recording-2.wav, ... after a resume (each starts at its own t0)."""
    directory = session.directory
    path = directory / "recording.wav"
    n = 2
    while path.exists():
        path = directory / f"recording-{n}.wav"
        n += 1
    return path


def describe(content: Content) -> str:
    return f"{len(content.problems)} problems, {len(content.phases)} phases"
