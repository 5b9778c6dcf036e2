"""The end-of-turn policy: how much silence ends the candidate's turn, given what is known.

Pure and clock-free, like the endpointer that owns it: the endpointer tells it when a pause
begins (a segment closed) and when speech resumes, passes on the notes the runtime feeds back
(the segment's transcript, Smart Turn's p(complete) for the turn's audio, the interview's
context), and asks ``required_silence()`` on every frame of the pause.

The signals, in order of authority:

1. The transcript. "That's my answer" ends the turn at once. A trailing hold phrase ("so",
   "um", "let me think") means the candidate is thinking.
2. Smart Turn's probability. Once it is known the policy also reads the transcript's shape
   (a dangling "we could use a", a trailing comma or ellipsis: unfinished; a trailing "?": a
   question that wants an answer) and picks one of the waits below.
3. The context. After an open design question (and when none is given) finished sentences
   are followed by pauses while the next one is composed, and thinking pauses run to
   seconds; after "Ready?" every wait is short.

The waits, from shortest to longest: complete (the model says so, or the candidate asked a
question it agrees is complete), uncertain, the model's hold (it says incomplete though the
words read as finished), the thinking hold (the words end mid-thought).

Until the probability arrives (no model configured, or it is late) the policy is the
endpointer of before: ``turn_end_ms``, or ``hold_turn_end_ms`` after a hold phrase. While the
segment's transcript is due the turn waits for it, up to ``hold_turn_end_ms``: the reply needs
that transcript anyway, so the wait costs no response time, and a trailing "so" is not missed
because the recogniser was slow. ``max_wait_ms`` caps every wait.
"""

from __future__ import annotations

from dataclasses import dataclass

from voice_interviewer.audio.config import EndpointerConfig
from voice_interviewer.audio.turn_text import TextCue, text_cue


@dataclass(frozen=True)
class Wait:
    """The silence (seconds, from the last voiced frame) that ends the turn, and the reason
    ``TurnEnded`` will carry if it does."""

    seconds: float
    reason: str


class TurnPolicy:
    """Decides the turn-end silence for the current pause; see the module docstring."""

    def __init__(self, config: EndpointerConfig) -> None:
        self.config = config
        self.expects_long_answer: bool | None = None
        """The interview's context: True after an open question, False after "Ready?",
        None when unknown. Kept across turns until the next ``note_context``."""
        self.reset()

    def reset(self) -> None:
        """Forget the pause (the context stays: it belongs to the interviewer's question)."""
        self._text: str | None = None
        self._transcript_due = False
        self._probability: float | None = None

    # -- what the endpointer tells it --------------------------------------------------------

    def pause_began(self, *, transcript_due: bool) -> None:
        """A segment closed: a new pause, with no transcript or probability for it yet."""
        self._text = None
        self._transcript_due = transcript_due
        self._probability = None

    def speech_resumed(self) -> None:
        """The candidate spoke again: what was known about the last pause no longer holds."""
        self.reset()

    def note_transcript(self, text: str) -> TextCue:
        """The transcript of the segment that began this pause; returns its cue."""
        self._text = text
        self._transcript_due = False
        return self.cue(with_shape=True)

    def note_probability(self, p: float) -> None:
        """Smart Turn's p(complete) for the turn's audio up to this pause."""
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"a probability is between 0 and 1, got {p}")
        self._probability = p

    def note_context(self, expects_long_answer: bool | None) -> None:
        """Whether the interviewer's last question invites a long answer (None: unknown)."""
        self.expects_long_answer = expects_long_answer

    # -- what it decides ---------------------------------------------------------------------

    @property
    def probability(self) -> float | None:
        """Smart Turn's p(complete) for this pause, once known."""
        return self._probability

    def cue(self, *, with_shape: bool) -> TextCue:
        """The transcript's cue; ``with_shape`` also reads dangling words and punctuation."""
        if self._text is None:
            return TextCue.NONE
        cfg = self.config
        return text_cue(
            self._text,
            hold=cfg.hold_phrases,
            done=cfg.done_phrases,
            dangling=cfg.dangling_words,
            punctuation=with_shape,
        )

    def required_silence(self) -> Wait:
        """The silence that ends the turn now, given everything noted for this pause."""
        cfg = self.config
        wait = self._fallback() if self._probability is None else self._with_model()
        if self._transcript_due:
            wait = Wait(max(wait.seconds, cfg.hold_turn_end_ms / 1000.0), wait.reason)
        cap = cfg.policy.max_wait_ms / 1000.0
        return wait if wait.seconds <= cap else Wait(cap, "max_wait")

    def _fallback(self) -> Wait:
        """No probability: the endpointer before Smart Turn (done and hold phrases only)."""
        cue = self.cue(with_shape=False)
        if cue is TextCue.DONE:
            return Wait(0.0, "done_phrase")
        if cue is TextCue.HOLD:
            return Wait(self.config.hold_turn_end_ms / 1000.0, "silence")
        return Wait(self.config.turn_end_ms / 1000.0, "silence")

    def _with_model(self) -> Wait:
        pol = self.config.policy
        p = self._probability
        assert p is not None
        cue = self.cue(with_shape=True)
        if cue is TextCue.DONE:
            return Wait(0.0, "done_phrase")
        complete, uncertain, model_hold, thinking_hold = pol.waits(
            short=self.expects_long_answer is False
        )
        if cue in (TextCue.HOLD, TextCue.UNFINISHED) or (
            self._text is not None and not self._text.strip()
        ):
            wait, reason = thinking_hold, "hold"
        elif cue is TextCue.QUESTION and p >= pol.complete_threshold:
            wait, reason = pol.short_complete_silence_ms, "complete"
        elif p >= pol.complete_threshold:
            wait, reason = complete, "complete"
        elif p < pol.incomplete_threshold:
            wait, reason = model_hold, "hold"
        else:
            wait, reason = uncertain, "silence"
        return Wait(wait * pol.patience / 1000.0, reason)
