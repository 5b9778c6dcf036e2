"""PulseAudio for the tests that go through the real sounddevice path (no sound card needed).

As root, ``pulseaudio --start --exit-idle-time=-1`` works: it warns that it is "not intended
to be run as root" and runs as a per-user daemon anyway. CI installs it (scripts/setup.sh), so
there a missing piece is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest


def unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


def pactl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10)


def ensure_server() -> None:
    """Start PulseAudio unless it runs, and wait until pactl reaches it."""
    if not (shutil.which("pulseaudio") and shutil.which("pactl")):
        unavailable("needs PulseAudio: apt-get install pulseaudio pulseaudio-utils")
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
    while pactl("info").returncode != 0:
        if time.monotonic() > deadline:
            pytest.fail("PulseAudio started but pactl cannot reach it")
        time.sleep(0.1)


def load_null_sinks(*names: str) -> list[str]:
    """Load a null sink for each name not loaded yet; returns the module ids to unload."""
    present = pactl("list", "short", "sinks").stdout.split()
    modules = []
    for name in names:
        if name in present:
            continue
        loaded = pactl("load-module", "module-null-sink", f"sink_name={name}")
        if loaded.returncode != 0:
            pytest.fail(f"cannot load module-null-sink {name}: {loaded.stderr.strip()}")
        modules.append(loaded.stdout.strip())
    return modules


def unload(modules: list[str]) -> None:
    for module in modules:
        pactl("unload-module", module)


def portaudio_pulse_device() -> str:
    """The PortAudio device that reaches PulseAudio (ALSA's ``pulse`` plugin)."""
    from voice_interviewer.audio.devices import list_devices
    from voice_interviewer.audio.errors import AudioBackendUnavailable

    try:
        names = [d.name for d in list_devices()]
    except AudioBackendUnavailable as err:
        unavailable(str(err))
    if "pulse" not in names:
        unavailable(
            f"PortAudio has no 'pulse' device ({names}): apt-get install libasound2-plugins"
        )
    return "pulse"
