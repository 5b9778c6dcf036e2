"""The scorecard's shape, shared by the director (which fills it), the LLM prose writer
(which may rewrite its words but never its ratings) and the exporters."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """A candidate's words behind a rating: the turn index and the quoted sentence."""

    turn: int
    quote: str
    concept: str = ""
    t: float | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> Evidence:
        return self  # immutable: shared by forks of the interview state


@dataclass(frozen=True)
class AreaRating:
    """One rubric area: the rating, why, and the quotes it rests on."""

    area: str
    title: str
    rating: str
    justification: str
    evidence: tuple[Evidence, ...] = ()
    lowered_by_hints: bool = False
    covered: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scorecard:
    """The end-of-interview scorecard (the seed's "Scorecard Generation")."""

    areas: tuple[AreaRating, ...]
    strengths: tuple[str, ...]
    improvements: tuple[str, ...]
    resources: tuple[str, ...]
    hint_rule: str = ""
    prose_by: str = "director"
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scorecard:
        areas = tuple(
            AreaRating(
                **{
                    **a,
                    "evidence": tuple(Evidence(**e) for e in a.get("evidence", ())),
                    "covered": tuple(a.get("covered", ())),
                    "missing": tuple(a.get("missing", ())),
                }
            )
            for a in data["areas"]
        )
        return cls(
            areas=areas,
            strengths=tuple(data["strengths"]),
            improvements=tuple(data["improvements"]),
            resources=tuple(data["resources"]),
            hint_rule=data.get("hint_rule", ""),
            prose_by=data.get("prose_by", "director"),
            extra=dict(data.get("extra", {})),
        )
