"""The end-of-turn policy through the endpointer, on virtual time: silence, Smart Turn's
probability, the transcript and the interview's context, and the fallbacks when a signal is
missing or late."""

from __future__ import annotations

import numpy as np
import pytest

from voice_interviewer.audio.config import EndpointerConfig, TurnPolicyConfig
from voice_interviewer.audio.endpointer import Endpointer, EndpointState
from voice_interviewer.audio.turn_policy import TurnPolicy
from voice_interviewer.audio.turn_text import TextCue, invites_long_answer, is_backchannel, text_cue
from voice_interviewer.interview.content import load_turn_phrases
from voice_interviewer.messages import AudioFrame, SpeechSegment, TurnEnded

FRAME = 0.02
N = 320


class Turn:
    """Speaks for ``speech`` seconds from t=0.5, then feeds silence frame by frame."""

    def __init__(self, ep: Endpointer, speech: float = 1.0) -> None:
        self.ep = ep
        self.i = 0
        self.events: list = []
        self.feed(0.5, False)
        self.feed(speech, True)
        self.voice_end = 0.5 + speech
        [self.segment] = [e for e in self.feed(0.2, False) if isinstance(e, SpeechSegment)]

    @property
    def now(self) -> float:
        return self.i * FRAME

    def feed(self, seconds: float, speech: bool) -> list:
        out = []
        for _ in range(round(seconds / FRAME)):
            pcm = np.full(N, 1000 if speech else 0, dtype=np.int16)
            out += self.ep.push(AudioFrame(pcm, 16000, self.i * FRAME), speech)
            self.i += 1
        self.events += out
        return out

    def text(self, text: str) -> list:
        out = self.ep.note_transcript(text, segment_end=self.segment.t_end)
        self.events += out
        return out

    def p(self, p: float) -> list:
        out = self.ep.note_turn_probability(p, segment_end=self.segment.t_end)
        self.events += out
        return out

    def silence_until_end(self, limit: float = 10.0) -> float:
        """Feed silence until the turn ends; the silence it took (from the last voice)."""
        while not self.ended():
            assert self.now - self.voice_end < limit, "the turn never ended"
            self.feed(FRAME, False)
        return self.ended()[0].t_endpoint - self.voice_end

    def ended(self) -> list[TurnEnded]:
        return [e for e in self.events if isinstance(e, TurnEnded)]


def test_segment_closes_at_200_ms_and_turn_audio_is_the_turn_so_far() -> None:
    t = Turn(Endpointer())
    assert t.segment.t_end == pytest.approx(1.5)
    audio = t.ep.turn_audio()
    # pre-roll (400 ms) + 1 s of speech + the 200 ms pause that closed the segment
    assert len(audio) / 16000 == pytest.approx(0.4 + 1.0 + 0.2, abs=0.021)
    assert audio[-1] == 0 and audio.max() == 1000


def test_turn_audio_keeps_the_last_8_seconds_and_empties_after_the_turn() -> None:
    t = Turn(Endpointer(), speech=12.0)
    assert len(t.ep.turn_audio()) / 16000 == pytest.approx(8.0, abs=0.021)
    t.silence_until_end()
    assert len(t.ep.turn_audio()) == 0


def test_without_a_probability_the_endpointer_waits_as_before() -> None:
    # No Smart Turn (or a probability that never arrives): 700 ms, as before the policy.
    t = Turn(Endpointer())
    assert t.silence_until_end() == pytest.approx(0.7)
    assert t.ended()[0].reason == "silence"
    t = Turn(Endpointer())
    t.text("and the features come from the log, so")
    assert t.silence_until_end() == pytest.approx(2.5)


def test_a_confident_complete_after_a_short_question_ends_at_the_segment_close() -> None:
    ep = Endpointer(expect_transcripts=True)
    ep.note_context(expects_long_answer=False)
    t = Turn(ep)
    assert t.p(0.97) == []  # the transcript is still due: the reply needs it anyway
    t.feed(0.1, False)
    [end] = t.text("Yes, I'm ready.")
    assert end.reason == "complete"
    assert end.t_endpoint == pytest.approx(t.voice_end + 0.3)  # when the transcript came


