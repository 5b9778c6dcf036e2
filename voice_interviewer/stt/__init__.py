"""Speech-to-text: faster-whisper on CPU or CUDA, with a gate that keeps silence out of turns.

Importing this package is cheap: faster-whisper and CTranslate2 are imported only when a
``Transcriber`` is built.
"""

from voice_interviewer.stt.gate import FILLER_WORDS, GateConfig, reject_reason
from voice_interviewer.stt.models import ModelNotAvailableError, bundled_whisper_path
from voice_interviewer.stt.transcriber import Transcriber, TranscriberConfig

__all__ = [
    "FILLER_WORDS",
    "GateConfig",
    "ModelNotAvailableError",
    "Transcriber",
    "TranscriberConfig",
    "bundled_whisper_path",
    "reject_reason",
]
