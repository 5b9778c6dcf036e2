"""Candidate voices that are not the interviewer's: flite and espeak-ng, from Debian.

The product speaks with Piper's en_US-joe-medium; a benchmark that also spoke the candidate
with it would flatter the speech recognition. These engines sound different from Piper and
from each other (flite's slt, rms, awb and kal16 are recorded speakers; espeak-ng is formant
synthesis in several accents). Synthesis is deterministic: the same text and voice give the
same samples, so a benchmark hears the same candidate on every run.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000
PAUSE = re.compile(r"\[pause (\d+(?:\.\d+)?)\]")
"""A thinking pause inside a text: "[pause 1.5]" is 1.5 s of silence."""


class VoiceUnavailable(RuntimeError):
    """The engine for a voice is not installed; the message names the Debian package."""


@dataclass(frozen=True)
class Voice:
    """One candidate voice: the engine, its voice name, and how fast it talks."""

    name: str
    engine: str  # "flite" | "espeak-ng"
    voice: str
    words_per_minute: int | None = None  # espeak-ng only; flite speaks at its own pace

    @property
    def available(self) -> bool:
        return shutil.which(self.engine) is not None


VOICES: tuple[Voice, ...] = (
    Voice("flite-slt", "flite", "slt"),
    Voice("flite-rms", "flite", "rms"),
    Voice("flite-awb", "flite", "awb"),
    Voice("flite-kal16", "flite", "kal16"),
    Voice("espeak-us", "espeak-ng", "en-us", 165),
    Voice("espeak-gb-f", "espeak-ng", "en-gb+f3", 155),
    Voice("espeak-scottish", "espeak-ng", "en-gb-scotland", 150),
)
"""Every candidate voice, recorded speakers first."""


def voice(name: str) -> Voice:
    for v in VOICES:
        if v.name == name:
            return v
    raise KeyError(f"no voice {name!r}; choose from {', '.join(v.name for v in VOICES)}")


def available_voices() -> list[Voice]:
    """The voices whose engine is installed here."""
    return [v for v in VOICES if v.available]


def synthesize(
    text: str, speaker: Voice, *, lead_s: float = 0.0, tail_s: float = 0.0
) -> np.ndarray:
    """``text`` spoken by ``speaker`` as 16 kHz mono int16; "[pause N]" inserts N s of silence."""
    pieces = [_silence(lead_s)]
    for i, part in enumerate(PAUSE.split(text)):
        if i % 2 == 1:
            pieces.append(_silence(float(part)))
        elif part.strip():
            pieces.append(_speak(part.strip(), speaker))
    pieces.append(_silence(tail_s))
    return np.concatenate(pieces)


class SpeechCache:
    """Synthesized clips kept on disk by voice and text, so a rerun synthesizes nothing."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get(self, text: str, speaker: Voice) -> np.ndarray:
        key = hashlib.sha256(f"{speaker}\n{text}".encode()).hexdigest()[:20]
        path = self.directory / f"{speaker.name}-{key}.npy"
        if path.exists():
            return np.load(path)
        pcm = synthesize(text, speaker)
        self.directory.mkdir(parents=True, exist_ok=True)
        np.save(path, pcm)
        return pcm


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(round(seconds * SAMPLE_RATE)), dtype=np.int16)


def _speak(text: str, speaker: Voice) -> np.ndarray:
    if not speaker.available:
        package = "espeak-ng" if speaker.engine == "espeak-ng" else "flite"
        raise VoiceUnavailable(
            f"voice {speaker.name} needs {speaker.engine}: apt-get install {package}"
        )
    import soundfile

    from voice_interviewer.audio.resample import resample

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speech.wav"
        if speaker.engine == "flite":
            command = ["flite", "-voice", speaker.voice, "-t", text, "-o", str(out)]
        else:
            rate = ["-s", str(speaker.words_per_minute)] if speaker.words_per_minute else []
            command = ["espeak-ng", "-v", speaker.voice, *rate, "-w", str(out), text]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not out.exists():
            raise VoiceUnavailable(f"{speaker.engine} failed on {text[:40]!r}: {done.stderr}")
        pcm, rate_hz = soundfile.read(str(out), dtype="int16")
    if pcm.ndim == 2:
        pcm = pcm[:, 0]
    return np.ascontiguousarray(resample(pcm, rate_hz, SAMPLE_RATE))
