"""Failed attempts cost time, shared by every session of the process."""

from __future__ import annotations

from tests.support.clock import ManualClock
from workshop.throttle import Throttle


def test_five_failures_are_free_then_the_wait_doubles_up_to_the_limit() -> None:
    clock = ManualClock(100.0)
    throttle = Throttle(free_failures=5, first_wait=30, max_wait=120, clock=clock)
    keys = ["session:a", "address:10.0.0.1"]
    waits = [throttle.failed(keys) for _ in range(9)]
    # 1-5 free; then 30, 60, 120 (the limit), 120 (hand-computed).
    assert waits == [0, 0, 0, 0, 0, 30, 60, 120, 120]
    assert throttle.wait(keys) == 120
    clock.now += 119
    assert throttle.wait(keys) == 1
    clock.now += 1
    assert throttle.wait(keys) == 0


def test_a_new_session_from_the_same_address_still_waits() -> None:
    clock = ManualClock(100.0)
    throttle = Throttle(free_failures=2, first_wait=10, clock=clock)
    for _ in range(3):
        throttle.failed(["session:a", "address:x"])
    assert throttle.wait(["session:b", "address:x"]) == 10
    assert throttle.wait(["session:b", "address:y"]) == 0


def test_a_success_clears_the_session_but_not_the_address() -> None:
    clock = ManualClock(100.0)
    throttle = Throttle(free_failures=1, first_wait=10, clock=clock)
    throttle.failed(["session:a", "address:x"])
    throttle.failed(["session:a", "address:x"])
    clock.now += 10
    throttle.succeeded("session:a")
    assert throttle.wait(["session:a"]) == 0
    assert throttle.failed(["address:x"]) == 20  # the address's count goes on


def test_old_counts_are_forgotten_after_an_hour() -> None:
    clock = ManualClock(100.0)
    throttle = Throttle(free_failures=1, first_wait=10, forget_after=3600, clock=clock)
    throttle.failed(["k"])
    throttle.failed(["k"])
    clock.now += 3601
    assert throttle.wait(["k"]) == 0
    assert throttle.failed(["k"]) == 0  # a fresh count: the first failure is free again


def test_an_address_has_more_free_failures_than_a_session() -> None:
    """A room behind one NAT shares an address: 20 typos among them lock nobody out."""
    clock = ManualClock(100.0)
    throttle = Throttle(
        free_failures=5, free_by_prefix={"address:": 20}, first_wait=30, clock=clock
    )
    for n in range(20):  # twenty people, one typo each, each in their own session
        assert throttle.failed([f"session:{n}", "address:nat"]) == 0
    assert throttle.wait(["session:new", "address:nat"]) == 0
    assert throttle.failed(["session:new", "address:nat"]) == 30  # the 21st failure waits
    assert throttle.wait(["session:other", "address:elsewhere"]) == 0
