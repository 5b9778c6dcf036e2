"""Builders for the LLM tests: configs for the scripted model and hand-built moves.

(A module of its own rather than conftest.py, so that importing it by name cannot pick up
another directory's conftest.)
"""

from __future__ import annotations

from typing import Any

from voice_interviewer.llm.config import LLMConfig
from voice_interviewer.llm.renderer import LLMRenderer
from voice_interviewer.llm.seam import LLMClient
from voice_interviewer.messages import InterviewSnapshot, Move, MoveKind

PROBLEM = "E-commerce recommendation system"
PROBLEM_Q = (
    "Design a recommendation system for an e-commerce platform serving 50 million daily "
    "active users."
)


def config(**overrides: Any) -> LLMConfig:
    """A config for the scripted model with short budgets, so failure tests run fast."""
    values: dict[str, Any] = {
        "model": "scripted/test",
        "first_token_timeout_s": 1.0,
        "token_gap_timeout_s": 0.5,
        "reply_timeout_s": 5.0,
        "retry_backoff_s": 0.01,
    }
    values.update(overrides)
    return LLMConfig(**values)


def snapshot(**overrides: Any) -> InterviewSnapshot:
    values: dict[str, Any] = {
        "phase": "requirements",
        "phase_title": "Requirements & Scope",
        "minutes_left_in_phase": 7.0,
        "problem_title": PROBLEM,
        "problem_question": PROBLEM_Q,
        "problem_id": "recommendation",
        "gaps": ("how success is measured",),
        "hint_level_earned": 0,
        "difficulty": "medium",
    }
    values.update(overrides)
    return InterviewSnapshot(**values)


def move(
    kind: MoveKind = MoveKind.FOLLOW_UP,
    text: str = "Okay. What data sources do we have to work with?",
    question: str = "What data sources do we have to work with?",
    **overrides: Any,
) -> Move:
    values: dict[str, Any] = {"phase": "requirements", "turn": 3, "snapshot": snapshot()}
    values.update(overrides)
    return Move(kind=kind, text=text, question=question, **values)


def renderer(**overrides: Any) -> LLMRenderer:
    """An LLM renderer over the scripted model, with the repository's prompts."""
    return LLMRenderer.from_config(config(**overrides))


def client(**overrides: Any) -> LLMClient:
    return LLMClient(config(**overrides))
