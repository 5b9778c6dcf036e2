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


# Tests that must not share the machine with another worker: the PulseAudio daemon is one per
# user (two workers loading null sinks or starting it would race, and the missing-microphone
# test depends on whether it runs), and the loop's barge-in test holds a latency bound.
SERIAL_FILES = {
    "tests/audio/test_pulse.py",
    "tests/runtime/test_e2e_pulse.py",
    "tests/runtime/test_devices_command.py",
}
SERIAL_TESTS = {
    "test_voice_mode_with_a_missing_microphone_exits_2_with_advice",
    "test_headset_barge_in_holds_within_150_ms_and_cancels_the_reply",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    for item in items:
        path = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        uses_pulse = any("pulse" in name for name in getattr(item, "fixturenames", ()))
        if path in SERIAL_FILES or item.name in SERIAL_TESTS or uses_pulse:
            item.add_marker(pytest.mark.serial)
