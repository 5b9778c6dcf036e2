"""The session recording as one exported file, and what its interviewer channel says about
who talked when.

A session has one recording per run (a resume starts a new file, each with its own ``t0`` on
the session clock). The export lays them on one timeline that starts at the first file's
``t0``, so a cue or an evidence link at session time ``t`` is at ``t - t0`` in the exported
file. After a crash the resumed clock restarts at the last saved turn, a little before the
first file ended; there the later file wins, because the turns after the resume are timed on
its clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from voice_interviewer.session.record import Recording, SessionRecord

AUDIO_FORMATS = ("flac", "wav")
FRAME_S = 0.02
SILENCE_DBFS = -45.0
"""A 20 ms frame of the interviewer channel quieter than this is silence: the channel holds
exactly what was sent to the speakers, so between replies it is digital zero."""
BRIDGE_S = 1.0
"""Pauses shorter than this inside speech count as talk time (a breath, a clause break);
longer ones do not. The same rule is used for the candidate's words (analytics.py)."""
_BLOCK = 16_000 * 10  # samples read at a time, so an hour-long file never sits in memory


class MediaError(RuntimeError):
    """The recording cannot be read or written; the message says what to do."""


@dataclass(frozen=True)
class Piece:
    """The part of one recording file that the exported timeline uses."""

    recording: Recording
    frames: int  # how many samples of it, from its first
    offset: int  # where it goes in the exported file (samples from its t0)


@dataclass(frozen=True)
class MediaInfo:
    """The exported recording: its file, where it starts on the session clock, its length."""

    path: Path | None
    t0: float
    duration_s: float
    rate: int = 16_000


def _soundfile() -> Any:
    try:
        import soundfile
    except ImportError as e:
        raise MediaError(
            "reading the session recording needs soundfile (part of the voice extra): "
            "pip install 'voice-interviewer[voice]'"
        ) from e
    return soundfile


def available(record: SessionRecord) -> list[Recording]:
    """The recordings whose files are still in the session folder."""
    return [r for r in record.recordings if r.exists]


def missing(record: SessionRecord) -> list[Recording]:
    return [r for r in record.recordings if not r.exists]


def pieces(record: SessionRecord) -> list[Piece]:
    """The exported timeline: each file's used part and its place, later files winning."""
    sf = _soundfile()
    found = available(record)
    if not found:
        return []
    t0 = found[0].t0
    out = []
    for i, rec in enumerate(found):
        try:
            info = sf.info(str(rec.path))
        except (RuntimeError, sf.LibsndfileError) as e:
            raise MediaError(f"cannot read the recording {rec.path}: {e}") from e
        if info.samplerate != rec.rate:
            raise MediaError(f"{rec.path} is {info.samplerate} Hz, the journal says {rec.rate} Hz")
        frames = info.frames
        if i + 1 < len(found):  # cut where the next run's clock takes over
            frames = min(frames, max(0, int(round((found[i + 1].t0 - rec.t0) * rec.rate))))
        out.append(Piece(rec, frames, int(round((rec.t0 - t0) * rec.rate))))
    return out


def _blocks(piece: Piece) -> Iterator[tuple[int, np.ndarray]]:
    """(sample offset in the export, stereo float32 block) for one piece."""
    sf = _soundfile()
    with sf.SoundFile(str(piece.recording.path)) as f:
        done = 0
        while done < piece.frames:
            block = f.read(min(_BLOCK, piece.frames - done), dtype="float32", always_2d=True)
            if len(block) == 0:
                return
            if block.shape[1] == 1:
                block = np.repeat(block, 2, axis=1)
            yield piece.offset + done, block[:, :2]
            done += len(block)


def write_recording(record: SessionRecord, out: Path, fmt: str = "flac") -> MediaInfo | None:
    """Write the session's recording to ``out`` (FLAC or WAV, 16-bit stereo: candidate left,
    interviewer right). None when the session has no recording file."""
    if fmt not in AUDIO_FORMATS:
        raise MediaError(f"audio format must be one of {AUDIO_FORMATS}, not {fmt!r}")
    parts = pieces(record)
    if not parts:
        return None
    sf = _soundfile()
    rate = parts[0].recording.rate
    written = 0
    with sf.SoundFile(
        str(out), "w", samplerate=rate, channels=2, subtype="PCM_16", format=fmt.upper()
    ) as f:
        for piece in parts:
            for offset, block in _blocks(piece):
                if offset > written:  # a gap between runs: silence keeps later times right
                    f.write(np.zeros((offset - written, 2), dtype=np.int16))
                    written = offset
                skip = written - offset  # an overlap already written by an earlier piece
                if skip >= len(block):
                    continue
                f.write((np.clip(block[skip:], -1.0, 1.0) * 32767).astype(np.int16))
                written += len(block) - skip
    return MediaInfo(out, parts[0].recording.t0, written / rate, rate)


def timeline(record: SessionRecord) -> MediaInfo | None:
    """Where the exported recording would start and how long it is, without writing it."""
    parts = pieces(record)
    if not parts:
        return None
    rate = parts[0].recording.rate
    end = max(p.offset + p.frames for p in parts)
    return MediaInfo(None, parts[0].recording.t0, end / rate, rate)


def channel_runs(record: SessionRecord, channel: int = 1) -> list[tuple[float, float]]:
    """Stretches of sound on one channel (1 = interviewer) as (start, end) session times,
    pauses under ``BRIDGE_S`` bridged."""
    runs: list[tuple[float, float]] = []
    for piece in pieces(record):
        rate = piece.recording.rate
        n = int(FRAME_S * rate)
        for offset, block in _blocks(piece):
            x = block[: len(block) // n * n, channel].reshape(-1, n)
            rms = np.sqrt(np.mean(np.square(x, dtype=np.float64), axis=1))
            loud = 20 * np.log10(np.maximum(rms, 1e-9)) > SILENCE_DBFS
            base = piece.recording.t0 + offset / rate
            for i in np.flatnonzero(loud):
                start = base + i * FRAME_S
                if runs and start - runs[-1][1] < BRIDGE_S:
                    runs[-1] = (runs[-1][0], start + FRAME_S)
                else:
                    runs.append((start, start + FRAME_S))
    return [(round(float(a), 3), round(float(b), 3)) for a, b in runs]
