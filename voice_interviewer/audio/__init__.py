"""The audio layer: sources and sinks behind two protocols, resampling, VAD and the endpointer.

Importing this package loads numpy only: soxr, webrtcvad and soundfile are imported on first
use, and ``sounddevice_io`` / ``devices`` load PortAudio lazily, so text mode runs without the
voice extra.
"""

from voice_interviewer.audio.base import AudioSink, AudioSource, Framer
from voice_interviewer.audio.config import (
    PIPELINE_RATE,
    DeviceConfig,
    EndpointerConfig,
    SmartTurnConfig,
    TurnPolicyConfig,
    VadConfig,
)
from voice_interviewer.audio.detector import SpeechDetector
from voice_interviewer.audio.endpointer import Endpointer, EndpointState, SpeechEvent
from voice_interviewer.audio.errors import (
    AudioBackendUnavailable,
    AudioDeviceLost,
    AudioError,
    AudioFileError,
    NoAudioDeviceError,
    UnsupportedSampleRateError,
)
from voice_interviewer.audio.memory import MemorySink, MemorySource
from voice_interviewer.audio.smart_turn import SmartTurn
from voice_interviewer.audio.turn_policy import TurnPolicy
from voice_interviewer.audio.vad import FrameClassifier

__all__ = [
    "PIPELINE_RATE",
    "AudioBackendUnavailable",
    "AudioDeviceLost",
    "AudioError",
    "AudioFileError",
    "AudioSink",
    "AudioSource",
    "DeviceConfig",
    "EndpointState",
    "Endpointer",
    "EndpointerConfig",
    "FrameClassifier",
    "Framer",
    "MemorySink",
    "MemorySource",
    "NoAudioDeviceError",
    "SmartTurn",
    "SmartTurnConfig",
    "SpeechDetector",
    "SpeechEvent",
    "TurnPolicy",
    "TurnPolicyConfig",
    "UnsupportedSampleRateError",
    "VadConfig",
]
