"""Where sessions live: one folder per session under the user data directory.

Sessions hold a candidate's words and voice, so they are private by default: folders 0700,
files 0600 (``SessionConfig.private``).
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

JOURNAL = "journal.jsonl"


@dataclass(frozen=True)
class SessionConfig:
    """The ``[session]`` table of config.toml."""

    private: bool = True
    """Session folders 0700 and every file the program writes (journal, recordings, exports)
    0600, readable by you alone. ``false`` leaves the usual umask (often world-readable);
    only for a machine nobody else uses."""


_private = True


def set_privacy(private: bool) -> None:
    """Apply ``SessionConfig.private`` to this process: with it, the umask makes every file
    the program writes (recordings, exports, reports) 0600 and every folder 0700."""
    global _private
    _private = private
    if private:
        os.umask(os.umask(0o077) | 0o077)


def file_mode() -> int:
    """The mode for a new session file."""
    return 0o600 if _private else 0o644


def dir_mode() -> int:
    return 0o700 if _private else 0o755


def fsync_dir(directory: Path) -> None:
    """Make the folder's entries durable (a new journal or recording survives a power cut,
    not only its contents)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def exposed_session_dirs() -> list[Path]:
    """The sessions folder and session folders that other users can read or enter."""
    root = sessions_dir()
    if not root.is_dir():
        return []
    candidates = [root, *(p for p in root.iterdir() if p.is_dir())]
    return [p for p in candidates if stat.S_IMODE(p.stat().st_mode) & 0o077]


class SessionNotFound(LookupError):
    """No session matches the id the user gave; the message lists how to find one."""


def home() -> Path:
    """The user data directory: ``VOICE_INTERVIEWER_HOME`` or the platform's data dir."""
    override = os.environ.get("VOICE_INTERVIEWER_HOME")
    if override:
        return Path(override).expanduser()
    import platformdirs  # imported here so that tests with the override never touch it

    return Path(platformdirs.user_data_dir("voice-interviewer", appauthor=False))


def sessions_dir() -> Path:
    return home() / "sessions"


def new_session_id(now: datetime | None = None) -> str:
    """Sortable by time to the millisecond, unique across processes: 20261126-195300-042-3fa2."""
    now = now or datetime.now(timezone.utc)
    return now.strftime("%Y%m%d-%H%M%S-") + f"{now.microsecond // 1000:03d}-" + secrets.token_hex(2)


def create_session_dir(session_id: str) -> Path:
    root = sessions_dir()
    if not root.is_dir():
        root.mkdir(parents=True, mode=dir_mode())
        os.chmod(root, dir_mode())  # mkdir's mode is cut by the umask
    path = root / session_id
    path.mkdir(exist_ok=False, mode=dir_mode())
    os.chmod(path, dir_mode())
    fsync_dir(root)
    return path


def list_session_dirs() -> list[Path]:
    """Session folders, oldest first: by the time in the id, then by the journal's own
    creation stamp (microseconds), which orders sessions started in the same millisecond."""
    root = sessions_dir()
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if (p / JOURNAL).is_file()]
    return sorted(found, key=lambda p: (p.name[:19], _created(p), p.name))


def _created(directory: Path) -> str:
    """The header's creation stamp; empty when the first line is unreadable (the readers
    report that damage, listing must not fail on it)."""
    try:
        with (directory / JOURNAL).open("rb") as f:
            first = json.loads(f.readline().decode("utf-8"))
        return str(first.get("created", "")) if isinstance(first, dict) else ""
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return ""


def find_session_dir(ref: str) -> Path:
    """A session by id, unique id prefix, or ``latest``."""
    dirs = list_session_dirs()
    if not dirs:
        raise SessionNotFound(
            f"no saved sessions in {sessions_dir()}; start one with `voice-interviewer interview --text`"
        )
    if ref == "latest":
        return dirs[-1]
    if not ref.strip():
        # An empty prefix would match every session: never pick one for `delete ""`.
        raise SessionNotFound(f"no session id given; one of: {_candidates(dirs)}")
    matches = [d for d in dirs if d.name == ref] or [d for d in dirs if d.name.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise SessionNotFound(f"no session {ref!r}; `voice-interviewer sessions` lists them")
    raise SessionNotFound(
        f"{ref!r} matches {len(matches)} sessions; give more of the id: {_candidates(matches)}"
    )


def _candidates(dirs: list[Path], limit: int = 10) -> str:
    names = [d.name for d in dirs[-limit:]]
    more = f" (and {len(dirs) - limit} older)" if len(dirs) > limit else ""
    return ", ".join(names) + more
