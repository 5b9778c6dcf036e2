"""In-process GGUF models as a litellm custom provider: ``local/<alias or path.gguf>``.

Registered through litellm's own ``custom_provider_map`` (see ``seam.LLMClient.load``), so a
local model goes through exactly the same seam, streaming and error handling as a hosted one.
llama-cpp-python does the work; it reuses its KV cache for the longest prompt prefix shared
with the previous call, which is why the renderer keeps its prompt append-only.

This module imports litellm at import time (it subclasses ``CustomLLM``); import it only
through ``seam``, after ``_litellm.import_litellm`` has set up the offline cost map.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._litellm import import_litellm, stream_chunk
from .models import LocalModelNotFound, physical_cores, resolve_local
from .seam import current_cancel

litellm = import_litellm()
from litellm import CustomLLM  # noqa: E402  (after the offline set-up above)
from litellm.llms.custom_llm import CustomLLMError  # noqa: E402

log = logging.getLogger(__name__)

# Sampling options llama.cpp understands; anything else litellm passes along is ignored.
_SAMPLING = (
    "temperature",
    "top_p",
    "top_k",
    "min_p",
    "stop",
    "seed",
    "repeat_penalty",
    "presence_penalty",
    "frequency_penalty",
    "max_tokens",
)


# Prompt tokens per llama_decode call. Small batches cost nothing in speed on a CPU and keep
# more of an aborted prompt evaluation: every finished batch stays in the KV cache.
N_BATCH = 128


@dataclass
class _Loaded:
    llama: Any
    path: Path
    lock: threading.Lock = field(default_factory=threading.Lock)
    cancel: threading.Event | None = None
    _callback: Any = None

    def arm_abort(self, cancel: threading.Event | None) -> None:
        """Let ``cancel`` abort llama_decode mid-prompt (checked between graph nodes).

        A cold prompt takes seconds to evaluate; without this a call the interview has
        already given up on would hold the model until the prompt was done. Only armed
        during prompt evaluation: the callback takes the GIL at every graph node, and while
        tokens are generated the seam's own check at each token is enough.
        """
        import llama_cpp

        low = llama_cpp.llama_cpp
        if self._callback is None:

            def aborted(_data: Any) -> bool:
                event = self.cancel
                return event is not None and event.is_set()

            self._callback = low.ggml_abort_callback(aborted)
        self.cancel = cancel
        if cancel is None:
            low.llama_set_abort_callback(self.llama._ctx.ctx, low.ggml_abort_callback(), None)
        else:
            low.llama_set_abort_callback(self.llama._ctx.ctx, self._callback, None)


_models: dict[Path, _Loaded] = {}
_models_lock = threading.Lock()


def _cpu_has_amx() -> bool:
    import llama_cpp

    return b"AMX_INT8 = 1" in llama_cpp.llama_print_system_info()


@contextlib.contextmanager
def _no_extra_buffer_types() -> Iterator[None]:
    """Load without llama.cpp's "extra buffer types" (weight repacking) on AMX CPUs.

    With llama-cpp-python 0.3.36 the AMX repack of SmolLM2's Q4_1 weights crashes the process
    (SIGSEGV in llama_decode) on Sapphire Rapids CPUs. ``Llama()`` exposes no parameter for
    ``use_extra_bufts``, so the default-params factory it calls is wrapped for the duration of
    the load (under ``_models_lock``, so no other load sees it) and restored after.
    """
    import llama_cpp.llama as llama_module

    if not _cpu_has_amx():
        yield
        return
    low = llama_module.llama_cpp
    original = low.llama_model_default_params

    def defaults() -> Any:
        params = original()
        params.use_extra_bufts = False
        return params

    low.llama_model_default_params = defaults
    try:
        yield
    finally:
        low.llama_model_default_params = original


def load_model(path: Path, *, n_ctx: int = 4096, n_threads: int = 0) -> _Loaded:
    """The loaded model for ``path`` (loaded once per process and kept)."""
    path = path.resolve()
    with _models_lock:
        loaded = _models.get(path)
        if loaded is None:
            from llama_cpp import Llama

            threads = n_threads or physical_cores()
            with _no_extra_buffer_types():
                llama = Llama(
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_threads=threads,
                    n_threads_batch=threads,
                    n_batch=N_BATCH,
                    verbose=False,
                )
            # verbose=False still prints llama.cpp errors, such as the one for an abort we
            # asked for; failures reach the caller as exceptions instead.
            logging.getLogger("llama-cpp-python").setLevel(logging.CRITICAL)
            loaded = _models[path] = _Loaded(llama=llama, path=path)
            log.info("loaded %s (%d threads, context %d)", path.name, threads, n_ctx)
        return loaded


class LocalGGUF(CustomLLM):
    """litellm handler for ``local/...`` models, streaming from llama.cpp in-process."""

    def __init__(self, *, n_threads: int = 0, n_ctx: int = 4096) -> None:
        super().__init__()
        self.n_threads = n_threads
        self.n_ctx = n_ctx

    def _model(self, name: str) -> _Loaded:
        try:
            path = resolve_local(name)
        except LocalModelNotFound as exc:
            raise CustomLLMError(status_code=404, message=str(exc)) from exc
        try:
            return load_model(path, n_ctx=self.n_ctx, n_threads=self.n_threads)
        except (ImportError, ValueError, OSError) as exc:
            # llama-cpp-python missing, or a file llama.cpp cannot read.
            raise CustomLLMError(status_code=400, message=f"cannot load {path}: {exc}") from exc

    def _chunks(self, model: str, messages: list, optional_params: dict) -> Iterator[dict]:
        loaded = self._model(model)
        kwargs = {k: optional_params[k] for k in _SAMPLING if optional_params.get(k) is not None}
        # Small local models loop on their own words without it (llama.cpp's default is 1.0).
        kwargs.setdefault("repeat_penalty", 1.1)
        cancel = current_cancel()
        # One generation at a time per model: llama.cpp contexts are not thread-safe. The
        # lock is released when the caller closes the stream (GeneratorExit at the yield).
        with loaded.lock:
            if cancel is not None and cancel.is_set():
                return
            loaded.arm_abort(cancel)
            try:
                stream = loaded.llama.create_chat_completion(
                    messages=messages, stream=True, **kwargs
                )
                for chunk in stream:
                    loaded.arm_abort(None)
                    yield chunk
            except ValueError as exc:
                # llama-cpp-python raises ValueError for a prompt past the context window.
                raise CustomLLMError(status_code=400, message=str(exc)) from exc
            except RuntimeError as exc:
                if cancel is not None and cancel.is_set():
                    # "llama_decode returned 2": the abort we asked for. The batches
                    # evaluated before it stay cached for the next call.
                    return
                raise CustomLLMError(status_code=400, message=f"llama.cpp: {exc}") from exc
            finally:
                loaded.arm_abort(None)

    # litellm calls handlers with keyword arguments only; the rest of them are not needed.
    def streaming(self, model: str, messages: list, **kwargs: Any) -> Iterator[Any]:  # type: ignore[override]
        optional_params = kwargs.get("optional_params") or {}
        finish = "stop"
        for chunk in self._chunks(model, messages, optional_params):
            choice = chunk["choices"][0]
            text = choice.get("delta", {}).get("content") or ""
            finish = choice.get("finish_reason") or finish
            if text:
                yield stream_chunk(text)
        yield stream_chunk(finish_reason=finish)

    def completion(self, model: str, messages: list, **kwargs: Any) -> Any:  # type: ignore[override]
        model_response = kwargs["model_response"]
        text = "".join(c["text"] for c in self.streaming(model, messages, **kwargs))
        model_response.choices[0].message.content = text
        model_response.model = f"local/{model}"
        return model_response
