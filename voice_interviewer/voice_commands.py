"""The spoken subcommands: `interview` with a microphone, `replay`, `devices`."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import Any

from voice_interviewer import config as cfg
from voice_interviewer.clock import Clock, RealClock
from voice_interviewer.interview.content import load_content
from voice_interviewer.messages import Move
from voice_interviewer.session.events import DeviceLostLine
from voice_interviewer.session.live import InterviewSession, SessionOptions


class VoiceUnavailable(RuntimeError):
    """The voice extras or the audio devices are missing; the message says what to do."""


def open_session(args: argparse.Namespace, mode: str) -> tuple[InterviewSession, Move | None]:
    """A new session (greeting comes from the loop) or a resumed one (with its first move)."""
    content = load_content()

    def clock_at(offset: float) -> Clock:
        return RealClock(offset)

    if getattr(args, "resume", None):
        session, first = InterviewSession.resume(args.resume, content, clock_at)
        for note in session.notes:  # skipped lines, a rebuilt scorecard, a reopened interview
            print(f"note: {note}", file=sys.stderr)
        return session, first
    options = SessionOptions(
        mode=mode,
        problem_id=args.problem,
        difficulty=args.difficulty,
        focus_areas=tuple(args.focus or ()),
        continue_from="last" if getattr(args, "continue_last", False) else None,
    )
    return InterviewSession.start(content, clock_at(0.0), options), None


def loop_config(settings: dict[str, Any], audio_mode: str | None) -> Any:
    from voice_interviewer.runtime.config import LoopConfig

    return cfg.build(LoopConfig, settings.get("audio"), "audio", audio_mode=audio_mode)


def run_loop(
    session: InterviewSession,
    first: Move | None,
    source: Any,
    sink: Any,
    models: Any,
    loop_cfg: Any,
    awaiting: threading.Event | None = None,
    keys: bool = True,
    show_latency: bool = False,
) -> Any:
    """Run the voice loop with a recording and the terminal display; returns the loop."""
    from voice_interviewer.audio.errors import AudioDeviceLost
    from voice_interviewer.runtime.app import session_clock
    from voice_interviewer.runtime.compose import build_loop
    from voice_interviewer.runtime.display import MeteredSource, TerminalDisplay

    session_clock(session)  # a voice session needs the real clock
    display = TerminalDisplay(session, show_latency=show_latency, keys=keys)
    turn_heard = getattr(source, "turn_heard", None)  # a replay's watchdog waits for the reply

    def on_event(kind: str, data: dict[str, Any]) -> None:
        # Words heard mean a turn and then a reply will come, however loaded the machine.
        if kind in ("candidate_partial", "candidate_turn") and turn_heard is not None:
            turn_heard()
        display.on_event(kind, data)

    for note in models.notes:
        display.screen.note(f"  {note}")
    if keys:
        display.screen.note("Keys: space ends your turn, h asks for a hint, q ends the interview.")
    loop = build_loop(
        session,
        MeteredSource(source, display.screen),
        sink,
        models,
        loop_cfg,
        on_event=on_event,
        awaiting_answer=awaiting,
    )
    reader = None
    if keys:
        from voice_interviewer.runtime.keys import KeyReader

        reader = KeyReader(
            lambda key: {
                " ": loop.end_turn_now,
                "h": lambda: loop.inject("hint"),
                "q": lambda: loop.inject("end the interview"),
            }.get(key, lambda: None)()
        )
        reader.start()
    try:
        loop.run(first)
    except AudioDeviceLost as e:
        print(
            f"\nThe audio device was lost: {e}\nThe session is saved; continue it with:\n"
            f"  voice-interviewer interview --resume {session.session_id}",
            file=sys.stderr,
        )
        session.record(DeviceLostLine(str(e)))
    finally:
        if reader is not None:
            reader.stop()
        _finish(session, models, display.screen)
    return loop


def _finish(session: InterviewSession, models: Any, screen: Any) -> None:
    if session.finished and session.scorecard is not None:
        from voice_interviewer.llm.scorecard_prose import scorecard_prose_for

        session.set_scorecard(scorecard_prose_for(models.renderer, session.scorecard))
        screen.scorecard(session.scorecard)
        screen.note(
            f"\nSaved as {session.session_id}. Export it with: voice-interviewer export {session.session_id}"
        )
    else:
        screen.note(
            f"\nSession {session.session_id} saved. Continue it with: "
            f"voice-interviewer interview --resume {session.session_id}"
        )
    screen.close()
    session.close()


def interview(args: argparse.Namespace) -> int:
    """A spoken interview through the microphone and speakers."""
    from voice_interviewer.audio.config import DeviceConfig
    from voice_interviewer.audio.sounddevice_io import SoundDeviceSink, SoundDeviceSource
    from voice_interviewer.runtime.app import load_models

    settings = cfg.load_settings(args.config)
    devices = settings.get("devices", {})
    in_cfg = cfg.build(
        DeviceConfig, devices.get("input"), "devices.input", device=args.input_device
    )
    out_cfg = cfg.build(
        DeviceConfig, devices.get("output"), "devices.output", device=args.output_device
    )
    loop_cfg = loop_config(settings, args.audio)
    # Fail fast, before minutes of model loading, when there is no microphone or speaker.
    from voice_interviewer.audio.devices import find_device

    mic = find_device(in_cfg.device, "input")
    speaker = find_device(out_cfg.device, "output")
    print(f"Microphone: {mic.name}; speakers: {speaker.name}. Loading the models...")
    t0 = time.perf_counter()
    # The LLM may take seconds more: the greeting does not wait for it (llm/loading.py).
    models = load_models(settings, model_flag=args.model, llm_in_background=True)
    session, first = open_session(args, mode="voice")
    source = SoundDeviceSource(in_cfg, clock=session.clock.now)
    sink = SoundDeviceSink(out_cfg)
    print(f"Ready in {time.perf_counter() - t0:.1f} s. Session {session.session_id}.")
    run_loop(session, first, source, sink, models, loop_cfg, show_latency=args.show_latency)
    return 0


def replay(args: argparse.Namespace) -> int:
    """Play recorded answers through the same loop, in real time; save the interviewer's audio."""
    from voice_interviewer.runtime.app import load_models
    from voice_interviewer.runtime.replay import answer_files, usable_answers

    def note(message: str) -> None:
        print(f"replay: {message}", file=sys.stderr, flush=True)

    files, answers = usable_answers(answer_files(args.folder), note)
    settings = cfg.load_settings(args.config)
    loop_cfg = loop_config(settings, args.audio)
    print(f"Replaying {len(files)} answers from {args.folder}; loading the models...")
    models = load_models(settings, model_flag=args.model)
    session, first = open_session(args, mode="replay")
    out = play_answers(
        session,
        first,
        answers,
        models,
        loop_cfg,
        gap_s=args.gap,
        note=note,
        show_latency=args.show_latency,
    )
    print(f"Interviewer audio: {out}")
    return 0


