"""What the words say about turn-taking: the end of a transcript, a backchannel, a question.

The word lists are data (``prompts/turns.toml``, read through the content layer) and reach
these functions through ``EndpointerConfig``, so a config file can override each of them.
Text is compared in ``voice_interviewer.text``'s normalised form; only the final punctuation
mark is read from the raw transcript, because Whisper writes what it heard there: "for-" or
"and then..." when the speaker stopped mid-clause, "?" after a question.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING

from voice_interviewer.text import ends_with_phrase, normalize, sentences, starts_with_phrase, words

if TYPE_CHECKING:
    from voice_interviewer.interview.content import TurnPhrases

_UNFINISHED_MARKS = (",", "-", "\u2013", "\u2014", ":", ";", "...", "\u2026")
"""Final marks Whisper writes when the speech stopped mid-clause ("latency,", "for-",
"and then...")."""
_FINISHED_MARKS = (".", "!", "?")
"""Whisper ends what it heard as a finished sentence with one of these (all 247 true turn ends
of the endpointing set did); a transcript that ends on a bare word stopped mid-clause."""


class TextCue(str, enum.Enum):
    """What the end of a segment's transcript says about the turn."""

    NONE = "none"
    """Nothing either way (or no words): the model and the silence decide."""
    DONE = "done"
    """"That's my answer": the turn is over now."""
    HOLD = "hold"
    """A trailing "so", "um", "let me think": the candidate is thinking."""
    UNFINISHED = "unfinished"
    """Cut mid-clause: a dangling article/preposition/auxiliary, a trailing comma, dash or
    ellipsis, or no closing mark at all."""
    QUESTION = "question"
    """A question to the interviewer ("What's the latency budget?"): it wants an answer."""


def text_cue(
    text: str,
    *,
    hold: Iterable[str],
    done: Iterable[str],
    dangling: Iterable[str] = (),
    punctuation: bool = True,
) -> TextCue:
    """Classify the end of ``text``. With ``punctuation`` off only the phrase lists count
    (the endpointer's behaviour before Smart Turn: done and hold phrases)."""
    if not words(text):
        return TextCue.NONE
    if ends_with_phrase(text, done):
        return TextCue.DONE
    if ends_with_phrase(text, hold):
        return TextCue.HOLD
    if not punctuation:
        return TextCue.NONE
    tail = text.rstrip().rstrip("\"')]\u201d\u2019")
    if tail.endswith("?"):
        return TextCue.QUESTION
    if tail.endswith(_UNFINISHED_MARKS) or ends_with_phrase(text, dangling):
        return TextCue.UNFINISHED
    if not tail.endswith(_FINISHED_MARKS):
        return TextCue.UNFINISHED
    return TextCue.NONE


def is_backchannel(
    text: str, backchannels: Iterable[str] | None = None, *, max_words: int = 2
) -> bool:
    """Whether ``text`` is only a listening noise ("mm-hm", "right", "okay got it"), at most
    ``max_words`` words: said over the interviewer, it should not stop the reply. An empty
    transcript (a breath, a cough the recogniser dropped) counts as one too. ``backchannels``
    defaults to the list in prompts/turns.toml."""
    if backchannels is None:
        backchannels = _phrases().backchannels
    said = words(text)
    if not said:
        return True
    if len(said) > max_words:
        return False
    known = {normalize(b) for b in backchannels}
    if " ".join(said) in known:
        return True
    # "okay right", "yeah mm": every word a backchannel on its own, or pairs like "got it".
    i = 0
    while i < len(said):
        if i + 1 < len(said) and f"{said[i]} {said[i + 1]}" in known:
            i += 2
        elif said[i] in known or is_hum(said[i]):
            i += 1
        else:
            return False
    return True


def is_hum(word: str) -> bool:
    """A closed-mouth listening noise however Whisper spells it: "mm", "hmm", "mhm", and
    "MMHM" (tiny.en's spelling of a flite "mm-hm", which no word list had)."""
    return "m" in word and set(word) <= {"m", "h"}


def invites_long_answer(question: str, short_starts: Iterable[str] | None = None) -> bool:
    """Whether the interviewer's last sentence invites a long answer with thinking pauses
    ("How would you design the feature pipeline?") rather than a word or two ("Ready?",
    "Shall we move on?"). Judged on the last sentence: it starts with one of
    ``short_starts`` (yes/no openers; default: prompts/turns.toml) or is two words or fewer,
    it is a short-answer question. The runtime passes the result to ``note_context``."""
    if short_starts is None:
        short_starts = _phrases().short_answer_openers
    spoken = sentences(question)
    if not spoken:
        return False
    sentence = spoken[-1]
    if len(words(sentence)) <= 2:
        return False
    return not starts_with_phrase(sentence, short_starts)


def _phrases() -> TurnPhrases:
    from voice_interviewer.interview.content import load_turn_phrases

    return load_turn_phrases()
