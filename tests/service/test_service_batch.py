"""Checks answered in batches keep each check's deadline (issue 17): nothing starts after its deadline, a slot stays
taken until its check has returned, and each answer goes back as soon as it is ready."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from similarity.service.batch import SEEN_BEFORE_SHEDDING, Busy, CheckBatches
from similarity.service.work import BoundedWork


def test_waiting_checks_are_answered_together_in_arrival_order() -> None:
    order: list[int] = []
    gate = threading.Event()

    async def scenario() -> list[int]:
        batches = CheckBatches(threads=1)
        first = asyncio.ensure_future(batches.run(lambda: gate.wait(5), timeout=10))
        await asyncio.sleep(0.05)  # the slot is busy: the next checks queue
        rest = [asyncio.ensure_future(batches.run(lambda i=i: order.append(i) or i, timeout=10)) for i in range(6)]
        await asyncio.sleep(0.05)
        gate.set()
        answers = await asyncio.gather(first, *rest)
        assert batches.batches == 2 and batches.answered == 7  # the six waiting checks were one batch
        batches.close()
        return answers[1:]

    assert asyncio.run(scenario()) == list(range(6)) and order == list(range(6))


def test_an_answer_goes_back_before_the_rest_of_its_batch_is_done() -> None:
    gate, slow_started = threading.Event(), threading.Event()

    async def scenario() -> None:
        batches = CheckBatches(threads=1)
        blocker = asyncio.ensure_future(batches.run(lambda: gate.wait(5), timeout=10))
        await asyncio.sleep(0.05)
        fast = asyncio.ensure_future(batches.run(lambda: "fast", timeout=10))
        slow = asyncio.ensure_future(batches.run(lambda: slow_started.set() or time.sleep(0.5) or "slow", timeout=10))
        await asyncio.sleep(0.05)
        gate.set()
        assert await fast == "fast"
        assert not slow.done()  # the fast answer did not wait for the slow check of the same batch
        assert await slow == "slow" and await blocker
        batches.close()

    asyncio.run(scenario())


def test_a_check_whose_deadline_passed_in_the_queue_never_starts() -> None:
    started: list[str] = []
    gate = threading.Event()

    async def scenario() -> None:
        batches = CheckBatches(threads=1)
        blocker = asyncio.ensure_future(batches.run(lambda: gate.wait(5), timeout=10))
        await asyncio.sleep(0.05)
        t0 = time.monotonic()
        with pytest.raises(TimeoutError):
            await batches.run(lambda: started.append("late"), timeout=0.2)
        assert time.monotonic() - t0 < 1.0  # answered at its deadline, not when the slot came free
        assert batches.finishing == 1  # still queued until a slot reaches it
        gate.set()
        await blocker
        while batches.finishing:
            await asyncio.sleep(0.01)
        assert started == [] and batches.skipped == 1
        batches.close()

    asyncio.run(scenario())


def test_a_check_past_its_deadline_keeps_its_slot_until_it_returned() -> None:
    release = threading.Event()
    after: list[float] = []

    async def scenario() -> None:
        batches = CheckBatches(threads=1)
        with pytest.raises(TimeoutError):
            await batches.run(lambda: release.wait(5), timeout=0.2)
        assert batches.finishing == 1 and batches.busy == 1  # the slot is still taken by the check that overran
        nxt = asyncio.ensure_future(batches.run(lambda: after.append(time.monotonic()), timeout=10))
        await asyncio.sleep(0.2)
        assert after == []  # nothing started beside the overrunning check
        freed = time.monotonic()
        release.set()
        await nxt
        assert after[0] >= freed and batches.finishing == 0
        batches.close()

    asyncio.run(scenario())


def test_errors_reach_their_caller_and_the_slot_goes_on() -> None:
    async def scenario() -> None:
        batches = CheckBatches(threads=1)

        def broken() -> None:
            raise ValueError("an unusable name")

        with pytest.raises(ValueError, match="unusable"):
            await batches.run(broken, timeout=5)
        assert await batches.run(lambda: 42, timeout=5) == 42
        batches.close()

    asyncio.run(scenario())


def test_two_slots_share_the_waiting_checks() -> None:
    running, most = 0, 0
    lock = threading.Lock()

    def check() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    async def scenario() -> None:
        batches = CheckBatches(threads=2)
        await asyncio.gather(*(batches.run(check, timeout=10) for _ in range(8)))
        batches.close()

    asyncio.run(scenario())
    assert most == 2


def test_bounded_work_runs_checks_in_the_batches_and_decodes_beside_them() -> None:
    async def scenario() -> tuple[int, int]:
        work = BoundedWork(threads=1, decodes=1)
        answer = await work.run(sum, [1, 2], timeout=5)
        decoded = await work.run(sum, [3, 4], timeout=5, limiter=work.decodes)
        assert work.checks.answered == 1  # the decode did not take the check slot
        work.checks.close()
        return answer, decoded

    assert asyncio.run(scenario()) == (3, 7)


def test_too_few_threads_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        CheckBatches(threads=0)


def test_a_check_that_cannot_be_reached_in_time_is_refused_at_once() -> None:
    """Once a kind's duration is known, a check whose turn would come after its deadline is refused before it
    queues (Busy, with when to retry), while a kind never seen, or an idle slot, still takes every check."""

    async def scenario() -> None:
        batches = CheckBatches(threads=1)
        for _ in range(SEEN_BEFORE_SHEDDING):  # a "slow" check takes about 0.1 s
            await batches.run(lambda: time.sleep(0.1), timeout=5, kind="slow")
        with pytest.raises(TimeoutError):  # nothing ahead: tried (and timed out), though its kind takes longer
            await batches.run(lambda: time.sleep(0.1), timeout=0.05, kind="slow")
        await asyncio.sleep(0.1)  # its slot is free again
        gate = threading.Event()
        blocker = asyncio.ensure_future(batches.run(lambda: gate.wait(5), timeout=10, kind="other"))
        await asyncio.sleep(0.05)
        queued = [asyncio.ensure_future(batches.run(lambda: time.sleep(0.1), timeout=5, kind="slow"))
                  for _ in range(8)]  # 0.8 s of slow checks queued behind the blocker
        await asyncio.sleep(0.01)
        assert 0.7 < batches.expected_wait() < 1.0  # eight at the running mean
        started = time.monotonic()
        with pytest.raises(Busy) as refused:
            await batches.run(lambda: "late", timeout=0.5, kind="slow")
        assert time.monotonic() - started < 0.1  # refused at once, not after its 0.5 s
        assert refused.value.retry_after_s >= 1 and "try again in" in str(refused.value)
        unseen = asyncio.ensure_future(batches.run(lambda: "new kind", timeout=0.3, kind="unseen"))  # queued
        with pytest.raises(Busy):
            batches.admit("slow", time.monotonic() + 0.5)
        batches.admit("slow", time.monotonic() + 5)  # enough time: admitted
        with pytest.raises(TimeoutError):  # a kind not yet learnt waits its turn, and times out as before
            await unseen
        gate.set()
        await asyncio.gather(blocker, *queued)
        assert batches.refused == 2 and batches.answered == SEEN_BEFORE_SHEDDING + 1 + 1 + 8
        batches.close()

    asyncio.run(scenario())
