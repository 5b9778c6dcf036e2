"""The journal's catalogue: one frozen dataclass per kind of line in ``journal.jsonl``.

Every line is a JSON object whose ``type`` names the class below (``TYPE``); the other keys are
the class's fields. ``Journal.append`` writes only these classes and ``read_journal`` returns
only these classes, so every reader (resume, export, ``sessions``, ``progress``, the bench)
sees the same typed events. docs/sessions.md lists them for people.

Schema versions (the header's ``schema``): 1 (before reopening existed) and 2 (adds
``reopened``). Lines are never renamed, so a version-1 journal reads as it always did; a line
type this version does not know is kept as ``UnknownLine`` and ignored, not an error.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any, ClassVar

SCHEMA_VERSION = 2
"""The journal format this version writes (the header's ``schema``)."""

WordTiming = tuple[str, float, float]
"""One recognised word: (text, start, end) on the session clock."""


@dataclass(frozen=True)
class SessionHeader:
    """The first line: who wrote the session and how it was started (``SessionOptions``)."""

    TYPE: ClassVar[str] = "session"
    session_id: str
    created: str
    options: dict[str, Any]
    version: str = ""
    schema: int = 1


@dataclass(frozen=True)
class TurnLine:
    """One side's words. A voice candidate turn carries its endpoint times and word timings."""

    TYPE: ClassVar[str] = "turn"
    index: int
    speaker: str
    text: str
    phase: str
    t: float
    t_speech_end: float | None = None
    t_endpoint: float | None = None
    words: tuple[WordTiming, ...] = ()
    raw: str | None = None
    """The text as received, escaped, when control or escape sequences had to be taken out
    of ``text``; None when ``text`` is what was received."""


@dataclass(frozen=True)
class DirectorEvent:
    """Something the director noted for the scorecard and the export: a hint, probe,
    pushback, command, problem, ... (``kind`` is the director's event type)."""

    TYPE: ClassVar[str] = "event"
    kind: str
    turn: int
    detail: str
    data: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class StateLine:
    """Where the interview stood after a turn (the last one wins)."""

    TYPE: ClassVar[str] = "state"
    phase: str
    elapsed: float
    problem: str | None = None
    difficulty: str | None = None
    hint_level: int = 0
    paused: bool = False
    phases: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ScorecardLine:
    """The scorecard as ``Scorecard.to_dict()``; a later one replaces an earlier one."""

    TYPE: ClassVar[str] = "scorecard"
    scorecard: dict[str, Any]


@dataclass(frozen=True)
class EndLine:
    """The interview ended (after its scorecard line)."""

    TYPE: ClassVar[str] = "end"
    t: float


@dataclass(frozen=True)
class ReopenedLine:
    """An ended interview was continued after all (``--resume``); the turns after it count."""

    TYPE: ClassVar[str] = "reopened"
    t: float


@dataclass(frozen=True)
class ResumedLine:
    """The session was resumed after a crash or a stop; the interviewer said "welcome back"."""

    TYPE: ClassVar[str] = "resumed"
    t: float


@dataclass(frozen=True)
class ReviseLine:
    """The accurate final transcript of candidate turn ``turn`` replaces its fast one."""

    TYPE: ClassVar[str] = "revise"
    turn: int
    text: str


@dataclass(frozen=True)
class SaidLine:
    """What the candidate heard of interviewer turn ``turn`` (a barge-in may cut it short,
    an LLM may have rephrased the authored words)."""

    TYPE: ClassVar[str] = "said"
    turn: int | None
    text: str
    full_text: str = ""
    interrupted: bool = False


@dataclass(frozen=True)
class TimingLine:
    """The runtime's timestamps for the reply to interviewer turn ``turn`` (DESIGN.md
    "Latency"): times on the session clock, durations in seconds."""

    TYPE: ClassVar[str] = "timing"
    turn: int
    t_speech_end: float | None = None
    t_endpoint: float | None = None
    stt_last_segment_s: float | None = None
    t_move: float | None = None
    t_first_text: float | None = None
    t_first_clause: float | None = None
    tts_first_chunk_s: float | None = None
    t_first_audio: float | None = None
    response_latency: float | None = None
    voice_to_voice: float | None = None
    authored: bool | None = None
    speculative: bool = False


@dataclass(frozen=True)
class RecordingLine:
    """A recording file of the session (relative ``path``); sample k is at ``t0 + k / rate``."""

    TYPE: ClassVar[str] = "recording"
    path: str
    t0: float
    rate: int = 16_000
    channels: tuple[str, ...] = ("candidate", "interviewer")


@dataclass(frozen=True)
class DeviceLostLine:
    """The audio device went away mid-interview; the session stopped there."""

    TYPE: ClassVar[str] = "device_lost"
    message: str


@dataclass(frozen=True)
class UnheardLine:
    """Candidate speech that did not become part of a turn, and why (issue 11: nothing the
    candidate says is lost without a trace). Times on the session clock; ``reason`` is one of
    ``runtime/unheard.py``'s (``no_words``, ``over_interviewer``, ``backchannel``,
    ``after_end``, ``unresolved``), ``why`` the same for people."""

    TYPE: ClassVar[str] = "unheard"
    t_start: float
    t_end: float
    reason: str
    why: str = ""
    text: str = ""
    level_dbfs: float | None = None
    too_quiet: bool | None = None


@dataclass(frozen=True)
class UnknownLine:
    """A line of a type this version does not know (a newer writer); kept, never used."""

    type: str
    fields: dict[str, Any]


JournalEvent = (
    SessionHeader
    | TurnLine
    | DirectorEvent
    | StateLine
    | ScorecardLine
    | EndLine
    | ReopenedLine
    | ResumedLine
    | ReviseLine
    | SaidLine
    | TimingLine
    | RecordingLine
    | DeviceLostLine
    | UnheardLine
    | UnknownLine
)

CATALOGUE: dict[str, type[Any]] = {
    cls.TYPE: cls
    for cls in (
        SessionHeader,
        TurnLine,
        DirectorEvent,
        StateLine,
        ScorecardLine,
        EndLine,
        ReopenedLine,
        ResumedLine,
        ReviseLine,
        SaidLine,
        TimingLine,
        RecordingLine,
        DeviceLostLine,
        UnheardLine,
    )
}


class BadLine(ValueError):
    """A JSON object that is not a valid line of its type (the message says why)."""


def encode(event: JournalEvent) -> dict[str, Any]:
    """The JSON object for one line."""
    if isinstance(event, UnknownLine):
        return {"type": event.type, **event.fields}
    return {"type": event.TYPE, **dataclasses.asdict(event)}


def decode(obj: object) -> JournalEvent:
    """The event for one parsed line; ``BadLine`` when it is not one. Keys a class does not
    know are ignored (an older reader of a newer line)."""
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        raise BadLine("not a journal event (no 'type')")
    cls = CATALOGUE.get(obj["type"])
    if cls is None:
        return UnknownLine(obj["type"], {k: v for k, v in obj.items() if k != "type"})
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values = {k: v for k, v in obj.items() if k in fields}
    missing = [
        name
        for name, f in fields.items()
        if name not in values
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise BadLine(f"a {obj['type']!r} line without {', '.join(missing)}")
    try:
        return cls(**_typed(cls, values))
    except (TypeError, ValueError) as e:
        raise BadLine(f"a {obj['type']!r} line with a bad value: {e}") from e


def _typed(cls: type[Any], values: dict[str, Any]) -> dict[str, Any]:
    """JSON lists back to the tuples the frozen classes hold; every value checked against its
    field's type, so a line of the wrong shape is reported here and never reaches a reader."""
    out = dict(values)
    for name in _TUPLE_FIELDS.get(cls, ()):
        if isinstance(out.get(name), list):
            out[name] = tuple(tuple(v) if isinstance(v, list) else v for v in out[name])
    if cls is SaidLine:
        out["full_text"] = out.get("full_text") or out.get("text", "")
    checks = _checks(cls)
    for name, value in out.items():
        if not checks[name](value):
            raise ValueError(f"{name}={value!r}")
    if cls is StateLine:
        for span in out.get("phases", ()):
            if not isinstance(span.get("phase"), str) or not _NUMBER(span.get("started_at")):
                raise ValueError(f"phases={out['phases']!r}")
    return out


_TUPLE_FIELDS: dict[type[Any], tuple[str, ...]] = {
    TurnLine: ("words",),
    StateLine: ("phases",),
    RecordingLine: ("channels",),
}

Check = typing.Callable[[Any], bool]
_CHECKS: dict[type[Any], dict[str, Check]] = {}


def _checks(cls: type[Any]) -> dict[str, Check]:
    """One compiled type check per field of ``cls`` (made once: a long journal has tens of
    thousands of lines and a voice turn hundreds of word timings)."""
    if cls not in _CHECKS:
        _CHECKS[cls] = {name: _check(hint) for name, hint in typing.get_type_hints(cls).items()}
    return _CHECKS[cls]


def _NUMBER(value: Any) -> bool:  # noqa: N802 - a check, named like the others' types
    return type(value) in (int, float)  # an int is a float; a bool is neither


def _check(hint: Any) -> Check:
    """A predicate for JSON values of type ``hint``."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return lambda v: True
    if hint is type(None):
        return lambda v: v is None
    if origin in (typing.Union, types.UnionType):
        options = [_check(a) for a in args]
        return lambda v: any(c(v) for c in options)
    if hint is float:
        return _NUMBER
    if hint in (int, str, bool):
        return lambda v: type(v) is hint
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _check(args[0])
        return lambda v: type(v) is tuple and all(map(item, v))
    if origin is tuple:
        items = [_check(a) for a in args]
        return lambda v: (
            type(v) is tuple
            and len(v) == len(items)
            and all(c(x) for c, x in zip(items, v, strict=True))
        )
    if origin is dict or hint is dict:
        return lambda v: isinstance(v, dict)
    return lambda v: True  # ClassVar and the like: not a field of a line
