"""What each subcommand does; cli.py only parses arguments."""

from __future__ import annotations

import argparse
import json
import sys

from voice_interviewer.clock import Clock, RealClock, VirtualClock
from voice_interviewer.interview.content import ContentError, load_content
from voice_interviewer.session import store
from voice_interviewer.session.journal import JournalError
from voice_interviewer.session.live import InterviewSession, SessionOptions
from voice_interviewer.session.record import load_record


class UserError(Exception):
    """Something the user can fix; printed without a traceback."""


def run(args: argparse.Namespace) -> int:
    handler = {"interview": interview, "sessions": sessions, "export": export}[args.command]
    try:
        return handler(args)
    except (ContentError, JournalError, store.SessionNotFound) as e:
        raise UserError(str(e)) from e


def interview(args: argparse.Namespace) -> int:
    from voice_interviewer.textmode import ScriptError, TextInterview, load_script

    if not args.text:
        raise UserError("the voice interview is not available yet; use --text to type your answers")
    content = load_content()
    virtual = args.clock == "virtual" or (args.clock is None and args.script is not None)

    def clock_at(offset: float) -> Clock:
        return VirtualClock(offset) if virtual else RealClock(offset)

    try:
        script = load_script(args.script) if args.script else None
    except ScriptError as e:
        raise UserError(str(e)) from e
    if args.resume:
        session, first = InterviewSession.resume(args.resume, content, clock_at)
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
    runner = TextInterview(session)
    if script is not None:
        runner.run_script(script, first)
    else:
        runner.run_interactive(first, read=lambda: input("\nYou: "))
    return 0


def sessions(args: argparse.Namespace) -> int:
    rows = []
    for directory in store.list_session_dirs():
        try:
            record = load_record(directory)
        except JournalError as e:
            print(f"warning: {e}", file=sys.stderr)
            continue
        ratings = {a.area: a.rating for a in record.scorecard.areas} if record.scorecard else {}
        rows.append({
            "id": record.session_id,
            "date": record.created,
            "problem": record.problem_id,
            "phase": record.phase_reached,
            "finished": record.ended,
            "ratings": ratings,
        })
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print(f"No saved sessions in {store.sessions_dir()}. Start one: voice-interviewer interview --text")
        return 0
    short = {"Novice": "N", "Intermediate": "I", "Expert": "E"}
    print(f"{'id':<21} {'date':<20} {'problem':<28} {'phase':<13} ratings (FE/MS/MD/ED)")
    for r in rows:
        ratings = "/".join(short[v] for v in r["ratings"].values()) if r["ratings"] else "-"
        phase = r["phase"] + ("" if r["finished"] else " *")
        print(f"{r['id']:<21} {r['date'][:19]:<20} {(r['problem'] or '-'):<28} {phase:<13} {ratings}")
    if not all(r["finished"] for r in rows):
        print("\n* unfinished: continue with `voice-interviewer interview --text --resume ID`")
    return 0


def export(args: argparse.Namespace) -> int:
    from voice_interviewer.session.export import export as write_export

    record = load_record(store.find_session_dir(args.session))
    try:
        written = write_export(record, load_content(), args.format, args.out)
    except OSError as e:
        raise UserError(f"cannot write to {args.out}: {e.strerror}") from e
    for path in written:
        print(path)
    return 0
