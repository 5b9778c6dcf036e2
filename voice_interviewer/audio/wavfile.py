"""Audio files as a source (recorded answers for `replay`, tests, benchmarks) and as a sink.

Anything libsndfile reads works as a source (WAV, FLAC, OGG, any rate, any channel count);
it is mixed to mono and resampled to 16 kHz while it streams, so an hour-long recording is
never held in memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf  # type: ignore[import-untyped]

from voice_interviewer.audio.base import Pacer, frame_samples, to_int16
from voice_interviewer.audio.config import PIPELINE_RATE
from voice_interviewer.audio.errors import AudioFileError
from voice_interviewer.audio.resample import StreamResampler, resample
from voice_interviewer.messages import AudioFrame

_READ_BLOCK_S = 0.1


def _open_error(path: Path, err: BaseException) -> AudioFileError:
    return AudioFileError(
        f"cannot read audio file {path}: {err}. It must be a WAV, FLAC or OGG file that"
        " libsndfile can open; re-export it (e.g. `ffmpeg -i in.m4a -ar 16000 -ac 1 out.wav`)"
        " or pick another file"
    )


def probe(path: str | Path) -> sf._SoundFileInfo:
    """``soundfile.info`` for ``path``, or an ``AudioFileError`` that says what to do."""
    p = Path(path)
    if not p.is_file():
        where = "is a directory" if p.is_dir() else "does not exist"
        raise AudioFileError(
            f"audio file {p} {where}; check the path (recorded answers for `voice-interviewer"
            " replay` are WAV or FLAC files)"
        )
    try:
        return sf.info(str(p))
    except (sf.SoundFileError, OSError) as err:
        raise _open_error(p, err) from err


class WavFileSource:
    """16 kHz mono frames from an audio file, paced in real time or as fast as they are read.

    The file is checked when the source is built, so a bad path fails before the interview
    starts. Frames are stamped on a virtual timeline (``t0 + samples / 16000``) unless paced,
    in which case they are stamped on ``clock`` from ``start()``.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        frame_ms: int = 20,
        realtime: bool = False,
        t0: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.path = Path(path)
        info = probe(self.path)
        self.file_rate = int(info.samplerate)
        self.file_duration = float(info.duration)
        self._n = frame_samples(frame_ms)
        self._pacer = Pacer(realtime, clock, sleep)
        self._t0 = t0
        self._origin = t0
        self._file: sf.SoundFile | None = None
        self._resampler = StreamResampler(self.file_rate, PIPELINE_RATE)
        self._buf = np.zeros(0, dtype=np.int16)
        self._eof = False
        self._i = 0

    @property
    def sample_rate(self) -> int:
        """Always 16 kHz."""
        return PIPELINE_RATE

    @property
    def overruns(self) -> int:
        """Always 0: a file waits for its reader."""
        return 0

    @property
    def ended(self) -> bool:
        """True once the whole file has been delivered."""
        return self._eof and not len(self._buf)

    def start(self) -> None:
        """Open the file and start the frame timeline."""
        if self._file is not None:
            return
        try:
            self._file = sf.SoundFile(str(self.path))
        except (sf.SoundFileError, OSError) as err:
            raise _open_error(self.path, err) from err
        self._origin = self._pacer.origin(self._t0)

    def read(self, timeout: float | None = None) -> AudioFrame | None:
        """The next frame (the last one zero-padded); None once ``ended`` or on pacing timeout."""
        if self._file is None:
            raise RuntimeError("call start() before read()")
        while len(self._buf) < self._n and not self._eof:
            self._fill()
        if not len(self._buf):
            return None
        dur = self._n / PIPELINE_RATE
        t = self._origin + self._i * dur
        if not self._pacer.wait_until(t + dur, timeout):
            return None
        chunk = self._buf[: self._n]
        self._buf = self._buf[self._n :]
        if len(chunk) < self._n:
            chunk = np.concatenate([chunk, np.zeros(self._n - len(chunk), dtype=np.int16)])
        self._i += 1
        return AudioFrame(chunk.copy(), PIPELINE_RATE, t)

    def stop(self) -> None:
        """Close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def _fill(self) -> None:
        assert self._file is not None
        try:
            block = self._file.read(int(self.file_rate * _READ_BLOCK_S), dtype="int16")
        except (sf.SoundFileError, OSError) as err:
            raise _open_error(self.path, err) from err
        last = len(block) == 0
        out = self._resampler.process(to_int16(block), last=last)
        if len(out):
            self._buf = np.concatenate([self._buf, out])
        self._eof = last


class WavFileSink:
    """Writes what is played to an audio file (16-bit PCM; FLAC if the name ends in .flac).

    ``sample_rate`` None takes the rate of the first write; later writes at other rates are
    resampled to it. Everything written counts as played at once.
    """

    def __init__(self, path: str | Path, sample_rate: int | None = None) -> None:
        self.path = Path(path)
        self.sample_rate = sample_rate
        self._file: sf.SoundFile | None = None
        self._played = 0
        self._started = False

    @property
    def samples_played(self) -> int:
        """Samples written to the file so far (counted at the rates they were written in)."""
        return self._played

    @property
    def underruns(self) -> int:
        """Always 0."""
        return 0

    def start(self) -> None:
        """Make the folder; the file opens now if the rate is known, else on the first write."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise AudioFileError(f"cannot create folder for {self.path}: {err}") from err
        self._started = True
        if self.sample_rate is not None:
            self._open(self.sample_rate)

    def write(self, pcm: np.ndarray, sample_rate: int) -> None:
        """Append ``pcm`` (mono int16 or float) to the file."""
        if not self._started:
            raise RuntimeError("call start() before write()")
        if self._file is None:
            self._open(sample_rate)
        assert self._file is not None and self.sample_rate is not None
        x = to_int16(np.asarray(pcm))
        self._file.write(resample(x, sample_rate, self.sample_rate))
        self._played += len(x)

    def flush(self) -> int:
        """Nothing is ever queued, so nothing is dropped."""
        return 0

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Always idle."""
        return True

    def stop(self) -> None:
        """Close the file (it is complete and readable after this)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._started = False

    def _open(self, rate: int) -> None:
        self.sample_rate = rate
        fmt = "FLAC" if self.path.suffix.lower() == ".flac" else "WAV"
        try:
            self._file = sf.SoundFile(
                str(self.path), "w", samplerate=rate, channels=1, subtype="PCM_16", format=fmt
            )
        except (sf.SoundFileError, OSError) as err:
            raise AudioFileError(f"cannot write audio file {self.path}: {err}") from err
