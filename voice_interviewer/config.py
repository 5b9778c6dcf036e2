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

import collections.abc
import dataclasses
import importlib
import os
import sys
import types
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
    """The tables of the config file, checked (see ``check_settings``); empty when there is
    none. Every mode (text, voice, doctor) reads it here, so every mode applies one rule."""
    path = path or config_path()
    if not path.is_file():
        if path != config_path() or os.environ.get(CONFIG_ENV):
            raise ConfigError(f"config file {path} not found")
        return {}
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"cannot read the config file {path}: {e.strerror}") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ConfigError(
            f"{path} is not UTF-8 text (byte 0x{raw[e.start]:02x} on line {line}); "
            "save it as UTF-8 and try again"
        ) from e
    try:
        settings = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: {e}") from e
    check_settings(settings, path)
    return settings


SECTIONS: dict[str, tuple[str, str]] = {
    "stt": ("voice_interviewer.stt.transcriber", "TranscriberConfig"),
    "tts": ("voice_interviewer.tts.synthesizer", "SynthesizerConfig"),
    "audio": ("voice_interviewer.runtime.config", "LoopConfig"),
    "devices.input": ("voice_interviewer.audio.config", "DeviceConfig"),
    "devices.output": ("voice_interviewer.audio.config", "DeviceConfig"),
    "smart_turn": ("voice_interviewer.audio.config", "SmartTurnConfig"),
    "final_pass": ("voice_interviewer.stt.final_pass", "FinalPassConfig"),
    "session": ("voice_interviewer.session.store", "SessionConfig"),
}
"""The config file's sections and the dataclass each one fills ([llm] is checked by
``llm_config_from``, which knows about its options table)."""


def check_settings(settings: dict[str, Any], path: Path | str = "config file") -> None:
    """Every section known, every setting known and of the right type, checked the same way
    in every mode, so a typo never waits for the first voice interview to surface.
    Names and types are checked here, and what each config class checks of its values."""
    tops = {name.split(".")[0] for name in [*SECTIONS, "llm"]}
    for name, value in settings.items():
        if name not in tops:
            raise ConfigError(_unknown_section(path, name))
        if not isinstance(value, dict):
            raise ConfigError(
                f"{path}: {name} must be a [{name}] table, not the {_kind(value)} {value!r}"
            )
    for name, value in settings.get("devices", {}).items():
        if f"devices.{name}" not in SECTIONS or not isinstance(value, dict):
            raise ConfigError(
                f"{path}: [devices.{name}] is not a section; use [devices.input] and "
                "[devices.output]"
            )
    if "llm" in settings:
        from voice_interviewer.llm.config import llm_config_from

        try:
            llm_config_from(settings["llm"], env={})
        except ValueError as e:
            raise ConfigError(f"{path}: {e}") from e
    for name, (module, cls_name) in SECTIONS.items():
        top, _, sub = name.partition(".")
        table = settings.get(top, {})
        table = table.get(sub) if sub else table
        if table is None:
            continue
        try:
            cls = getattr(importlib.import_module(module), cls_name)
        except ImportError:
            continue  # the voice extra is missing; the voice commands say so when used
        try:
            build(cls, table, name)
        except ConfigError as e:
            raise ConfigError(f"{path}: {e}") from e


def _unknown_section(path: Path | str, name: str) -> str:
    known = ", ".join(f"[{s}]" for s in ["llm", *SECTIONS])
    owners = [s for s in ["llm", *SECTIONS] if name in _section_fields(s)]
    hint = f" (did you mean {name} under [{owners[0]}]?)" if owners else ""
    return f"{path}: unknown setting {name!r} at the top level{hint}; the sections are {known}"


def _section_fields(section: str) -> set[str]:
    module, cls_name = SECTIONS.get(section, ("voice_interviewer.llm.config", "LLMConfig"))
    try:
        cls = getattr(importlib.import_module(module), cls_name)
    except ImportError:
        return set()
    return {f.name for f in dataclasses.fields(cls)}


def _kind(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list"}
    return names.get(type(value), type(value).__name__)


def check_types(cls: type, values: dict[str, Any], where: str) -> None:
    """A ``ConfigError`` naming the first setting whose value does not fit its field's type
    (``model = 42`` where a string is wanted): caught here, not as a traceback deep in a stage."""
    hints = typing.get_type_hints(cls)
    for name, value in values.items():
        hint = hints.get(name)
        if hint is not None and not _fits(value, hint):
            raise ConfigError(
                f"[{where}] {name} must be {_describe(hint)}, not the {_kind(value)} {value!r}"
            )


def _fits(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return True
    if hint is type(None):
        return value is None
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, a) for a in args)
    if origin is typing.Literal:
        return value in args
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            return False
        if not args:
            return True
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_fits(v, args[0]) for v in value)
        return len(value) == len(args) and all(
            _fits(v, t) for v, t in zip(value, args, strict=True)
        )
    if origin in (dict, collections.abc.Mapping) or hint in (dict, collections.abc.Mapping):
        return isinstance(value, dict)
    if dataclasses.is_dataclass(hint):
        return isinstance(value, dict)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str or hint is Path:
        return isinstance(value, str)
    return True  # a type the file cannot spell: left to the stage to check


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in args)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin is tuple:
        return f"a list of {_describe(args[0])} values" if args else "a list"
    if hint is type(None):
        return "left out"
    if dataclasses.is_dataclass(hint) or origin in (dict, collections.abc.Mapping):
        return "a table"
    names = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}
    return names.get(hint, getattr(hint, "__name__", str(hint)))


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
    check_types(cls, values, where)
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
