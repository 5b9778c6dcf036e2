"""Fixtures for the LLM tests: a scripted model registered with litellm."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from voice_interviewer.llm.scripted import install_scripted


@pytest.fixture
def fake_llm() -> Iterator[Any]:
    """A fresh scripted model registered with litellm as ``scripted/...``."""
    fake = install_scripted()
    yield fake
