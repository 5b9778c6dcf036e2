"""The session lock: one running process per session.

An advisory ``flock`` on ``lock`` in the session folder, held while an interview runs. The
kernel drops it when the process exits or is killed, so it never outlives its holder; the
pid written into the file only makes the refusal message useful.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_FILE = "lock"


class SessionLocked(RuntimeError):
    """Another process is running this session; the message says which and what to do."""


class SessionLock:
    """Held from ``acquire()`` until ``release()`` (or the process's end)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, doing: str = "use") -> SessionLock:
        """Take the lock without waiting; ``SessionLocked`` if another process has it.
        ``doing`` names what was refused ("resume", "delete") for the message."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise SessionLocked(
                f"session {self.directory.name} is running in another voice-interviewer"
                f"{who}; cannot {doing} it now. Finish or stop that interview first."
            ) from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except OSError:
            # A full disk: let go of the lock and the descriptor; the caller reports the error.
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __del__(self) -> None:
        # A session object dropped without close() (as a crash drops it) lets go, as the
        # kernel would for a dead process.
        if self._fd is not None:
            os.close(self._fd)

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
