"""Configuration of the audio layer: one frozen dataclass per component, a docstring per field.

Durations are in milliseconds (they read naturally in a TOML file and do not depend on the frame
size); rates are in Hz. Defaults are tuned for a laptop mic at a desk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


def _turn_words(kind: str) -> Any:
    """A field whose default is one list of prompts/turns.toml (read through the content
    layer when the config is built, so a config file can still override it)."""

    def read() -> tuple[str, ...]:
        from voice_interviewer.interview.content import load_turn_phrases

        return tuple(getattr(load_turn_phrases(), kind))

    return field(default_factory=read)


@dataclass(frozen=True)
class TurnPolicyConfig:
    """The end-of-turn policy once Smart Turn's p(complete) for the pause is known.

    Timeline of a pause (defaults, 2-core CPU): the segment closes ``segment_pause_ms``
    (200 ms) after the last voiced frame; Smart Turn runs on the turn's audio at that moment
    (about 50 ms) while STT transcribes the segment (about 250 ms). The turn then ends after
    the silence this policy asks for, counted from the last voiced frame, and never before
    the segment's transcript is in (the reply needs it anyway). Without a probability (no
    model, or it is late) the endpointer waits as before Smart Turn: ``turn_end_ms``, or
    ``hold_turn_end_ms`` after a hold phrase.

    Each wait comes in two flavours: for an interview answer (an open question, or no
    context given: candidates pause between finished sentences and think for seconds) and,
    prefixed ``short_``, after a question that wants a word or two ("Ready?").
    """

    complete_threshold: float = 0.5
    """p(complete) at or above which the turn counts as finished (``complete_silence_ms``)."""

    incomplete_threshold: float = 0.2
    """p(complete) below which the candidate is mid-thought (``model_hold_ms``). Between
    the two thresholds the model is unsure (``uncertain_ms``)."""

    complete_silence_ms: float = 1000.0
    """Silence that ends an answer the model calls complete: long enough for most pauses
    between two finished sentences of a design answer (0.4-1.2 s in the endpointing set)."""

    uncertain_ms: float = 2000.0
    """Silence that ends an answer when the model is unsure."""

    model_hold_ms: float = 3000.0
    """Silence that ends an answer the model calls incomplete while its transcript reads as
    a finished sentence."""

    thinking_hold_ms: float = 4500.0
    """Silence that ends an answer whose transcript ends mid-thought: a hold phrase ("so",
    "um", "let me think"), a dangling word ("we could use a"), a comma, dash or ellipsis, or
    no words at all (a filler the recogniser dropped). Thinking pauses run to 4 s."""

    short_complete_silence_ms: float = 200.0
    """After a short-answer question, and after a question from the candidate the model
    agrees is complete ("What's the latency budget?"): the segment close, no more."""

    short_uncertain_ms: float = 500.0
    """``uncertain_ms`` after a short-answer question."""

    short_model_hold_ms: float = 1000.0
    """``model_hold_ms`` after a short-answer question."""

    short_thinking_hold_ms: float = 1500.0
    """``thinking_hold_ms`` after a short-answer question ("Um... yes, ready")."""

    patience: float = 1.0
    """Multiplies every wait above: 1.5 makes the interviewer half as patient again, 0.8
    quicker to reply (and quicker to cut in)."""

    max_wait_ms: float = 6000.0
    """Hard fallback: no silence longer than this keeps a turn open, whatever the signals
    (a lost transcript, a stuck model)."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.incomplete_threshold <= self.complete_threshold <= 1.0:
            raise ValueError("need 0 <= incomplete_threshold <= complete_threshold <= 1")
        if self.patience <= 0:
            raise ValueError(f"patience must be positive, got {self.patience}")
        for waits in (self.waits(short=False), self.waits(short=True)):
            if min(waits) < 0 or list(waits) != sorted(waits):
                raise ValueError("policy waits must grow: complete <= uncertain <= holds")

    def waits(self, *, short: bool) -> tuple[float, float, float, float]:
        """(complete, uncertain, model hold, thinking hold) in ms, before ``patience``."""
        if short:
            return (
                self.short_complete_silence_ms,
                self.short_uncertain_ms,
                self.short_model_hold_ms,
                self.short_thinking_hold_ms,
            )
        return (
            self.complete_silence_ms,
            self.uncertain_ms,
            self.model_hold_ms,
            self.thinking_hold_ms,
        )


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

    segment_pause_ms: float = 200.0
    """Unvoiced time that closes a segment (a short pause); each segment goes to STT, and the
    turn's audio to Smart Turn, at once. It is also the shortest turn end
    (``policy.short_complete_silence_ms``): pipecat pairs Smart Turn with a 0.2 s VAD stop."""

    tail_ms: float = 150.0
    """Audio kept after the last voiced frame of a segment (trailing consonants; Whisper also
    transcribes better with a little silence at the end). At most ``segment_pause_ms``."""

    turn_end_ms: float = 700.0
    """Silence after the last voiced frame that ends the turn when no Smart Turn probability
    is known for the pause (the fallback, and the behaviour without the model)."""

    hold_turn_end_ms: float = 2500.0
    """Without a probability: the silence that ends the turn when the last segment ended on a
    hold phrase ("so", "um", "let me think"). Also how long a due transcript is waited for."""

    min_speech_ms: float = 150.0
    """Segments with less voiced audio than this are dropped (clicks, coughs, a chair)."""

    max_segment_ms: float = 15_000.0
    """A segment is cut here even without a pause, so a monologue still reaches STT in pieces
    (Whisper's window is 30 s) and the final transcript is ready soon after the endpoint."""

    hold_phrases: tuple[str, ...] = _turn_words("hold")
    """Endings of a segment transcript that mean the candidate is thinking (default:
    ``hold`` in prompts/turns.toml)."""

    done_phrases: tuple[str, ...] = _turn_words("done")
    """Endings of a segment transcript that end the turn at once (default: ``done`` in
    prompts/turns.toml)."""

    dangling_words: tuple[str, ...] = _turn_words("dangling")
    """Last words that mean the sentence was cut mid-clause, read once Smart Turn is on
    (default: ``dangling`` in prompts/turns.toml)."""

    policy: TurnPolicyConfig = field(default_factory=TurnPolicyConfig)
    """The end-of-turn policy that combines silence, Smart Turn, transcript and context."""

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


@dataclass(frozen=True)
class SmartTurnConfig:
    """Smart Turn v3.2, the end-of-turn model (``audio/smart_turn.py``), run by the live loop at
    each pause (``runtime/turn_model.py``); ``[smart_turn]`` in the config file."""

    enabled: bool = True
    """Run the model at each segment close and let its probability shape the turn-end wait;
    off, the endpointer waits on silence and transcripts alone."""

    model_path: str | None = None
    """An ONNX file to use instead of the one bundled in the pipecat-ai wheel."""

    threads: int = 1
    """ONNX Runtime threads for one call (about 50 ms on one core); more steal CPU from STT."""
