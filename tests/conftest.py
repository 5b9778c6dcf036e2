"""Shared fixtures: every test gets its own user data directory, and content loads once."""

from __future__ import annotations

import pytest

from voice_interviewer.interview.content import Content, load_content


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Sessions written by a test land in its tmp_path, never in the user's data dir."""
    monkeypatch.setenv("VOICE_INTERVIEWER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("VOICE_INTERVIEWER_MODEL", raising=False)
    return tmp_path / "home"


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()
