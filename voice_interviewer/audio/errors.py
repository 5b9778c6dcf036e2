"""Exceptions of the audio layer; each message says what to do next, not only what failed."""

from __future__ import annotations

ALTERNATIVES = (
    "run `voice-interviewer devices` to list what PortAudio sees and pick one with"
    " --input/--output, answer from recorded files with `voice-interviewer replay`,"
    " or type instead with `--text`"
)


class AudioError(Exception):
    """Base class of every error the audio layer raises on purpose."""


class AudioFileError(AudioError):
    """An audio file is missing, unreadable or not audio at all."""


class AudioBackendUnavailable(AudioError):
    """sounddevice or the PortAudio library it loads is not installed."""


class NoAudioDeviceError(AudioError):
    """No input or output device matches (or the machine has none)."""


class UnsupportedSampleRateError(AudioError):
    """The device accepts neither 16 kHz nor its own default rate with these settings."""


class AudioDeviceLost(AudioError):
    """A device stopped delivering or taking audio mid-stream (unplugged, server gone).

    The runtime catches this to pause the interview and save the journal, then offers to
    continue on another device or in text mode.
    """
