"""The generation counter behind barge-in and speculative turns.

Every message carries the generation it was made for. Cancelling bumps the counter under a
lock; every stage compares a message's generation with ``current`` and drops stale work.
"""

from __future__ import annotations

import threading


class Generation:
    """A counter that only goes up; ``bump`` invalidates everything in flight."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0

    @property
    def current(self) -> int:
        with self._lock:
            return self._value

    def bump(self) -> int:
        with self._lock:
            self._value += 1
            return self._value

    def is_current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._value
