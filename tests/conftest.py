"""Shared fixtures: every test gets its own user data directory, and content loads once."""

from __future__ import annotations

import os

import pytest

from voice_interviewer.interview.content import Content, load_content
from voice_interviewer.session import store


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Sessions written by a test land in its tmp_path, never in the user's data dir."""
    monkeypatch.setenv("VOICE_INTERVIEWER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("VOICE_INTERVIEWER_MODEL", raising=False)
    return tmp_path / "home"


@pytest.fixture(autouse=True)
def _restore_privacy():
    """The CLI sets the process umask and the privacy setting (store.set_privacy); a test
    that runs it in-process must not change them for the tests after it."""
    umask = os.umask(0o022)
    os.umask(umask)
    yield
    os.umask(umask)
    store.set_privacy(True)
    os.umask(umask)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="session")
def smart_turn():  # type: ignore[no-untyped-def]
    """Smart Turn v3.2 from the pipecat-ai wheel, loaded and warmed once (audio and runtime
    tests share it)."""
    from voice_interviewer.audio.smart_turn import SmartTurn

    model = SmartTurn()
    model.warm()
    return model
