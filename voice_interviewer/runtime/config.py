"""How the voice loop takes turns: one frozen dataclass, a docstring per field ([audio] in
the config file)."""

from __future__ import annotations

from dataclasses import dataclass, field

from voice_interviewer.audio.config import EndpointerConfig, VadConfig
from voice_interviewer.audio.energy_onset import EarlyHoldConfig
from voice_interviewer.runtime.overtalk import OverTalkConfig

AUDIO_MODES = ("speakers", "headset")


@dataclass(frozen=True)
class LoopConfig:
    """How the loop takes turns."""

    audio_mode: str = "speakers"
    """``speakers``: the speech detector does not hear the mic while the interviewer speaks
    (plus ``echo_tail_ms``), so it never hears itself; a candidate louder than the echo makes
    the interviewer yield at the end of its clause (``overtalk``). ``headset``: the mic stays
    open and speaking over the interviewer interrupts it (barge-in)."""

    echo_tail_ms: float = 300.0
    """Speakers mode: how long after the interviewer stops the mic stays muted (room echo)."""

    overtalk: OverTalkConfig = field(default_factory=OverTalkConfig)
    """Speakers mode: how the candidate's voice is told from the echo while the interviewer
    speaks, so the interviewer yields to them at the end of its clause."""

    vad: VadConfig = field(default_factory=VadConfig)
    """The speech detector."""

    endpointer: EndpointerConfig = field(default_factory=EndpointerConfig)
    """Turn-taking timings."""

    speculative: bool = True
    """Answer at the short pause that ends a segment, and speak at the endpoint if the
    candidate said nothing more (DESIGN.md: speculative turns); the reply is dropped unheard
    when they go on."""

    final_text_wait_s: float = 10.0
    """When the interview (or a replay) ends: how long the loop waits for the accurate final
    pass of the last turns, so they too are journaled with their final text. Usually nothing
    is left by then (the pass runs while the closing words are spoken); a pass still running
    after this keeps its turn's fast text."""

    early_hold: EarlyHoldConfig = field(default_factory=EarlyHoldConfig)
    """Headset mode: hold playback at a sudden rise in the mic's level, before the speech
    detector is sure (60-140 ms sooner); let go if it does not confirm speech."""

    backchannel_max_words: int = 2
    """Headset mode: an interruption of at most this many words, all backchannels ("mm-hm",
    "right"), lets the interviewer carry on."""

    def __post_init__(self) -> None:
        if self.audio_mode not in AUDIO_MODES:
            raise ValueError(
                f"audio_mode must be one of {', '.join(AUDIO_MODES)}, not {self.audio_mode!r}"
            )
