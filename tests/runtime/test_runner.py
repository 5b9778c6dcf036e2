"""The stage runner: bounded two-lane inboxes, the generation filter, counted drops, routing."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from voice_interviewer.runtime.generation import Generation
from voice_interviewer.runtime.runner import CLOSED, Control, Inbox, Runner


@dataclass(frozen=True)
class Data:
    n: int
    generation: int = 0


@dataclass(frozen=True)
class Note:
    n: int


@dataclass(frozen=True)
class Stop(Control):
    pass


def test_control_and_priority_types_overtake_queued_data() -> None:
    inbox = Inbox("t", 10, priority=(Note,))
    for n in range(3):
        inbox.put(Data(n))
    inbox.put(Note(9))
    inbox.put(Stop())
    assert [inbox.get() for _ in range(5)] == [Note(9), Stop(), Data(0), Data(1), Data(2)]


def test_a_full_data_lane_makes_the_sender_wait_then_drops_and_counts() -> None:
    inbox = Inbox("t", 2, put_timeout=0.05)
    assert inbox.put(Data(0)) and inbox.put(Data(1))
    assert not inbox.put(Data(2))  # waited 50 ms, no room: dropped
    assert inbox.drops.full == 1
    with pytest.raises(queue.Full):
        inbox.put_nowait(Data(3))
    assert inbox.drops.full == 2
    # A sender that waits gets in as soon as the stage takes a message.
    waiting = Inbox("w", 1)
    waiting.put(Data(0))
    done = threading.Event()

    def sender() -> None:
        waiting.put(Data(1))  # no timeout: back-pressure, nothing lost
        done.set()

    threading.Thread(target=sender, daemon=True).start()
    assert not done.wait(0.1)
    assert waiting.get() == Data(0)
    assert done.wait(2.0)
    assert waiting.get() == Data(1)
    assert waiting.drops.full == 0


def test_stale_generations_are_dropped_on_the_way_out_and_counted() -> None:
    generation = Generation()
    inbox = Inbox("speak", 10, generation=generation)
    inbox.put(Data(0, generation=0))
    generation.bump()  # a barge-in: reply 0 is stale
    inbox.put(Data(1, generation=1))
    assert inbox.get() == Data(1, generation=1)
    assert inbox.drops.stale == 1


def test_close_wakes_the_stage_and_a_waiting_sender() -> None:
    inbox = Inbox("t", 1)
    inbox.put(Data(0))
    results: list[object] = []
    sender = threading.Thread(target=lambda: results.append(inbox.put(Data(1))), daemon=True)
    sender.start()
    inbox.close()
    sender.join(2.0)
    assert results == [False]
    assert inbox.get() is CLOSED
    assert inbox.get_nowait() == Data(0)  # what was left, for whoever finishes up
    with pytest.raises(queue.Empty):
        inbox.get_nowait()


class Doubler:
    def process(self, message: Data) -> Iterator[Data]:
        yield Data(message.n * 2)
        yield Data(message.n * 2 + 1)


class Boom:
    def process(self, message: Data) -> Iterator[Data]:
        raise ValueError(f"bad {message.n}")
        yield message


def test_the_runner_streams_each_yield_to_the_routed_stage() -> None:
    errors: list[BaseException] = []
    got: queue.Queue[Data] = queue.Queue()
    runner = Runner(errors.append)
    runner.stage("double", Doubler(), Inbox("double", 4))
    runner.route("double", {Data: got.put})
    runner.route("test", {Data: "double"})
    runner.start()
    for n in range(3):
        runner.send("test", Data(n))
    assert [got.get(timeout=2).n for _ in range(6)] == [0, 1, 2, 3, 4, 5]
    runner.stop()
    runner.join(2.0)
    assert errors == []


def test_a_failing_stage_is_reported_and_an_unrouted_message_is_a_wiring_error() -> None:
    errors: list[BaseException] = []
    runner = Runner(errors.append)
    runner.stage("boom", Boom(), Inbox("boom", 4))
    runner.route("test", {Data: "boom"})
    runner.start()
    runner.send("test", Data(7))
    runner.join(2.0)
    assert [str(e) for e in errors] == ["bad 7"]
    with pytest.raises(TypeError, match="no route"):
        runner.send("test", Note(1))
    runner.stop()