def play_answers(
    session: InterviewSession,
    first: Move | None,
    answers: list[Any],
    models: Any,
    loop_cfg: Any,
    *,
    gap_s: float = 0.4,
    note: Any = print,
    on_source: Any = None,
    show_latency: bool = False,
) -> Any:
    """Replay ``answers`` into the loop for ``session``; returns the path of interviewer.wav.
    ``on_source`` gets the ReplaySource first (a soak stops it when its time is up)."""
    from voice_interviewer.audio.config import PIPELINE_RATE
    from voice_interviewer.audio.memory import MemorySink
    from voice_interviewer.audio.wavfile import WavFileSink
    from voice_interviewer.runtime.replay import ReplaySource

    awaiting = threading.Event()
    source = ReplaySource(answers, awaiting, session.clock.now, gap_s=gap_s, on_stall=note)
    if on_source is not None:
        on_source(source)
    out = session.directory / "interviewer.wav"
    # What the interviewer says goes to disk as it is played, as the candidate's audio does
    # (the recorder): a long replay's memory stays flat.
    heard = WavFileSink(out, PIPELINE_RATE)
    heard.start()
    lock = threading.Lock()  # the player and the loop both advance the simulated playback

    def write_heard(pcm: Any, rate: int) -> None:
        with lock:
            heard.write(pcm, rate)

    sink = MemorySink(realtime=True, keep=False, on_heard=write_heard)
    try:
        run_loop(
            session,
            first,
            source,
            sink,
            models,
            loop_cfg,
            awaiting=awaiting,
            keys=False,
            show_latency=show_latency,
        )
    finally:
        heard.stop()
    return out


def devices(args: argparse.Namespace) -> int:
    from voice_interviewer.audio.devices import format_devices, list_devices

    print(format_devices(list_devices()))
    return 0


def bench(args: argparse.Namespace) -> int:
    """The latency benchmark (voice_interviewer/bench.py)."""
    from voice_interviewer.bench import format_report, run

    print(format_report(run(args.turns, args.model, args.json, real_speech=args.real_speech)))
    return 0
