"""The LLM renderer: the director's moves in natural words, behind one litellm seam.

Nothing here imports litellm until a model is used (``prewarm``), so text mode and ``--help``
stay fast. See DESIGN.md, "director + renderer".
"""

from __future__ import annotations

from .config import LLMConfig, llm_config_from
from .doctor import LLMDoctorReport, diagnose, format_doctor
from .renderer import AuthoredRenderer, LLMRenderer, Renderer, RenderStats, make_renderer
from .scorecard_prose import write_scorecard_prose
from .seam import LLMClient, LLMError, LLMRequestError, LLMTimeout, LLMUnavailable, TextStream

__all__ = [
    "AuthoredRenderer",
    "LLMClient",
    "LLMConfig",
    "LLMDoctorReport",
    "LLMError",
    "LLMRenderer",
    "LLMRequestError",
    "LLMTimeout",
    "LLMUnavailable",
    "RenderStats",
    "Renderer",
    "TextStream",
    "diagnose",
    "format_doctor",
    "llm_config_from",
    "make_renderer",
    "write_scorecard_prose",
]
