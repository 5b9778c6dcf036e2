"""What each subcommand does; cli.py only parses arguments."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TypedDict

from voice_interviewer.clock import Clock, RealClock, VirtualClock
from voice_interviewer.config import ConfigError
from voice_interviewer.interview.content import ContentError, load_content
from voice_interviewer.session import store
from voice_interviewer.session.journal import JournalError
from voice_interviewer.session.live import InterviewSession, SessionOptions
from voice_interviewer.session.lock import SessionLocked
from voice_interviewer.session.record import load_record


class UserError(Exception):
    """Something the user can fix; printed without a traceback."""


def run(args: argparse.Namespace) -> int:
    handlers = {
        "interview": interview,
        "sessions": _report("sessions"),
        "export": _report("export"),
        "progress": _report("progress"),
        "replay": _voice("replay"),
        "devices": _voice("devices"),
        "bench": _voice("bench"),
        "doctor": doctor,
    }
    _apply_privacy(args)
    try:
        return handlers[args.command](args)
    except (ContentError, JournalError, store.SessionNotFound, ConfigError, SessionLocked) as e:
        raise UserError(str(e)) from e


def _apply_privacy(args: argparse.Namespace) -> None:
    """Files are private unless ``[session] private = false`` (store.SessionConfig). A config
    that cannot be read leaves them private; the command that needs the config reports it."""
    from voice_interviewer.config import build, load_settings

    try:
        table = load_settings(getattr(args, "config", None)).get("session")
        config = build(store.SessionConfig, table if isinstance(table, dict) else {}, "session")
    except (ConfigError, OSError, UnicodeDecodeError):
        config = store.SessionConfig()
    store.set_privacy(config.private is not False)  # only an explicit false relaxes it


def _report(name: str):  # type: ignore[no-untyped-def]
    """An after-the-interview subcommand (report_commands.py), imported when used."""

    def handler(args: argparse.Namespace) -> int:
        from voice_interviewer import report_commands

        return int(getattr(report_commands, name)(args))

    return handler


def _voice(name: str):  # type: ignore[no-untyped-def]
    """A voice subcommand, imported only when used, with its failures made actionable."""

    def handler(args: argparse.Namespace) -> int:
        try:
            from voice_interviewer import voice_commands
        except ImportError as e:
            raise UserError(
                f"the voice features need the voice extras ({e.name} is missing): "
                "run scripts/setup.sh, or pip install 'voice-interviewer[voice,llm]'"
            ) from e
        from voice_interviewer.audio.errors import AudioError
        from voice_interviewer.stt.models import ModelNotAvailableError
        from voice_interviewer.tts.synthesizer import VoiceNotAvailableError

        try:
            return getattr(voice_commands, name)(args)
        except (AudioError, ModelNotAvailableError, VoiceNotAvailableError) as e:
            raise UserError(str(e)) from e

    return handler


def interview(args: argparse.Namespace) -> int:
    from voice_interviewer.config import load_settings
    from voice_interviewer.textmode import ScriptError, TextInterview, load_script

    if not args.text and args.script is None:
        return _voice("interview")(args)
    content = load_content()
    virtual = args.clock == "virtual" or (args.clock is None and args.script is not None)

    def clock_at(offset: float) -> Clock:
        return VirtualClock(offset) if virtual else RealClock(offset)

    # Everything the user can get wrong is checked before a session folder exists.
    settings = load_settings(getattr(args, "config", None))
    notes: list[str] = []
    try:
        script = load_script(args.script, notes) if args.script else None
    except ScriptError as e:
        raise UserError(str(e)) from e
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    renderer = _text_renderer(args, settings)
    if args.resume:
        session, first = InterviewSession.resume(args.resume, content, clock_at)
        for note in session.notes:
            print(f"note: {note}", file=sys.stderr)
    else:
        options = SessionOptions(
            mode="text",
            problem_id=args.problem,
            difficulty=args.difficulty,
            focus_areas=tuple(args.focus or ()),
            continue_from="last" if args.continue_last else None,
        )
        session = InterviewSession.start(content, clock_at(0.0), options)
        first = session.open()
    runner = TextInterview(session, renderer=renderer)
    if script is not None:
        runner.run_script(script, first)
    else:
        _keep_undecodable_input()
        runner.run_interactive(first, read=lambda: input("\nYou: "))
    return 0


def _keep_undecodable_input() -> None:
    """A byte the terminal's encoding cannot decode must not raise and lose the line typed:
    it is kept as a surrogate, which the text interview turns into U+FFFD and reports."""
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="surrogateescape")


def _text_renderer(args: argparse.Namespace, settings: dict):  # type: ignore[no-untyped-def]
    """The LLM renderer when a model is configured (flag, env or config file), else None:
    text mode then imports no LLM library at all."""
    import os

    configured = (
        args.model
        or os.environ.get("VOICE_INTERVIEWER_MODEL")
        or settings.get("llm", {}).get("model")
    )
    if not configured:
        return None
    from voice_interviewer.llm.config import llm_config_from
    from voice_interviewer.llm.renderer import make_renderer

    try:
        renderer = make_renderer(llm_config_from(settings.get("llm"), model_flag=args.model))
    except ValueError as e:
        raise UserError(str(e)) from e
    from voice_interviewer.ui.progress import progress

    with progress(f"Loading {configured}"):
        renderer.prewarm()
    return renderer


class _SessionRow(TypedDict):
    """One saved session as `sessions` lists it (and prints it with --json)."""

    id: str
    date: str
    problem: str | None
    phase: str
    finished: bool
    ratings: dict[str, str]


def sessions(args: argparse.Namespace) -> int:
    rows: list[_SessionRow] = []
    for directory in store.list_session_dirs():
        try:
            record = load_record(directory)
        except JournalError as e:
            print(f"warning: {e}", file=sys.stderr)
            continue
        for damaged in record.damaged:
            print(f"warning: {damaged}", file=sys.stderr)
        ratings = {a.area: a.rating for a in record.scorecard.areas} if record.scorecard else {}
        rows.append(
            {
                "id": record.session_id,
                "date": record.created,
                "problem": record.problem_id,
                "phase": record.phase_reached,
                "finished": record.ended,
                "ratings": ratings,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print(
            f"No saved sessions in {store.sessions_dir()}. Start one: voice-interviewer interview --text"
        )
        return 0
    short = {"Novice": "N", "Intermediate": "I", "Expert": "E"}
    print(f"{'id':<21} {'date':<20} {'problem':<28} {'phase':<13} ratings (FE/MS/MD/ED)")
    for r in rows:
        letters = "/".join(short[v] for v in r["ratings"].values()) if r["ratings"] else "-"
        phase = r["phase"] + ("" if r["finished"] else " *")
        print(
            f"{r['id']:<21} {r['date'][:19]:<20} {(r['problem'] or '-'):<28} {phase:<13} {letters}"
        )
    if not all(r["finished"] for r in rows):
        print("\n* unfinished: continue with `voice-interviewer interview --text --resume ID`")
    return 0


def _stt_device(settings: dict) -> bool:
    """Print which device and compute type the STT will use and why; False if it cannot work."""
    from voice_interviewer.config import build
    from voice_interviewer.stt.doctor import format_stt_report, stt_device_report
    from voice_interviewer.stt.transcriber import TranscriberConfig

    report = stt_device_report(build(TranscriberConfig, settings.get("stt"), "stt"))
    print(format_stt_report(report))
    return report.ok


def _turn_taking(settings: dict) -> None:
    """Print which end-of-turn policy runs (Smart Turn, or why not) and whether the accurate
    final pass re-reads each turn. Neither is fatal: the loop falls back without them."""
    from voice_interviewer.audio.config import SmartTurnConfig
    from voice_interviewer.config import build
    from voice_interviewer.runtime.turn_model import load_smart_turn
    from voice_interviewer.stt.final_pass import FinalPassConfig

    _, note = load_smart_turn(build(SmartTurnConfig, settings.get("smart_turn"), "smart_turn"))
    print(note[0].upper() + note[1:])
    final = build(FinalPassConfig, settings.get("final_pass"), "final_pass")
    if final.enabled:
        print(
            f"Final pass: on ({final.model or 'bundled tiny.en'}, beam {final.beam_size},"
            f" {final.cpu_threads} thread(s) at low priority); turns get its text"
        )
    else:
        print("Final pass: off ([final_pass] enabled = false); turns keep the live text")


def doctor(args: argparse.Namespace) -> int:
    """What is configured and whether it works: the LLM, the models, the audio devices."""
    from voice_interviewer.config import load_settings

    settings = load_settings(args.config)
    ok = True
    try:
        from voice_interviewer.llm.config import llm_config_from
        from voice_interviewer.llm.doctor import diagnose, format_doctor
    except ImportError as e:
        print(f"LLM: the llm extra is not installed ({e.name}); the director's words are spoken.")
    else:
        try:
            llm = llm_config_from(settings.get("llm"), model_flag=args.model)
        except ValueError as e:
            raise UserError(str(e)) from e
        report = diagnose(llm)
        print(format_doctor(report))
        ok = ok and getattr(report, "ok", True)
    try:
        from voice_interviewer.stt.models import ModelNotAvailableError, bundled_whisper_path
        from voice_interviewer.tts.synthesizer import VoiceNotAvailableError, bundled_voice_paths
    except ImportError as e:
        print(f"Voice: the voice extra is not installed ({e.name}); only --text works.")
        _warn_exposed_sessions()
        return 0 if ok else 1
    try:
        print(f"Speech recognition model: {bundled_whisper_path()}")
    except ModelNotAvailableError as e:
        print(f"Speech recognition model: missing. {e}")
        ok = False
    ok = _stt_device(settings) and ok
    ok = _verify_models() and ok
    _turn_taking(settings)
    try:
        print(f"Voice: {bundled_voice_paths()[0]}")
    except VoiceNotAvailableError as e:
        print(f"Voice: missing. {e}")
        ok = False
    from voice_interviewer.audio.errors import AudioError

    try:
        from voice_interviewer.audio.devices import list_devices

        found = list_devices()
        inputs = [d for d in found if d.input_channels > 0]
        outputs = [d for d in found if d.output_channels > 0]
        print(
            f"Audio: {len(inputs)} input and {len(outputs)} output device(s)"
            + ("" if inputs else "; no microphone: use `replay` or `--text`")
        )
    except AudioError as e:
        print(f"Audio: {e}")
    _warn_exposed_sessions()
    return 0 if ok else 1


def _warn_exposed_sessions() -> None:
    """Session folders others can read hold a candidate's words and voice."""
    exposed = store.exposed_session_dirs()
    if not exposed:
        print(f"Sessions: private ({store.sessions_dir()})")
        return
    print(
        f"Sessions: warning: {len(exposed)} folder(s) readable by other users, e.g. {exposed[0]}. "
        f"Make them private: chmod -R go-rwx {store.sessions_dir()}"
    )


def _verify_models() -> bool:
    """The installed default models against models/manifest.toml (size and SHA-256); False
    when a required one is missing or any installed one differs."""
    from voice_interviewer.models_manifest import check_models, format_model_checks

    checks = check_models()
    print(format_model_checks(checks))
    return all(c.ok or (c.installed_version is None and not c.entry.required) for c in checks)
