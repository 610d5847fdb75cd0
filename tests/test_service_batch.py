"""The service's check queue (similarity/service/batch.py): answers in order, errors to their caller, skips a check
whose caller gave up."""

import asyncio
import threading
import time

import pytest

from similarity.service.batch import CheckQueue


def test_answers_errors_and_batches():
    async def scenario():
        queue = CheckQueue()

        def fail():
            raise ValueError("bad name")

        answers = await asyncio.gather(*(queue.run(lambda i=i: i + 1) for i in range(20)))
        with pytest.raises(ValueError, match="bad name"):
            await queue.run(fail)
        queue.close()
        return answers, queue

    answers, queue = asyncio.run(scenario())
    assert answers == list(range(1, 21))
    assert queue.answered == 21 and 1 <= queue.batches <= 21


def test_a_check_whose_caller_gave_up_is_skipped():
    started = []
    gate = threading.Event()

    async def scenario():
        queue = CheckQueue()
        slow = asyncio.ensure_future(queue.run(lambda: gate.wait(5) and "slow"))
        await asyncio.sleep(0.05)  # the worker is busy with the slow check
        with pytest.raises(TimeoutError):
            await queue.run(lambda: started.append("late"), timeout=0.05)
        gate.set()
        assert await slow == "slow"
        assert await queue.run(lambda: "next") == "next"
        queue.close()

    asyncio.run(scenario())
    time.sleep(0.05)
    assert started == []
