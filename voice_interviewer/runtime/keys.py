"""Single-key controls during a spoken interview: space ends my turn, h asks for a hint,
q ends the interview. Only when stdin is a terminal; the terminal is restored on exit."""

from __future__ import annotations

import os
import select
import sys
import threading
from collections.abc import Callable


class KeyReader:
    """Reads keys in cbreak mode on a daemon thread and calls ``on_key`` for each."""

    def __init__(self, on_key: Callable[[str], None]) -> None:
        self._on_key = on_key
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._saved: list | None = None

    @staticmethod
    def available() -> bool:
        return sys.stdin.isatty() and os.name == "posix"

    def start(self) -> None:
        if not self.available():
            return
        import termios
        import tty

        fd = sys.stdin.fileno()
        self._saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
        self._thread = threading.Thread(target=self._run, name="keys", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        fd = sys.stdin.fileno()
        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                key = os.read(fd, 1).decode(errors="ignore")
                if key:
                    self._on_key(key)

    def stop(self) -> None:
        self._stop.set()
        if self._saved is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None
