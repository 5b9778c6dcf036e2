"""Where sessions live: one folder per session under the user data directory."""

from __future__ import annotations

import json
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path

JOURNAL = "journal.jsonl"


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
    path = sessions_dir() / session_id
    path.mkdir(parents=True, exist_ok=False)
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
    with (directory / JOURNAL).open(encoding="utf-8") as f:
        first = f.readline()
    try:
        return str(json.loads(first).get("created", ""))
    except json.JSONDecodeError:
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
    matches = [d for d in dirs if d.name == ref] or [d for d in dirs if d.name.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise SessionNotFound(f"no session {ref!r}; `voice-interviewer sessions` lists them")
    raise SessionNotFound(f"{ref!r} matches {len(matches)} sessions; give more of the id")
