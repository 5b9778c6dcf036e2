"""A scripted candidate on a virtual clock, for scenario tests of the director."""

from __future__ import annotations

from dataclasses import dataclass, field

from voice_interviewer.clock import VirtualClock
from voice_interviewer.interview.content import Content
from voice_interviewer.interview.director import Director
from voice_interviewer.messages import Move, MoveKind


@dataclass
class Scenario:
    """Drives a Director turn by turn; ``say`` advances the clock by the turn's duration."""

    content: Content
    director: Director = field(init=False)
    clock: VirtualClock = field(default_factory=VirtualClock)
    moves: list[Move] = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.director = Director(self.content, self.clock, **self.kwargs)
        self.moves.append(self.director.open())

    def say(self, text: str, seconds: float = 60.0) -> Move:
        self.clock.advance(seconds)
        move = self.director.respond(text)
        self.moves.append(move)
        return move

    def events(self, kind: str) -> list:
        return [e for e in self.director.events if e.type == kind]

    @property
    def kinds(self) -> list[MoveKind]:
        return [m.kind for m in self.moves]


SOLID_WARMUP = (
    "You collect data and clean it, build features, train a model, evaluate it offline, "
    "then deploy it and monitor it."
)
STRONG_WARMUP = (
    "First collect data and check data quality and labels, then feature engineering with a "
    "feature store, train and evaluate offline, deploy with real time serving, monitor for "
    "data drift and retrain. Things usually go wrong with training serving skew, because the "
    "online features are computed by different code than the batch ones, so the model sees "
    "values in production it never saw in training."
)
# Every stage and a failure mode, named without a word of explanation: solid at most.
BARE_LIST_WARMUP = (
    "First collect data and check data quality and labels, then feature engineering with a "
    "feature store, train and evaluate offline, deploy with real time serving, monitor for "
    "data drift and retrain. Things usually go wrong with training serving skew."
)
POOR_WARMUP = "I'm not sure, you train a model I guess."
