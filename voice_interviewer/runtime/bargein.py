"""Barge-in (headset mode): the candidate speaks over the interviewer.

Playback stops at the speech onset (``hold``). Once the segment is transcribed, a backchannel
("mm-hm", "right") or a sound too short to be speech lets the reply go on from the sample where
it stopped; anything else cancels the reply (its generation is bumped, so every stage drops its
remaining work) and the candidate's words become the next turn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voice_interviewer.audio.turn_text import is_backchannel
from voice_interviewer.runtime.generation import Generation
from voice_interviewer.runtime.player import Heard, Player
from voice_interviewer.text import words as text_words


class BargeIn:
    """The hold / release / cancel decisions; called from the listen and STT threads."""

    def __init__(
        self,
        player: Player,
        generation: Generation,
        on_cancel: Callable[[Heard | None], None],
        emit: Callable[[str, dict[str, Any]], None],
        max_words: int,
    ) -> None:
        self._player = player
        self._generation = generation
        self._on_cancel = on_cancel
        self._emit = emit
        self._max_words = max_words
        self.holding: int | None = None
        """The generation whose playback is held by a speech onset, if any."""
        self._segment_sent = False  # a segment of the sound that held playback went to STT
        self._said: list[str] = []  # the transcripts of the sound that held playback
        self.backchannel_turn = False
        """The turn so far is a backchannel the reply went on over (not a turn to answer)."""

    def onset(self, t: float) -> None:
        """Speech started while the interviewer speaks: stop the sound now."""
        if self.holding == self._generation.current:
            return  # already held for this sound
        if self.holding is None:
            self._segment_sent = False
            self._said = []
        self.holding = self._generation.current
        self._player.hold()
        self._emit("barge_in_onset", {"t": t})

    def segment_sent(self) -> None:
        if self.holding is not None:
            self._segment_sent = True

    def release_if_unheard(self, in_speech: bool) -> None:
        """The sound that held playback ended too short to be a segment (a cough, a click):
        no transcript will come to resolve the hold, so carry on at once."""
        if self.holding is not None and not self._segment_sent and not in_speech:
            self.holding = None
            self._player.release()
            self._emit("backchannel", {"text": ""})

    def words_after_release(self) -> None:
        """The candidate said more after the reply went on: it is a real turn after all."""
        if self.holding is None:
            self.backchannel_turn = False

    def take_backchannel_turn(self) -> bool:
        was, self.backchannel_turn = self.backchannel_turn, False
        return was

    def resolve(self, said: str, over_reply: bool = False) -> list[str]:
        """After a segment of the held sound is transcribed (``said``: its transcript): go on
        (a backchannel) or cancel the reply. Judged on the held sound's own words only, not on
        the turn's earlier ones: three backchannels in one turn are still three backchannels.
        ``over_reply``: the segment was spoken over the reply that is still playing, though no
        hold is open for it (it came while an earlier sound's hold was being resolved); it is
        judged the same way on its own words. Returns the sound's transcripts when it was a
        backchannel (they are not part of the candidate's turn), else an empty list."""
        if self.holding is None:
            if not (over_reply and text_words(said)):
                return []
            if is_backchannel(said, max_words=self._max_words):
                self.backchannel_turn = True
                self._emit("backchannel", {"text": " ".join(text_words(said))})
                return [said]
            self._cancel(self._generation.current)
            return []
        self._said.append(said)
        heard = " ".join(t for t in self._said if t)
        words = text_words(heard)
        # The listening noises ("mm-hm", "right", "okay") are data: prompts/turns.toml.
        if is_backchannel(heard, max_words=self._max_words):
            self.holding = None
            self.backchannel_turn = True
            self._player.release()
            self._emit("backchannel", {"text": " ".join(words)})
            taken, self._said = self._said, []
            return taken
        held, self.holding = self.holding, None
        self._said = []
        self._cancel(held)
        return []

    def _cancel(self, held: int) -> None:
        """A real interruption: drop the reply of generation ``held`` if it is still current."""
        self.backchannel_turn = False
        if self._generation.is_current(held):
            self._generation.bump()
            heard = self._player.cancel()
            self._on_cancel(heard)
            self._emit("barge_in", {"heard": heard.text if heard else ""})
