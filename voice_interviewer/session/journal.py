"""The session journal: append-only JSON Lines, one event per line, fsynced every turn.

A crash loses at most the turn in progress; `interview --resume` rebuilds the interview from
what is here.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

SCHEMA_VERSION = 1


class JournalError(RuntimeError):
    """The journal cannot be written or read; the message says what to do."""


class Journal:
    """Appends events to ``path``; ``sync()`` makes them durable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # the voice loop journals from several threads
        _drop_torn_tail(path)
        try:
            self._file: IO[str] = path.open("a", encoding="utf-8")
        except OSError as e:
            raise JournalError(f"cannot write the session journal {path}: {e.strerror}") from e

    def append(self, event: dict[str, Any]) -> None:
        line = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            try:
                self._file.write(line + "\n")
            except OSError as e:
                raise JournalError(_disk_message(self.path, e)) from e

    def sync(self) -> None:
        """Flush and fsync, so the turn survives a crash or power loss."""
        with self._lock:
            try:
                self._file.flush()
                os.fsync(self._file.fileno())
            except OSError as e:
                raise JournalError(_disk_message(self.path, e)) from e

    def close(self) -> None:
        if not self._file.closed:
            self.sync()
            self._file.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_journal(path: Path) -> Iterator[dict[str, Any]]:
    """The events in a journal. A torn last line (a crash mid-write) is skipped; damage
    anywhere else is an error naming the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise JournalError(f"cannot read {path}: {e.strerror}") from e
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as e:
            if number == len(lines):
                return  # the write that was cut short by the crash
            raise JournalError(f"{path}:{number} is damaged ({e.msg})") from e


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


def _disk_message(path: Path, error: OSError) -> str:
    reason = "the disk is full" if error.errno == 28 else error.strerror
    return (
        f"cannot save the session to {path}: {reason}. Free some space and resume with "
        f"`voice-interviewer interview --resume {path.parent.name}`"
    )
