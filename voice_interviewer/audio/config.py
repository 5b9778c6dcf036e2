"""Configuration of the audio layer: one frozen dataclass per component, a docstring per field.

Durations are in milliseconds (they read naturally in a TOML file and do not depend on the frame
size); rates are in Hz. Defaults are tuned for a laptop mic at a desk.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The rate every source delivers and every model consumes.
PIPELINE_RATE = 16_000


@dataclass(frozen=True)
class VadConfig:
    """The per-frame speech classifier: webrtcvad behind an energy gate."""

    aggressiveness: int = 2
    """webrtcvad mode, 0 (lets most sound through) to 3 (strictest about what is speech)."""

    energy_floor_dbfs: float = -45.0
    """Frames whose band-limited RMS is below this level (dB full scale) are never speech, so a
    quiet room or line noise can never start a turn, whatever webrtcvad says."""

    band_low_hz: float = 100.0
    """Lower edge of the band the gate measures: above DC, desk rumble and the 50/60 Hz mains
    fundamental, but low enough to keep nasals ("m", "n"), whose energy sits at 200-300 Hz."""

    band_high_hz: float = 4000.0
    """Upper edge of the band the gate measures (where speech energy lives)."""


@dataclass(frozen=True)
class EndpointerConfig:
    """Turn-taking: when a segment starts and ends, and when the candidate's turn is over."""

    speech_start_ms: float = 60.0
    """Consecutive voiced audio needed to open a speech segment (hysteresis against blips)."""

    onset_ms: float = 120.0
    """Voiced audio in a segment before ``SpeechStarted`` goes out; the barge-in trigger, so it
    is kept short, but long enough that a cough or a click does not stop the interviewer."""

    preroll_ms: float = 400.0
    """Audio kept from before the voiced run opened a segment, so the first syllable (which the
    VAD flags late) reaches STT. At least 300 ms."""

    segment_pause_ms: float = 250.0
    """Unvoiced time that closes a segment (a short pause); each segment goes to STT at once."""

    tail_ms: float = 150.0
    """Audio kept after the last voiced frame of a segment (trailing consonants; Whisper also
    transcribes better with a little silence at the end). At most ``segment_pause_ms``."""

    turn_end_ms: float = 700.0
    """Silence after the last voiced frame that ends the turn, in the usual case."""

    hold_turn_end_ms: float = 2500.0
    """Silence that ends the turn when the last segment ended on a hold phrase ("so", "um",
    "let me think"): the candidate is thinking, not done."""

    min_speech_ms: float = 150.0
    """Segments with less voiced audio than this are dropped (clicks, coughs, a chair)."""

    max_segment_ms: float = 15_000.0
    """A segment is cut here even without a pause, so a monologue still reaches STT in pieces
    (Whisper's window is 30 s) and the final transcript is ready soon after the endpoint."""

    hold_phrases: tuple[str, ...] = (
        "so",
        "and",
        "but",
        "or",
        "because",
        "um",
        "umm",
        "uh",
        "uhh",
        "er",
        "erm",
        "hmm",
        "like",
        "let me think",
        "let me see",
        "give me a second",
        "give me a moment",
        "one second",
        "hold on",
    )
    """Endings of a segment transcript that extend the turn-end wait to ``hold_turn_end_ms``."""

    done_phrases: tuple[str, ...] = (
        "i'm done",
        "i am done",
        "that's my answer",
        "that is my answer",
        "that's it",
        "that's all",
        "that's all i have",
        "over to you",
    )
    """Endings of a segment transcript that end the turn at once, without waiting."""

    def __post_init__(self) -> None:
        if self.preroll_ms < 300.0:
            raise ValueError(f"preroll_ms must be at least 300 ms, got {self.preroll_ms}")
        if self.tail_ms > self.segment_pause_ms:
            raise ValueError("tail_ms cannot be longer than segment_pause_ms")
        if not self.speech_start_ms <= self.onset_ms:
            raise ValueError("onset_ms must be at least speech_start_ms")


@dataclass(frozen=True)
class DeviceConfig:
    """A sounddevice (PortAudio) input or output stream."""

    device: str | int | None = None
    """Device index, or a case-insensitive substring of its name; None is the system default.
    ``voice-interviewer devices`` lists both."""

    sample_rate: int | None = None
    """Rate to open the device at; None tries 16 kHz and falls back to the device's default rate
    (audio is resampled to and from 16 kHz outside the callback)."""

    channels: int = 1
    """Channels to open; input is mixed down to mono, output duplicates mono to each channel."""

    block_ms: float = 20.0
    """PortAudio block length; also the length of the frames an input stream delivers."""

    latency: str | float = "low"
    """PortAudio latency hint: "low", "high" or seconds."""

    queue_seconds: float = 2.0
    """Input: audio the callback may queue before it drops blocks (counted in ``overruns``)."""

    buffer_seconds: float = 60.0
    """Output: audio ``write`` may queue ahead of playback before it waits for room."""

    stall_timeout_s: float = 2.0
    """Input: a running stream that delivers nothing for this long is treated as lost."""

    start_timeout_s: float = 6.0
    """Input: the same, for the first block after ``start()``; a PulseAudio source reached
    through ALSA's ``pulse`` device took about 2 s to deliver its first block here."""
