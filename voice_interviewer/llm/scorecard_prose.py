"""Scorecard prose by the LLM: justifications, strengths and improvements in its words.

The ratings are the director's and stay so: the model sees them as facts, anything it says
about ratings is ignored, and prose that claims a level above the director's rating, or
praises a concept the candidate never covered, is rejected. On any failure or broken rule
the director's scorecard is returned unchanged.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

from ..interview.scorecard_types import AreaRating, Scorecard
from .guardrails import has_markdown, words
from .seam import LLMClient, LLMError

log = logging.getLogger(__name__)

LEVELS = ("novice", "intermediate", "expert")
MAX_JUSTIFICATION_WORDS = 80
MAX_ITEM_WORDS = 45
MAX_ITEMS = 5

INSTRUCTIONS = """\
You are writing the prose of a mock interview's scorecard, addressed to the candidate as \
"you". The ratings are final and are not yours to change. For each area write a two or \
three sentence justification of its rating that rests only on the evidence quoted and the \
concepts listed as covered or missing; then strengths and improvements, one plain sentence \
each. Never call an area stronger than its rating, and never praise a missing concept. \
Answer with JSON only, no markdown, in exactly this shape: \
{"areas": {"<area id>": "<justification>", ...}, "strengths": ["..."], "improvements": ["..."]}"""


class ProseRejected(ValueError):
    """The model's prose broke a rule or was not the JSON asked for."""


def _facts(card: Scorecard) -> dict[str, Any]:
    return {
        "areas": [
            {
                "id": a.area,
                "title": a.title,
                "rating": a.rating,
                "lowered_by_hints": a.lowered_by_hints,
                "covered": list(a.covered),
                "missing": list(a.missing),
                "evidence": [e.quote for e in a.evidence][:4],
                "director_justification": a.justification,
            }
            for a in card.areas
        ],
        "director_strengths": list(card.strengths),
        "director_improvements": list(card.improvements),
        "hint_rule": card.hint_rule,
    }


def prose_messages(card: Scorecard, persona: str = "") -> list[dict[str, str]]:
    """The prompt: persona, the rules, and the scorecard's facts as JSON."""
    system = f"{persona.strip()}\n\n{INSTRUCTIONS}" if persona else INSTRUCTIONS
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": json.dumps(_facts(card), indent=1)},
    ]


def _json_object(text: str) -> dict[str, Any]:
    # Models wrap JSON in prose or code fences; take the outermost object.
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ProseRejected("no JSON object in the reply")
    try:
        data = json.loads(text[start : end + 1])
    except json.JSONDecodeError as exc:
        raise ProseRejected(f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ProseRejected("the reply is not a JSON object")
    return data


def _sentence_ok(text: object, max_words: int) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ProseRejected("empty or non-text prose")
    text = " ".join(text.split())
    if has_markdown(text):
        raise ProseRejected(f"markdown in prose: {text[:60]}")
    if len(words(text)) > max_words:
        raise ProseRejected(f"prose too long ({len(words(text))} words)")
    return text


def _claims_higher_level(text: str, rating: str) -> str | None:
    have = rating.strip().lower()
    if have not in LEVELS:
        return None
    said = set(words(text))
    for level in LEVELS[LEVELS.index(have) + 1 :]:
        if level in said:
            return level
    return None


def _mentions(text: str, label: str) -> bool:
    wanted = " ".join(words(label))
    return bool(wanted) and f" {wanted} " in f" {' '.join(words(text))} "


def apply_prose(card: Scorecard, data: dict[str, Any], *, prose_by: str) -> Scorecard:
    """A copy of ``card`` with the model's prose, after checking every rule."""
    justifications = data.get("areas")
    if not isinstance(justifications, dict):
        raise ProseRejected("'areas' is missing or not an object")
    areas: list[AreaRating] = []
    for area in card.areas:
        text = _sentence_ok(justifications.get(area.area), MAX_JUSTIFICATION_WORDS)
        higher = _claims_higher_level(text, area.rating)
        if higher:
            raise ProseRejected(f"{area.area} is {area.rating} but the prose says {higher}")
        # Only the justification changes: the rating, evidence and concepts are the director's.
        areas.append(replace(area, justification=text))
    lists: dict[str, tuple[str, ...]] = {}
    for key, director in (("strengths", card.strengths), ("improvements", card.improvements)):
        items = data.get(key)
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise ProseRejected(f"'{key}' must be a list of at most {MAX_ITEMS} sentences")
        if director and not items:
            raise ProseRejected(f"'{key}' is empty")
        lists[key] = tuple(_sentence_ok(item, MAX_ITEM_WORDS) for item in items)
    missing = {label for a in card.areas for label in a.missing}
    for strength in lists["strengths"]:
        for label in missing:
            if _mentions(strength, label):
                raise ProseRejected(f"a strength praises '{label}', which was never covered")
        for area in card.areas:
            higher = (
                _claims_higher_level(strength, area.rating)
                if _mentions(strength, area.title)
                else None
            )
            if higher:
                raise ProseRejected(f"a strength calls {area.title} {higher}")
    return replace(
        card,
        areas=tuple(areas),
        strengths=lists["strengths"],
        improvements=lists["improvements"],
        prose_by=prose_by,
    )


def write_scorecard_prose(
    card: Scorecard,
    client: LLMClient,
    *,
    persona: str = "",
    timeout_s: float | None = None,
) -> Scorecard:
    """The scorecard with the LLM's prose, or ``card`` itself on any failure."""
    budget = client.config.prose_timeout_s if timeout_s is None else timeout_s
    try:
        reply = client.complete(
            prose_messages(card, persona),
            max_tokens=1200,
            temperature=0.3,
            first_token_timeout_s=budget,
            token_gap_timeout_s=budget,
            total_timeout_s=budget,
        )
        return apply_prose(card, _json_object(reply), prose_by=client.model)
    except LLMError as exc:
        log.warning("scorecard prose: the LLM failed, keeping the director's words: %s", exc)
    except ProseRejected as exc:
        log.warning("scorecard prose rejected, keeping the director's words: %s", exc)
    return card


def scorecard_prose_for(renderer: object, card: Scorecard) -> Scorecard:
    """The LLM's prose when the interview's renderer has an LLM; the director's otherwise."""
    client = getattr(renderer, "client", None)
    if not isinstance(client, LLMClient):
        return card
    return write_scorecard_prose(card, client)


__all__ = [
    "ProseRejected",
    "apply_prose",
    "prose_messages",
    "scorecard_prose_for",
    "write_scorecard_prose",
]
