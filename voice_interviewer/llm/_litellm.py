"""The one place litellm is imported, lazily and without network access.

Importing litellm takes 2-4 s on a small CPU, so text mode and ``--help`` never import it;
the renderer imports it in ``prewarm`` at start-up. Unless told otherwise litellm downloads
a model-cost map from the internet at import, which an offline interview must not do.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

_lock = threading.Lock()
_module: Any = None


def import_litellm() -> Any:
    """litellm, imported once with the local cost map and its console chatter off."""
    global _module
    with _lock:
        if _module is None:
            # Before the import: litellm reads it at import time.
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            import litellm

            # litellm logs every call at INFO; the seam logs what matters (failures, retries).
            logging.getLogger("LiteLLM").setLevel(logging.WARNING)
            # Its "Give Feedback / Get Help" banner goes to stdout, which is the
            # interview's console; failures are reported by the seam instead.
            litellm.suppress_debug_info = True
            litellm.telemetry = False
            _module = litellm
        return _module


def register_provider(name: str, handler: object) -> None:
    """Register ``handler`` (a ``litellm.CustomLLM``) for models named ``<name>/...``.

    This is litellm's own custom-provider mechanism (``litellm.custom_provider_map``); a
    second registration under the same name replaces the first.
    """
    litellm = import_litellm()
    with _lock:
        entries = [e for e in litellm.custom_provider_map if e["provider"] != name]
        entries.append({"provider": name, "custom_handler": handler})
        litellm.custom_provider_map = entries


def stream_chunk(text: str = "", finish_reason: str | None = None) -> dict[str, Any]:
    """One item of a ``CustomLLM.streaming`` reply (litellm's GenericStreamingChunk); the
    last one has a ``finish_reason``."""
    return {
        "text": text,
        "is_finished": finish_reason is not None,
        "finish_reason": finish_reason or "",
        "usage": None,
        "index": 0,
    }
