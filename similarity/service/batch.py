"""Concurrent checks answered in batches by one long-lived worker thread.

A check is mostly Python holding the GIL, so the service runs one at a time (``CHECK_THREADS``). Handing each
request to a thread of its own (``anyio.to_thread`` behind a capacity limiter) costs a hand-off, a limiter wake-up
and a result hop per check; under 100 concurrent clients that was 10–15 % of a check's time
(``benchmarks/bench_service.py``, the batching line). Here the requests waiting when the worker comes round are taken
together and answered one after another on the same thread, each answer handed back as soon as it is ready (a batch
shares no work between its checks — each query has its own candidates — so it saves only the dispatch, and an early
check does not wait for the rest of its batch). A request whose caller gave up (a timeout) before its turn is
skipped::

    >>> import asyncio
    >>> async def demo():
    ...     queue = CheckQueue()
    ...     answers = await asyncio.gather(*(queue.run(lambda i=i: i * i) for i in range(4)))
    ...     queue.close()
    ...     return answers
    >>> asyncio.run(demo())
    [0, 1, 4, 9]
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

import faiss

T = TypeVar("T")


class CheckQueue:
    """Checks to run, in arrival order, on one worker thread started on first use.

    ``batches`` and ``answered`` count what the worker did (for the benchmark: answers per batch tell whether
    requests really arrive together).
    """

    def __init__(self) -> None:
        self._waiting: deque[tuple[Callable[[], Any], asyncio.Future, asyncio.AbstractEventLoop]] = deque()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.batches = 0
        self.answered = 0

    async def run(self, func: Callable[[], T], timeout: float | None = None) -> T:
        """The value of ``func()`` computed on the worker thread; its exception re-raised here; TimeoutError after
        `timeout` seconds (queueing included: the check is then skipped if it has not started, else it finishes
        alone)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        with self._wake:
            if self._closed:
                raise RuntimeError("the check queue is closed")
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="similarity-checks", daemon=True)
                self._thread.start()
            self._waiting.append((func, future, loop))
            self._wake.notify()
        return await asyncio.wait_for(future, timeout)

    def close(self) -> None:
        """Let the worker finish the checks already queued, then stop."""
        with self._wake:
            self._closed = True
            self._wake.notify()

    def _work(self) -> None:
        faiss.omp_set_num_threads(1)  # the OpenMP setting is per thread: one check's search stays on this one
        while True:
            with self._wake:
                while not self._waiting and not self._closed:
                    self._wake.wait()
                if not self._waiting:
                    return
                batch = list(self._waiting)
                self._waiting.clear()
            self.batches += 1
            for func, future, loop in batch:
                if future.cancelled():  # its caller gave up while it waited
                    continue
                try:
                    outcome, failed = func(), False
                except Exception as e:  # handed to the caller, whose handler turns it into a 4xx or a 500
                    outcome, failed = e, True
                self.answered += 1
                with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is waiting
                    loop.call_soon_threadsafe(_settle, future, outcome, failed)


def _settle(future: asyncio.Future, outcome: Any, failed: bool) -> None:
    if future.cancelled():
        return
    if failed:
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
