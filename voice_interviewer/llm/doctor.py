"""``doctor`` for the LLM: which model, its credentials (names only), and a one-token call.

``diagnose`` returns a structured report; ``format_doctor`` renders it for the console. The
CLI's ``doctor`` subcommand calls both.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass

from .config import MODEL_ENV, LLMConfig
from .models import BUNDLED_MODEL, LocalModelNotFound, bundled_smollm2_path, is_local, resolve_local
from .quality import GATE_PASS_SHARE
from .seam import LLMClient, LLMError

# The bundled model's recorded gate result (docs/llm_quality.md, scripts/llm_quality_gate.py).
BUNDLED_GATE_PASSED = 8
BUNDLED_GATE_TURNS = 26

# Variables litellm lists for a provider that have a working default.
_OPTIONAL_KEYS = {"OLLAMA_API_BASE": "defaults to http://localhost:11434"}


@dataclass(frozen=True)
class Credential:
    """One environment variable a provider reads: its name and whether it is set."""

    name: str
    present: bool
    note: str = ""


@dataclass(frozen=True)
class LLMDoctorReport:
    """What ``doctor`` found about the LLM set-up."""

    model: str
    """The configured model, or "" when the director's words are spoken."""
    speaks: str
    """Whose words the interviewer speaks: "llm" or "director"."""
    reason: str
    """Why, in a sentence."""
    credentials: tuple[Credential, ...] = ()
    local_path: str = ""
    test_ok: bool | None = None
    """The one-token call: True, False, or None when it was not made."""
    test_latency_s: float | None = None
    test_error: str = ""
    advice: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """No problem found (an unconfigured model is not a problem: it is the default)."""
        missing = any(not c.present and not c.note for c in self.credentials)
        return not missing and self.test_ok is not False


def _gate_note() -> str:
    share = BUNDLED_GATE_PASSED / BUNDLED_GATE_TURNS
    return (
        f"the bundled {BUNDLED_MODEL} passed {BUNDLED_GATE_PASSED} of {BUNDLED_GATE_TURNS} "
        f"quality-gate turns ({share:.0%}, threshold {GATE_PASS_SHARE:.0%}; see "
        f"docs/llm_quality.md)"
    )


def _credentials(config: LLMConfig) -> tuple[Credential, ...]:
    from ._litellm import import_litellm

    litellm = import_litellm()
    opts = config.options
    result = litellm.validate_environment(
        model=config.model, api_key=opts.get("api_key"), api_base=opts.get("api_base")
    )
    return tuple(
        Credential(name, False, _OPTIONAL_KEYS.get(name, ""))
        for name in result.get("missing_keys", ())
    )


def diagnose(
    config: LLMConfig, *, test_call: bool = True, timeout_s: float = 60.0
) -> LLMDoctorReport:
    """Check the configured model; with ``test_call``, time a one-token completion."""
    if not config.enabled:
        bundled = bundled_smollm2_path()
        return LLMDoctorReport(
            model="",
            speaks="director",
            reason=(
                "no model is configured, so the interviewer speaks the director's authored "
                f"words; {_gate_note()}, so it is not the default"
            ),
            local_path=str(bundled) if bundled else "",
            advice=(
                f"For natural replies configure a capable model: --model, {MODEL_ENV}, or "
                'model = "..." in the [llm] section (e.g. ollama/llama3.2, openai/gpt-4o-mini).',
            ),
        )
    advice: list[str] = []
    local_path = ""
    credentials: tuple[Credential, ...] = ()
    if is_local(config.model):
        try:
            local_path = str(resolve_local(config.model))
        except LocalModelNotFound as exc:
            return LLMDoctorReport(
                model=config.model,
                speaks="director",
                reason=str(exc),
                test_ok=False,
                test_error=str(exc),
            )
        if importlib.util.find_spec("llama_cpp") is None:
            advice.append(
                "llama-cpp-python is not installed yet: the first interview with this model "
                "installs it (compiles once, a few minutes), or: pip install 'voice-interviewer[local]'"
            )
        if config.model == BUNDLED_MODEL:
            advice.append(f"{_gate_note()}: most replies will fall back to the director's words.")
    else:
        try:
            credentials = _credentials(config)
        except ImportError:
            reason = "litellm is not installed: pip install 'voice-interviewer[llm]'"
            return LLMDoctorReport(
                model=config.model,
                speaks="director",
                reason=reason,
                test_ok=False,
                test_error=reason,
            )
        for c in credentials:
            if not c.present and not c.note:
                advice.append(f"set {c.name} in the environment (or api_key in [llm.options])")
    ok = latency = None
    error = ""
    if test_call:
        client = LLMClient(config)
        t0 = time.monotonic()
        try:
            client.complete(
                [{"role": "user", "content": "Reply with the single word: ready"}],
                max_tokens=1,
                first_token_timeout_s=timeout_s,
                token_gap_timeout_s=timeout_s,
                total_timeout_s=timeout_s,
            )
            ok, latency = True, time.monotonic() - t0
        except LLMError as exc:
            ok, error = False, str(exc)
            advice.append("the test call failed: replies will fall back to the director's words")
    missing = [c.name for c in credentials if not c.present and not c.note]
    if ok is False:
        speaks = "director"
        reason = f"the test call to {config.model} failed, so the director's words are spoken"
    elif missing:
        speaks = "director"
        reason = f"{config.model} needs {', '.join(missing)}, which is not set"
    else:
        speaks = "llm"
        reason = (
            f"{config.model} writes the replies; the director's words are spoken whenever it "
            "fails, is slow, or breaks a guardrail"
        )
    return LLMDoctorReport(
        model=config.model,
        speaks=speaks,
        reason=reason,
        credentials=credentials,
        local_path=local_path,
        test_ok=ok,
        test_latency_s=latency,
        test_error=error,
        advice=tuple(advice),
    )


def format_doctor(report: LLMDoctorReport) -> str:
    """The report as console text (names of credentials only, never their values)."""
    lines = [
        f"LLM: {report.model or '(none)'}",
        f"  speaks: {'the LLM' if report.speaks == 'llm' else 'the director'}'s words: "
        f"{report.reason}",
    ]
    if report.local_path:
        lines.append(f"  model file: {report.local_path}")
    for c in report.credentials:
        state = "set" if c.present else ("not set, " + c.note if c.note else "MISSING")
        lines.append(f"  credential {c.name}: {state}")
    if report.model and not report.credentials and not report.local_path:
        lines.append("  credentials: none missing")
    if report.test_ok is True:
        lines.append(f"  test call: ok, one token in {report.test_latency_s:.2f} s")
    elif report.test_ok is False:
        lines.append(f"  test call: FAILED: {report.test_error}")
    lines.extend(f"  note: {a}" for a in report.advice)
    return "\n".join(lines)
