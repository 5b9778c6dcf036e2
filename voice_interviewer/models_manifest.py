"""The supply chain of the default models: ``models/manifest.toml`` lists every model file
the program uses by default (package, version, path inside the package, size, SHA-256,
licence, origin) and ``doctor`` checks the installed files against it.

The manifest lives at the top of the repository (``models/manifest.toml``) and ships inside
the package as ``voice_interviewer/model_manifest.toml``, a symbolic link to it that the
wheel build resolves into a copy, so an installed wheel checks the same list.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MANIFEST = Path(__file__).with_name("model_manifest.toml")


@dataclass(frozen=True)
class ModelFile:
    """One file of a model, at ``path`` inside its package's installation."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ModelEntry:
    """One default model and where it comes from."""

    name: str
    role: str
    package: str
    version: str
    licence: str
    origin: str
    required: bool
    files: tuple[ModelFile, ...]


@dataclass(frozen=True)
class ModelCheck:
    """The installed files of one model against the manifest; ``problems`` names each
    mismatch (empty when ``ok``)."""

    entry: ModelEntry
    installed_version: str | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.installed_version is not None and not self.problems


Locate = Callable[[str, str], Path]
"""(package, path inside it) -> where the file is on this machine."""


def load_manifest(path: Path = MANIFEST) -> list[ModelEntry]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    return [
        ModelEntry(
            name=m["name"],
            role=m["role"],
            package=m["package"],
            version=m["version"],
            licence=m["licence"],
            origin=m["origin"],
            required=bool(m.get("required", True)),
            files=tuple(ModelFile(f["path"], int(f["size"]), f["sha256"]) for f in m["files"]),
        )
        for m in data["model"]
    ]


def installed_file(package: str, path: str) -> Path:
    """Where ``path`` of the installed distribution ``package`` lies (for a wheel install:
    under site-packages)."""
    return Path(str(importlib.metadata.distribution(package).locate_file(path)))


def check_models(
    entries: list[ModelEntry] | None = None, locate: Locate | None = None
) -> list[ModelCheck]:
    """Size and SHA-256 of every manifest file as installed (``locate``: where each file is,
    by default in the installed distribution); a package that is not installed is one
    problem, which an optional model's caller may accept."""
    locate = locate or installed_file
    checks = []
    for entry in load_manifest() if entries is None else entries:
        try:
            version: str | None = importlib.metadata.version(entry.package)
        except importlib.metadata.PackageNotFoundError:
            checks.append(ModelCheck(entry, None, (f"{entry.package} is not installed",)))
            continue
        problems = []
        if version != entry.version:
            problems.append(f"{entry.package} is {version}, the manifest lists {entry.version}")
        for file in entry.files:
            problems.extend(_check_file(locate(entry.package, file.path), file))
        checks.append(ModelCheck(entry, version, tuple(problems)))
    return checks


def _check_file(path: Path, expected: ModelFile) -> list[str]:
    if not path.is_file():
        return [f"{expected.path} is missing ({path})"]
    size = path.stat().st_size
    if size != expected.size:
        return [f"{expected.path} is {size} bytes, the manifest says {expected.size} ({path})"]
    digest = sha256_of(path)
    if digest != expected.sha256:
        return [
            f"{expected.path} has SHA-256 {digest}, the manifest says {expected.sha256} ({path})"
        ]
    return []


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def format_model_checks(checks: list[ModelCheck]) -> str:
    """The doctor's lines: one per model, each mismatch named under it."""
    lines = ["Models (checked against models/manifest.toml):"]
    for c in checks:
        e = c.entry
        if c.ok:
            lines.append(f"  ok        {e.name} ({e.package} {e.version}, {len(e.files)} file(s))")
        elif c.installed_version is None:
            label = "missing  " if e.required else "optional "
            lines.append(f"  {label} {e.name}: {e.package} is not installed")
        else:
            lines.append(f"  MISMATCH  {e.name} ({e.package} {c.installed_version}):")
            lines.extend(f"            {p}" for p in c.problems)
    if any(not c.ok and c.installed_version is not None for c in checks):
        lines.append(
            "  A model file differs from the one this version was tested with: reinstall the "
            "package named above (scripts/setup.sh), or check where it came from."
        )
    return "\n".join(lines)
