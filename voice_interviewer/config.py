"""Settings: one frozen dataclass per stage (each field documented where it is defined),
filled from a TOML file, the environment and command-line flags, in that order.

The file is ``$VOICE_INTERVIEWER_CONFIG`` or ``config.toml`` in the user data directory:

    [stt]            # voice_interviewer.stt.transcriber.TranscriberConfig
    model = "base.en"
    [tts]            # voice_interviewer.tts.synthesizer.SynthesizerConfig
    length_scale = 0.95
    [llm]            # voice_interviewer.llm.config.LLMConfig
    model = "ollama/llama3.2"
    [llm.options]
    api_base = "http://localhost:11434"
    [audio]          # voice_interviewer.runtime.loop.LoopConfig
    audio_mode = "headset"
    [audio.endpointer]
    turn_end_ms = 800
    [smart_turn]     # voice_interviewer.audio.config.SmartTurnConfig
    enabled = true
    [final_pass]     # voice_interviewer.stt.final_pass.FinalPassConfig
    enabled = true
    [devices.input]  # voice_interviewer.audio.config.DeviceConfig
    device = "USB"
    [session]        # voice_interviewer.session.store.SessionConfig
    private = true   # folders 0700, files 0600

Sections are turned into dataclasses only when a stage is built, so text mode never imports
the audio or model libraries.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import typing
from pathlib import Path
from typing import Any, TypeVar

from voice_interviewer.session.store import home

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_ENV = "VOICE_INTERVIEWER_CONFIG"
T = TypeVar("T")


class ConfigError(ValueError):
    """The config file is unreadable or names a setting that does not exist."""


def config_path() -> Path:
    override = os.environ.get(CONFIG_ENV)
    return Path(override).expanduser() if override else home() / "config.toml"


def load_settings(path: Path | None = None) -> dict[str, Any]:
    """The raw tables of the config file; empty when there is none."""
    path = path or config_path()
    if not path.is_file():
        if path != config_path() or os.environ.get(CONFIG_ENV):
            raise ConfigError(f"config file {path} not found")
        return {}
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: {e}") from e


def build(cls: type[T], table: dict[str, Any] | None, where: str, **overrides: Any) -> T:
    """A config dataclass from a TOML table; unknown keys are errors that list the known ones.
    ``overrides`` (from flags) win over the file; None values are ignored."""
    values = dict(table or {})
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(
            f"[{where}] has unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    hints = typing.get_type_hints(cls)
    for name, value in list(values.items()):
        kind = hints.get(name)
        if dataclasses.is_dataclass(kind) and isinstance(value, dict):
            values[name] = build(kind, value, f"{where}.{name}")  # type: ignore[arg-type]
        elif isinstance(value, list) and typing.get_origin(kind) is tuple:
            values[name] = tuple(value)
    try:
        return cls(**values)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"[{where}]: {e}") from e
