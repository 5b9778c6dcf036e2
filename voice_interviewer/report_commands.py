"""After the interview: `export`, `sessions` (list / show / delete) and `progress`."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from voice_interviewer.commands import UserError
from voice_interviewer.interview.content import load_content
from voice_interviewer.session import media, store
from voice_interviewer.session.journal import JournalError
from voice_interviewer.session.record import SessionRecord, load_record


def export(args: argparse.Namespace) -> int:
    """Write the chosen formats; say what did not apply (a typed session has no recording)."""
    from voice_interviewer.session.export import export_session

    directory = store.find_session_dir(args.session)
    record = _load(directory)
    if record.scorecard is None:
        record = _offer_rebuilt_scorecard(record, rebuild=getattr(args, "rebuild_scorecard", False))
    formats = set(args.format)
    from voice_interviewer.ui.progress import progress

    try:
        with progress(f"Exporting {record.session_id}", len(formats)) as bar:
            result = export_session(
                record, load_content(), formats, args.out, args.audio_format, step=bar.advance
            )
    except media.MediaError as e:
        raise UserError(str(e)) from e
    except OSError as e:
        raise UserError(f"cannot write to {args.out}: {e.strerror}") from e
    if not result.written:
        raise UserError(
            f"nothing to export as {', '.join(sorted(formats))}: "
            + "; ".join(result.notes)
            + ". Try --format md, json or html"
        )
    for path in result.written:
        print(path)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def sessions(args: argparse.Namespace) -> int:
    """`sessions` / `sessions list` print the table; `show` and `delete` take an id."""
    from voice_interviewer import commands

    action = getattr(args, "sessions_command", None) or "list"
    if action == "list":
        return commands.sessions(args)
    directory = store.find_session_dir(args.session)
    if action == "show":
        return _show(_load(directory), as_json=args.json)
    return _delete(directory, yes=args.yes)


def _load(directory: Path) -> SessionRecord:
    """A session's record, with each skipped (damaged) journal line reported."""
    record = load_record(directory)
    for damaged in record.damaged:
        print(f"warning: {damaged}", file=sys.stderr)
    return record


def _offer_rebuilt_scorecard(record: SessionRecord, rebuild: bool) -> SessionRecord:
    """An interview that ended without its scorecard saved (a full disk): rebuild it from
    the journal's turns when asked, else say how."""
    from voice_interviewer.session.live import rebuild_scorecard, scorecard_rebuildable

    content = load_content()
    if not scorecard_rebuildable(record, content):
        return record
    if not rebuild:
        print(
            f"note: session {record.session_id} ended but its scorecard was not saved; "
            f"rebuild it from the journal's turns with "
            f"`voice-interviewer export {record.session_id} --rebuild-scorecard`",
            file=sys.stderr,
        )
        return record
    rebuild_scorecard(record.directory, content)
    print(f"note: rebuilt and saved the scorecard of session {record.session_id}", file=sys.stderr)
    return load_record(record.directory)


def _show(record: SessionRecord, as_json: bool) -> int:
    from voice_interviewer.session.analytics import analyse
    from voice_interviewer.session.export import to_json

    content = load_content()
    if as_json:
        print(json.dumps(to_json(record, content), indent=2, ensure_ascii=False))
        return 0
    analytics = analyse(record)
    problem = record.problem_event()
    titles = {p.id: p.title for p in content.phases}
    print(
        f"Session {record.session_id}  "
        f"({record.mode}, {'finished' if record.ended else 'unfinished'})"
    )
    print(f"  started   {record.created[:19].replace('T', ' ')} UTC")
    print(f"  problem   {problem.detail if problem else '-'}")
    print(
        f"  turns     {sum(t['speaker'] == 'candidate' for t in record.turns)} of yours, "
        f"{sum(t['speaker'] == 'interviewer' for t in record.turns)} of the interviewer's"
    )
    for span in record.phases:
        end = (
            span["ended_at"]
            if span["ended_at"] is not None
            else record.state.get("elapsed", span["started_at"])
        )
        print(
            f"  phase     {titles.get(span['phase'], span['phase']):<28} "
            f"{(end - span['started_at']) / 60:5.1f} min"
        )
    for rec in record.recordings:
        print(f"  recording {rec.path.name}" + ("" if rec.exists else " (missing)"))
    if record.scorecard:
        for a in record.scorecard.areas:
            print(f"  {a.title:<22} {a.rating:<12} evidence: {len(a.evidence)}")
    else:
        print("  no scorecard yet")
    o = analytics.overall
    if analytics.available:
        share = f"{o.candidate_share * 100:.0f}%" if o.candidate_share is not None else "n/a"
        print(
            f"  speech    {o.words_per_minute or 0:.0f} words/min, "
            f"{o.fillers_per_minute or 0:.1f} fillers/min, "
            f"your talk share {share}, {o.long_pauses} pause(s) over 3 s"
        )
    elif analytics.basis == "typed text":
        print(
            f"  speech    not measured: typed session "
            f"({o.candidate_words} words, {o.fillers} fillers typed)"
        )
    else:
        print("  speech    not measured: no recognised words yet")
    print(f"  hints     {o.hints}")
    print(f"\nExport it: voice-interviewer export {record.session_id} --format all --out DIR")
    return 0


def _delete(directory: Path, yes: bool) -> int:
    """Delete a session folder. Works on a damaged journal (the prompt then says less);
    refused while the session is running in another process."""
    from voice_interviewer.session.lock import SessionLock

    root = store.sessions_dir().resolve()
    if directory.resolve().parent != root:  # never remove anything outside the sessions folder
        raise UserError(f"{directory} is not a session folder under {root}")
    with SessionLock(directory).acquire("delete"):
        if not yes and not _confirm_delete(directory):
            return 1
        try:
            shutil.rmtree(directory)
        except OSError as e:
            raise UserError(f"cannot delete {directory}: {e.strerror}") from e
    print(f"Deleted session {directory.name}.")
    return 0


def _confirm_delete(directory: Path) -> bool:
    try:
        record = load_record(directory)
        problem = record.problem_id or "no problem yet"
        recorded = " and its recording" if record.recordings else ""
        damaged = f", {len(record.damaged)} damaged line(s)" if record.damaged else ""
        what = f"({record.created[:10]}, {problem}, {len(record.turns)} turns{damaged}){recorded}"
    except JournalError as e:
        what = f"(unreadable: {e})"
    try:
        answer = input(f"Delete session {directory.name} {what}? [y/N] ")
    except EOFError:
        print("\nNot deleted: no answer (pass --yes to delete without asking).", file=sys.stderr)
        return False
    if answer.strip().lower() not in ("y", "yes"):
        print("Not deleted.")
        return False
    return True


def progress(args: argparse.Namespace) -> int:
    """Ratings and speech figures across sessions: a table, or JSON, and an HTML page."""
    from voice_interviewer.session import progress as prog

    rows = []
    for directory in store.list_session_dirs():
        try:
            rows.append(prog.row(_load(directory)))
        except (JournalError, media.MediaError) as e:
            print(f"warning: skipped {directory.name}: {e}", file=sys.stderr)
    if args.last:
        rows = rows[-args.last :]
    if args.json:
        print(json.dumps(prog.to_json(rows), indent=2))
    else:
        print(prog.table(rows))
    if args.html is not None:
        path: Path = args.html
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(prog.html(rows), encoding="utf-8")
        except OSError as e:
            raise UserError(f"cannot write {path}: {e.strerror}") from e
        print(f"Progress report: {path}", file=sys.stderr if args.json else sys.stdout)
    return 0
