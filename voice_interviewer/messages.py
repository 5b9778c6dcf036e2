"""The typed messages that travel between pipeline stages.

Every arrow in the data path (DESIGN.md) carries one of these frozen dataclasses. Each carries
the ``generation`` it belongs to, so that a barge-in or a cancelled speculative turn can make
every stage drop stale work by bumping one counter.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class AudioFrame:
    """A short block of mono int16 PCM from a source, stamped with its capture time."""

    pcm: np.ndarray
    sample_rate: int
    t: float
    generation: int = 0


@dataclass(frozen=True)
class SpeechSegment:
    """Voiced audio between two pauses; ``ends_turn`` is set on the last segment of a turn.

    ``t_start``/``t_end`` bound the voiced audio on the session clock. ``pcm`` starts earlier,
    at ``pcm_start`` (the endpointer's pre-roll keeps first syllables the VAD was slow to
    flag), and may run a little past ``t_end`` (a short tail keeps trailing consonants);
    ``pcm_start`` of None means ``pcm`` starts at ``t_start``. The endpointer usually learns
    that a turn ended only after the segment went out, so it sends a ``TurnEnded`` instead.
    """

    pcm: np.ndarray
    sample_rate: int
    t_start: float
    t_end: float
    ends_turn: bool = False
    generation: int = 0
    pcm_start: float | None = None


@dataclass(frozen=True)
class SpeechStarted:
    """The candidate has been speaking for the endpointer's onset time (a barge-in trigger).

    ``t_start`` is when the voiced run began and ``t_detected`` when the endpointer was sure;
    ``new_turn`` is False when the candidate resumed after a pause inside the same turn (the
    runtime then drops speculative work it started at that pause).
    """

    t_start: float
    t_detected: float
    new_turn: bool = True
    generation: int = 0


@dataclass(frozen=True)
class TurnEnded:
    """The endpointer decided the candidate's turn is over.

    ``t_speech_end`` is the end of the last voiced frame and ``t_endpoint`` when the decision
    was made (both session-clock seconds); ``reason`` is ``"silence"`` (the plain wait, or no
    Smart Turn probability), ``"complete"`` (the end-of-turn policy's short wait),
    ``"hold"`` (a thinking hold ran out), ``"max_wait"`` (the policy's hard fallback),
    ``"done_phrase"`` or ``"forced"``.
    """

    t_speech_end: float
    t_endpoint: float
    reason: str = "silence"
    generation: int = 0


@dataclass(frozen=True)
class Word:
    """One recognised word with its times on the session clock (seconds)."""

    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True)
class Transcript:
    """Text of one speech segment, or of a whole turn when ``ends_turn`` is set."""

    text: str
    t_start: float
    t_end: float
    words: tuple[Word, ...] = ()
    ends_turn: bool = False
    stt_seconds: float = 0.0
    generation: int = 0


@dataclass(frozen=True)
class CandidateTurn:
    """Everything the candidate said in one turn, as the interviewer core receives it."""

    text: str
    t_speech_end: float | None = None
    t_endpoint: float | None = None
    words: tuple[Word, ...] = ()
    generation: int = 0


class MoveKind(str, enum.Enum):
    """What the director decided to do with a turn."""

    GREETING = "greeting"
    PRESENT_PROBLEM = "present_problem"
    SCOPE_ANSWER = "scope_answer"
    FOLLOW_UP = "follow_up"
    PROBE = "probe"
    PUSHBACK = "pushback"
    HINT = "hint"
    PUSH_MISSING = "push_missing"
    PHASE_CHANGE = "phase_change"
    REPEAT = "repeat"
    DIFFICULTY_CHANGE = "difficulty_change"
    FOCUS = "focus"
    PAUSE = "pause"
    RESUME = "resume"
    CLARIFY = "clarify"
    CONFIRM = "confirm"
    REFUSE = "refuse"
    REDIRECT = "redirect"
    WRAP_UP = "wrap_up"


@dataclass(frozen=True)
class InterviewSnapshot:
    """The compact interview state a renderer may show an LLM (never the rubric itself)."""

    phase: str
    phase_title: str
    minutes_left_in_phase: float
    problem_title: str | None
    problem_question: str | None
    gaps: tuple[str, ...]
    hint_level_earned: int
    difficulty: str | None
    problem_id: str | None = None
    phase_minutes: float = 0.0
    """The phase's budget in minutes (after any focus stretch)."""
    diagram: str = ""
    """The phase's architecture diagram (text), if it has one."""
    paused: bool = False
    finished: bool = False


@dataclass(frozen=True)
class Move:
    """The director's decision for one candidate turn: what to do and the authored words.

    ``text`` is always speakable on its own; a renderer may rephrase it, but it must keep
    ``question`` (when set) and reveal nothing beyond ``hint_level_earned``.
    """

    kind: MoveKind
    text: str
    question: str = ""
    phase: str = ""
    turn: int = 0
    snapshot: InterviewSnapshot | None = None
    ends_interview: bool = False
    generation: int = 0


@dataclass(frozen=True)
class ReplyText:
    """A piece of the interviewer's reply text (an LLM delta or a whole authored reply)."""

    text: str
    is_final: bool = False
    authored: bool = False
    generation: int = 0


@dataclass(frozen=True)
class SpeechAudio:
    """Synthesized audio for one clause of the reply."""

    pcm: np.ndarray
    sample_rate: int
    text: str
    is_last: bool = False
    generation: int = 0
    meta: dict[str, float] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class TurnAudio:
    """A finished candidate turn handed to the accurate final pass: its speech segments as the
    live path cut them, and the text context the decoder is primed with."""

    turn_index: int
    """The turn's index in the session (what ``session.revise_turn`` takes)."""

    segments: tuple[SpeechSegment, ...]
    """The turn's segments in order, on the session clock."""

    terms: tuple[str, ...] = ()
    """Domain terms for the decoder, most important first (``stt.context.decoder_terms``)."""

    previous_text: str = ""
    """What came just before the turn (the interviewer's question, the previous turn)."""

    generation: int = 0


@dataclass(frozen=True)
class FinalTranscript:
    """The final pass's transcript of one whole turn, with word times on the session clock."""

    turn_index: int
    text: str
    words: tuple[Word, ...]
    t_start: float
    t_end: float
    seconds: float = 0.0
    """Compute time of the pass (waits for the live path excluded)."""
    waited_s: float = 0.0
    """Time the pass spent paused while the live path worked."""
    model: str = ""
    chunks: int = 0
    """30-second windows decoded (in batches)."""
    generation: int = 0
