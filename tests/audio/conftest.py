"""Fixtures for the audio tests: a PulseAudio null sink for the real sounddevice path.

PortAudio (Debian's libportaudio2) has no PulseAudio backend of its own; it reaches PulseAudio
through ALSA's ``pulse`` device (Debian's libasound2-plugins). Which sink and source that
device uses is chosen per process by the ``PULSE_SINK`` / ``PULSE_SOURCE`` environment
variables, read when a stream opens, so the test plays into ``vi_test`` and records its
``.monitor`` without touching the server's defaults.

Starting the server: tests/pulse_support.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from pulse_support import (
    ensure_server,
    load_null_sinks,
    portaudio_pulse_device,
    unload,
)

SINK = "vi_test"


@pytest.fixture(scope="session")
def pulse_null_sink() -> Iterator[str]:
    """A running PulseAudio with a null sink ``vi_test``; the ALSA ``pulse`` device plays
    into it and records from its monitor for the rest of the session."""
    ensure_server()
    modules = load_null_sinks(SINK)
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
        unload(modules)


@pytest.fixture
def pulse_device(pulse_null_sink: str) -> str:
    """Name of the PortAudio device that reaches PulseAudio (ALSA's ``pulse`` plugin)."""
    return portaudio_pulse_device()
