"""The session journal: append-only JSON Lines, one typed event (session/events.py) per line,
fsynced every turn.

A crash loses at most the turn in progress; `interview --resume` rebuilds the interview from
what is here. ``Journal`` is the one writer and ``read_journal`` the one reader: a damaged line
(bad bytes, garbage, a write cut short) is skipped and reported with its line number, so one
damaged session never stops a command that reads the others.
"""

from __future__ import annotations

import errno
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from voice_interviewer.session import events as ev
from voice_interviewer.session.events import SCHEMA_VERSION, JournalEvent

__all__ = [
    "SCHEMA_VERSION",
    "DamagedLine",
    "Journal",
    "JournalError",
    "JournalRead",
    "read_journal",
]


class JournalError(RuntimeError):
    """The journal cannot be written or read; the message says what to do."""


class Journal:
    """Appends events to ``path``; ``sync()`` makes them durable. The file is created
    private (0600 unless ``mode`` says otherwise)."""

    resume_command = "voice-interviewer interview --resume {session}"
    """What a failed write tells the user to run once the disk has room again (a typed
    session sets its own, with ``--text``)."""

    def __init__(self, path: Path, mode: int = 0o600) -> None:
        self.path = path
        self._lock = threading.Lock()  # the voice loop journals from several threads
        _drop_torn_tail(path)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode)
            # Unbuffered: a write that fails (disk full) leaves nothing behind in a buffer
            # that a later flush or the garbage collector would glue onto the journal.
            self._file: IO[bytes] = os.fdopen(fd, "ab", buffering=0)
        except OSError as e:
            raise JournalError(f"cannot write the session journal {path}: {e.strerror}") from e

    def append(self, event: JournalEvent) -> None:
        line = json.dumps(ev.encode(event), ensure_ascii=False, separators=(",", ":"))
        data = (line + "\n").encode("utf-8")
        with self._lock:
            size = os.fstat(self._file.fileno()).st_size
            try:
                written = 0
                while written < len(data):
                    written += self._file.write(data[written:]) or 0
            except OSError as e:
                # Cut a partly written line off, so the journal stays whole lines only.
                os.ftruncate(self._file.fileno(), size)
                raise JournalError(self._disk_message(e)) from e

    def sync(self) -> None:
        """Fsync, so the turn survives a crash or power loss."""
        with self._lock:
            try:
                os.fsync(self._file.fileno())
            except OSError as e:
                raise JournalError(self._disk_message(e)) from e

    def _disk_message(self, error: OSError) -> str:
        reason = "the disk is full" if error.errno == errno.ENOSPC else error.strerror
        command = self.resume_command.format(session=self.path.parent.name)
        return (
            f"cannot save the session to {self.path}: {reason}. Free some space and resume "
            f"with `{command}`"
        )

    def close(self) -> None:
        if not self._file.closed:
            self.sync()
            self._file.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class DamagedLine:
    """A line that could not be read, skipped by every reader."""

    path: Path
    number: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.number} skipped: {self.reason}"


@dataclass
class JournalRead:
    """What one journal holds: its events in order, and the lines that were skipped."""

    events: list[JournalEvent] = field(default_factory=list)
    damaged: list[DamagedLine] = field(default_factory=list)

    @property
    def header(self) -> ev.SessionHeader | None:
        return next((e for e in self.events if isinstance(e, ev.SessionHeader)), None)


def read_journal(path: Path) -> JournalRead:
    """The events in a journal. Damaged lines (not UTF-8, not JSON, not an event, or the
    last line cut short by a crash) are skipped and listed in ``damaged``; only an unreadable
    file is an error."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise JournalError(f"cannot read {path}: {e.strerror}") from e
    result = JournalRead()
    lines = data.split(b"\n")
    torn = lines[-1] != b""  # no newline after the last line: a write cut short
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            result.damaged.append(DamagedLine(path, number, f"not UTF-8 (byte {e.start + 1})"))
            continue
        try:
            result.events.append(ev.decode(json.loads(text)))
        except json.JSONDecodeError as e:
            last = number == len(lines) and torn
            reason = "cut short by a crash" if last else f"not JSON ({e.msg})"
            result.damaged.append(DamagedLine(path, number, reason))
        except ev.BadLine as e:
            result.damaged.append(DamagedLine(path, number, str(e)))
    return result


def _drop_torn_tail(path: Path) -> None:
    """A crash mid-write leaves a last line without its newline; cut it off before appending,
    or the next event would be glued to it."""
    try:
        with path.open("rb+") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            if size == 0:
                return
            f.seek(size - 1)
            if f.read(1) == b"\n":
                return
            f.seek(0)
            data = f.read()
            f.truncate(data.rfind(b"\n") + 1)
    except FileNotFoundError:
        return
