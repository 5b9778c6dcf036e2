"""Fixtures for the audio tests: a PulseAudio null sink for the real sounddevice path.

PortAudio (Debian's libportaudio2) has no PulseAudio backend of its own; it reaches PulseAudio
through ALSA's ``pulse`` device (Debian's libasound2-plugins). Which sink and source that
device uses is chosen per process by the ``PULSE_SINK`` / ``PULSE_SOURCE`` environment
variables, read when a stream opens, so the test plays into ``vi_test`` and records its
``.monitor`` without touching the server's defaults.

As root, ``pulseaudio --start --exit-idle-time=-1`` works: it warns that it is "not intended to
be run as root" and runs as a per-user daemon anyway (no ``--system`` needed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

SINK = "vi_test"


def _pactl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10)


def _unavailable(why: str) -> None:
    # CI installs the sound server, so there a missing piece is a failure, not a skip.
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture(scope="session")
def pulse_null_sink() -> Iterator[str]:
    """A running PulseAudio with a null sink ``vi_test``; the ALSA ``pulse`` device plays
    into it and records from its monitor for the rest of the session."""
    if not (shutil.which("pulseaudio") and shutil.which("pactl")):
        _unavailable("needs PulseAudio: apt-get install pulseaudio pulseaudio-utils")
    if subprocess.run(["pulseaudio", "--check"], capture_output=True).returncode != 0:
        started = subprocess.run(
            ["pulseaudio", "--start", "--exit-idle-time=-1"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if started.returncode != 0:
            pytest.fail(f"pulseaudio --start failed: {started.stderr.strip()}")
    deadline = time.monotonic() + 10
    while _pactl("info").returncode != 0:
        if time.monotonic() > deadline:
            pytest.fail("PulseAudio started but pactl cannot reach it")
        time.sleep(0.1)
    module = None
    if SINK not in _pactl("list", "short", "sinks").stdout.split():
        loaded = _pactl("load-module", "module-null-sink", f"sink_name={SINK}")
        if loaded.returncode != 0:
            pytest.fail(f"cannot load module-null-sink: {loaded.stderr.strip()}")
        module = loaded.stdout.strip()
    saved = {k: os.environ.get(k) for k in ("PULSE_SINK", "PULSE_SOURCE")}
    os.environ["PULSE_SINK"] = SINK
    os.environ["PULSE_SOURCE"] = f"{SINK}.monitor"
    try:
        yield SINK
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if module:
            _pactl("unload-module", module)


@pytest.fixture
def pulse_device(pulse_null_sink: str) -> str:
    """Name of the PortAudio device that reaches PulseAudio (ALSA's ``pulse`` plugin)."""
    from voice_interviewer.audio.devices import list_devices
    from voice_interviewer.audio.errors import AudioBackendUnavailable

    try:
        names = [d.name for d in list_devices()]
    except AudioBackendUnavailable as err:
        _unavailable(str(err))
    if "pulse" not in names:
        _unavailable(
            f"PortAudio has no 'pulse' device ({names}): apt-get install libasound2-plugins"
        )
    return "pulse"