def test_in_an_answer_a_complete_turn_waits_for_the_next_sentence() -> None:
    ep = Endpointer()
    ep.note_context(expects_long_answer=True)
    t = Turn(ep)
    t.p(0.95)
    t.text("I would use a feature store.")
    assert t.silence_until_end() == pytest.approx(1.0)
    assert t.ended()[0].reason == "complete"


def test_no_context_is_treated_as_an_interview_answer() -> None:
    t = Turn(Endpointer(expect_transcripts=True))
    t.p(0.95)
    t.text("I would use a feature store.")
    assert t.silence_until_end() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("text", "p", "wait"),
    [
        ("What's the latency budget?", 0.9, 0.2),  # a question it agrees is complete
        ("Do we have labels for?", 0.3, 2.0),  # "?" but the model is unsure: no shortcut
        ("The serving layer has", 0.9, 4.5),  # no closing mark: stopped mid-clause
        ("Let me think about that.", 0.9, 4.5),  # announces thinking
        ("I would start with a two tower model for-", 0.9, 4.5),  # cut mid-word
        ("First we compute the features and then...", 0.9, 4.5),  # hold phrase
        ("The main metric would be", 0.9, 4.5),  # dangling auxiliary
        ("We need three things, latency,", 0.9, 4.5),  # trailing comma
        ("", 0.9, 4.5),  # a sound with no words: a dropped "um"
        ("Negative sampling keeps the set small.", 0.1, 3.0),  # the model's hold
        ("Negative sampling keeps the set small.", 0.35, 2.0),  # unsure
        ("We'd measure the lift. That's my answer.", 0.1, 0.2),  # done: at once
    ],
)
def test_the_waits_in_an_answer(text: str, p: float, wait: float) -> None:
    t = Turn(Endpointer(expect_transcripts=True))
    t.p(p)
    t.text(text)
    assert t.silence_until_end() == pytest.approx(wait, abs=0.021)


def test_short_answer_context_shortens_every_wait() -> None:
    for text, p, wait in [("Okay.", 0.9, 0.2), ("Um", 0.9, 1.5), ("Sure.", 0.1, 1.0)]:
        ep = Endpointer(expect_transcripts=True)
        ep.note_context(expects_long_answer=False)
        t = Turn(ep)
        t.p(p)
        t.text(text)
        assert t.silence_until_end() == pytest.approx(wait, abs=0.021), text


def test_context_persists_across_turns_and_resets() -> None:
    ep = Endpointer()
    ep.note_context(expects_long_answer=False)
    Turn(ep).silence_until_end()
    ep.reset()
    assert ep.policy.expects_long_answer is False


def test_a_late_probability_that_says_complete_ends_the_turn_when_it_arrives() -> None:
    ep = Endpointer()
    ep.note_context(expects_long_answer=False)
    t = Turn(ep)
    t.text("Yes.")
    t.feed(0.3, False)  # 500 ms of silence, no probability yet: the 700 ms fallback runs
    [end] = t.p(0.99)
    assert end.t_endpoint == pytest.approx(t.voice_end + 0.5)
    assert end.reason == "complete"


def test_a_probability_that_never_comes_falls_back_to_the_silence_wait() -> None:
    t = Turn(Endpointer())
    t.text("I would use a feature store.")
    assert t.silence_until_end() == pytest.approx(0.7)


def test_a_lost_transcript_cannot_hang_the_turn() -> None:
    t = Turn(Endpointer(expect_transcripts=True))
    t.p(0.99)
    assert t.silence_until_end() == pytest.approx(2.5)  # hold_turn_end_ms, then it goes


def test_max_wait_caps_every_wait() -> None:
    cfg = EndpointerConfig(policy=TurnPolicyConfig(patience=3.0))
    t = Turn(Endpointer(cfg))
    t.p(0.05)
    t.text("so")
    assert t.silence_until_end() == pytest.approx(6.0)
    assert t.ended()[0].reason == "max_wait"


