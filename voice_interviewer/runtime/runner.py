"""The stage runner: stages with one generator method, joined by bounded inboxes.

A stage is any object with ``process(message) -> Iterator[message]`` and no threads of its
own (DESIGN.md house style 2). The runner gives each stage a thread and an ``Inbox``, and
routes what a stage yields by the message's type to the stage (or outside consumer) the
wiring names for it. Each inbox has two lanes:

- data: bounded; a full lane makes the sender wait (back-pressure, nothing lost) up to the
  inbox's ``put_timeout``, after which the message is dropped and counted;
- priority: control messages (``Control``) and the inbox's ``priority`` types (notes from the
  models that the stage should see before the frames queued behind them) skip the data
  lane, as pipecat's system frames do. Never waits; a full lane drops and counts.

An inbox made with ``generation`` drops, when it hands them out, data messages whose
``generation`` is no longer current (a barge-in or a dropped speculation), and counts them.
No stage polls: each waits on its inbox's condition.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from voice_interviewer.runtime.generation import Generation

log = logging.getLogger(__name__)

PRIORITY_CAPACITY = 64


class Control:
    """Base of the typed control messages: they take an inbox's priority lane."""


class Stage(Protocol):
    def process(self, message: Any) -> Iterable[Any]: ...


class Mailbox(Protocol):
    """What a producer outside the runner (a model's worker thread) needs of an inbox; a
    ``queue.Queue`` is one too."""

    def put_nowait(self, message: Any) -> None: ...

    def get_nowait(self) -> Any: ...


@dataclass
class Drops:
    """What one inbox dropped: for want of room, or because its generation was stale."""

    full: int = 0
    stale: int = 0


class _Closed:
    """What ``Inbox.get`` returns once the inbox is closed."""


CLOSED = _Closed()


class Inbox:
    """A stage's bounded two-lane inbox; see the module docstring."""

    def __init__(
        self,
        name: str,
        capacity: int,
        *,
        priority: tuple[type, ...] = (),
        generation: Generation | None = None,
        put_timeout: float | None = None,
    ) -> None:
        self.name = name
        self.capacity = capacity
        self.drops = Drops()
        self._priority_types = (Control, *priority)
        self._generation = generation
        self._put_timeout = put_timeout
        self._cond = threading.Condition()
        self._priority: deque[Any] = deque()
        self._data: deque[Any] = deque()
        self._closed = False

    def put(self, message: Any, timeout: float | None = None) -> bool:
        """Queue ``message``; False when it was dropped (full or closed). ``timeout``
        overrides the inbox's ``put_timeout`` (0: never wait)."""
        wait = self._put_timeout if timeout is None else timeout
        with self._cond:
            if self._closed:
                return False
            if isinstance(message, self._priority_types):
                if len(self._priority) >= PRIORITY_CAPACITY:
                    return self._dropped(message)
                self._priority.append(message)
                self._cond.notify_all()
                return True
            if not self._cond.wait_for(
                lambda: self._closed or len(self._data) < self.capacity, timeout=wait
            ):
                return self._dropped(message)
            if self._closed:
                return False
            self._data.append(message)
            self._cond.notify_all()
            return True

    def put_nowait(self, message: Any) -> None:
        """``queue.Queue``'s contract, for producers that handle a full queue themselves."""
        if not self.put(message, timeout=0):
            raise queue.Full

    def get(self) -> Any:
        """The next message, priority lane first; ``CLOSED`` once the inbox is closed."""
        with self._cond:
            while True:
                if self._closed:
                    return CLOSED
                if self._priority:
                    return self._priority.popleft()
                if self._data:
                    message = self._data.popleft()
                    self._cond.notify_all()  # room for a waiting sender
                    if self._stale(message):
                        self.drops.stale += 1
                        continue
                    return message
                self._cond.wait()

    def get_nowait(self) -> Any:
        """What is left after the stage stopped (``queue.Queue``'s contract)."""
        with self._cond:
            for lane in (self._priority, self._data):
                if lane:
                    return lane.popleft()
        raise queue.Empty

    def close(self) -> None:
        """Wake the stage and every waiting sender; later puts are refused. Messages still
        queued stay for ``get_nowait``."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _stale(self, message: Any) -> bool:
        generation = getattr(message, "generation", None)
        return (
            self._generation is not None
            and isinstance(generation, int)
            and not self._generation.is_current(generation)
        )

    def _dropped(self, message: Any) -> bool:
        self.drops.full += 1
        log.warning("%s: no room, dropped a %s", self.name, type(message).__name__)
        return False


Target = Inbox | Callable[[Any], object]
"""Where a routed message goes: a stage's inbox, or a consumer outside the runner."""


class Runner:
    """Owns the stages' threads and inboxes and routes their output by type."""

    def __init__(self, on_error: Callable[[BaseException], None]) -> None:
        self._on_error = on_error
        self._inboxes: dict[str, Inbox] = {}
        self._bodies: dict[str, Callable[[], None]] = {}
        self._routes: dict[str, list[tuple[type, Target]]] = {}
        self._threads: list[threading.Thread] = []

    def stage(self, name: str, stage: Stage, inbox: Inbox) -> Inbox:
        """Run ``stage`` on its own thread, fed by ``inbox``."""

        def body() -> None:
            while (message := inbox.get()) is not CLOSED:
                self._send_all(name, stage.process(message))

        self._add(name, body)
        self._inboxes[name] = inbox
        return inbox

    def source(self, name: str, produce: Callable[[], Iterator[Any]]) -> None:
        """Run ``produce`` (a device reader) on its own thread and route what it yields."""
        self._add(name, lambda: self._send_all(name, produce()))

    def route(self, sender: str, routes: dict[type, str | Callable[[Any], object]]) -> None:
        """Where ``sender``'s messages of each type go: a stage's name, or a callable."""
        self._routes[sender] = [
            (kind, self._inboxes[to] if isinstance(to, str) else to) for kind, to in routes.items()
        ]

    def inbox(self, name: str) -> Inbox:
        return self._inboxes[name]

    def send(self, sender: str, message: Any) -> bool:
        """Route one message from ``sender``; False when its inbox dropped it."""
        for kind, target in self._routes.get(sender, ()):
            if isinstance(message, kind):
                if isinstance(target, Inbox):
                    return target.put(message)
                target(message)
                return True
        raise TypeError(f"{sender} sent a {type(message).__name__}, which has no route")

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Close every inbox: each stage finishes the message in hand and returns."""
        for inbox in self._inboxes.values():
            inbox.close()

    def join(self, timeout: float) -> None:
        for thread in self._threads:
            thread.join(timeout=timeout)

    def drops(self) -> dict[str, Drops]:
        """Counted drops per stage inbox (only those that dropped something)."""
        return {
            name: inbox.drops
            for name, inbox in self._inboxes.items()
            if inbox.drops.full or inbox.drops.stale
        }

    def _send_all(self, sender: str, messages: Iterable[Any]) -> None:
        for message in messages:
            self.send(sender, message)

    def _add(self, name: str, body: Callable[[], None]) -> None:
        def guarded() -> None:
            try:
                body()
            except BaseException as e:  # noqa: BLE001 - handed to on_error, which re-raises
                log.exception("stage %s failed", name)
                self._on_error(e)

        self._threads.append(threading.Thread(target=guarded, name=name, daemon=True))