def test_patience_scales_the_waits() -> None:
    cfg = EndpointerConfig(policy=TurnPolicyConfig(patience=1.5))
    t = Turn(Endpointer(cfg, expect_transcripts=True))
    t.p(0.9)
    t.text("Yes.")
    assert t.silence_until_end() == pytest.approx(1.5)


def test_stale_probabilities_change_nothing() -> None:
    t = Turn(Endpointer())
    assert t.ep.note_turn_probability(0.99, segment_end=t.segment.t_end - 0.5) == []
    t.feed(0.4, True)  # the candidate goes on
    assert t.ep.note_turn_probability(0.99, segment_end=t.segment.t_end) == []
    assert t.ep.state is EndpointState.SPEECH


def test_resuming_speech_forgets_the_last_pause_probability() -> None:
    t = Turn(Endpointer())
    t.p(0.05)
    t.feed(0.5, False)
    t.feed(0.5, True)
    t.voice_end = t.now
    t.feed(0.2, False)
    assert t.ep.policy.probability is None
    assert t.silence_until_end() == pytest.approx(0.7)  # the fallback again


def test_the_policy_rejects_a_bad_probability_and_bad_config() -> None:
    with pytest.raises(ValueError):
        TurnPolicy(EndpointerConfig()).note_probability(1.5)
    with pytest.raises(ValueError, match="grow"):
        TurnPolicyConfig(complete_silence_ms=5000)
    with pytest.raises(ValueError):
        TurnPolicyConfig(complete_threshold=0.1, incomplete_threshold=0.3)


def test_phrase_lists_come_from_the_content_and_config_overrides_them() -> None:
    phrases = load_turn_phrases()
    assert EndpointerConfig().hold_phrases == phrases.hold
    assert "let me think" in phrases.hold and "that's my answer" in phrases.done
    cfg = EndpointerConfig(done_phrases=("ship it",))
    t = Turn(Endpointer(cfg))
    [end] = t.text("and then we ship it")
    assert end.reason == "done_phrase"


def test_text_cues() -> None:
    lists = load_turn_phrases()
    cue = lambda s: text_cue(s, hold=lists.hold, done=lists.done, dangling=lists.dangling)  # noqa: E731
    assert cue("That's my answer.") is TextCue.DONE
    assert cue("Um, let me think.") is TextCue.HOLD
    assert cue("What is the QPS?") is TextCue.QUESTION
    assert cue("Retrieval, ranking,") is TextCue.UNFINISHED
    assert cue("The labels are...") is TextCue.UNFINISHED
    assert cue("I would use a feature store.") is TextCue.NONE
    assert text_cue("The labels are", hold=(), done=(), punctuation=False) is TextCue.NONE


@pytest.mark.parametrize(
    ("said", "backchannel"),
    [
        ("Mm-hmm.", True),
        ("Right.", True),
        ("Okay.", True),
        ("Yeah, right.", True),
        ("Got it.", True),
        ("", True),
        ("Okay, so what about the cache?", False),
        ("Wait, I have a question.", False),
        ("right right right", False),  # more words than a backchannel takes
        ("MMHM.", True),  # tiny.en's spelling of flite's "mm-hm"
        ("Mhmm, okay.", True),
        ("Hmm.", True),
        ("Ham.", False),
    ],
)
def test_backchannels(said: str, backchannel: bool) -> None:
    assert is_backchannel(said, max_words=2) is backchannel


@pytest.mark.parametrize(
    ("question", "long"),
    [
        ("Ready?", False),
        ("Are you ready to begin?", False),
        ("Shall we move on to serving?", False),
        ("Does that make sense?", False),
        ("How would you design the feature pipeline?", True),
        ("Great. Walk me through the serving path.", True),
        ("What metric would you optimise, and why?", True),
    ],
)
def test_which_questions_invite_a_long_answer(question: str, long: bool) -> None:
    assert invites_long_answer(question) is long


def test_a_malformed_turns_file_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from voice_interviewer.interview.content import ContentError

    (tmp_path / "turns.toml").write_text('hold = ["so"]\n')
    with pytest.raises(ContentError, match="turns.toml"):
        load_turn_phrases(tmp_path)
