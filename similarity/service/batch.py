"""Concurrent checks answered in batches by long-lived slot threads, each check within its own deadline.

A check is mostly Python holding the GIL, so the service runs few at a time (``CHECK_THREADS``). Handing each
request to a thread of its own (``anyio.to_thread`` behind a capacity limiter) costs a hand-off, a limiter wake-up
and a result hop per check, paid on the event loop that also parses the next requests. Here a slot thread takes
every check waiting when it comes round and answers them one after another without going back to the loop, each
answer handed back the moment it is ready (a batch shares no work between its checks — each query has its own
candidates — so it saves the dispatch, and an early check does not wait for the rest of its batch).

The deadline of each check (issue 17) holds inside a batch: a check whose deadline passed while it waited is not
started (its caller has had its 504), one that starts runs under :func:`~similarity.image.sandbox.deadline` with
the time it has left, and the slot stays taken until that check has actually returned — a batch never lets a check
run past its deadline on a slot somebody else was promised, nor start work nobody waits for::

    >>> import asyncio
    >>> async def demo():
    ...     batches = CheckBatches(threads=1)
    ...     answers = await asyncio.gather(*(batches.run(lambda i=i: i * i, timeout=5) for i in range(4)))
    ...     batches.close()
    ...     return answers
    >>> asyncio.run(demo())
    [0, 1, 4, 9]
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import faiss

from ..image import sandbox

T = TypeVar("T")
IDLE_S = 30.0
"""A slot thread with nothing to do for this long ends (the next check starts another)."""


@dataclass(eq=False)
class _Job:
    func: Callable[[], Any]
    deadline: float
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop
    done: threading.Event = field(default_factory=threading.Event)


class CheckBatches:
    """Checks to run, in arrival order, on ``threads`` slot threads started on first use.

    ``batches``, ``answered`` and ``skipped`` count what the slots did: answers per batch tell whether requests
    really arrive together; a skipped check is one whose deadline passed before its turn::

        >>> import asyncio
        >>> batches = CheckBatches(threads=1)
        >>> asyncio.run(batches.run(lambda: "answer", timeout=5)), batches.answered
        ('answer', 1)
        >>> batches.close()
    """

    def __init__(self, threads: int = 1) -> None:
        if threads < 1:
            raise ValueError(f"threads is {threads} — at least one thread must answer the checks")
        self.threads = threads
        self._waiting: deque[_Job] = deque()
        self._wake = threading.Condition()
        self._workers: set[threading.Thread] = set()
        self._idle = 0
        self._closed = False
        self._abandoned: set[_Job] = set()
        self.batches = 0
        self.answered = 0
        self.skipped = 0

    @property
    def finishing(self) -> int:
        """Checks whose caller gave up (a timeout) that have not stopped yet: running, or queued until a slot reaches
        and skips them."""
        with self._wake:
            self._abandoned = {job for job in self._abandoned if not job.done.is_set()}
            return len(self._abandoned)

    @property
    def busy(self) -> int:
        """Slots running a check now."""
        with self._wake:
            return len(self._workers) - self._idle

    async def run(self, func: Callable[[], T], *, timeout: float, started: float | None = None) -> T:
        """The value of ``func()`` computed on a slot thread, within ``timeout`` seconds of ``started`` (monotonic;
        default now), waiting for a slot included; its exception re-raised here. Raises ``TimeoutError`` at the
        deadline: the check is then skipped if it has not started, else it is stopped as described above."""
        deadline = (time.monotonic() if started is None else started) + timeout
        loop = asyncio.get_running_loop()
        job = _Job(func, deadline, loop.create_future(), loop)
        with self._wake:
            if self._closed:
                raise RuntimeError("the check slots are closed")
            self._waiting.append(job)
            if self._idle:
                self._wake.notify()
            elif len(self._workers) < self.threads:
                worker = threading.Thread(target=self._work, name="similarity-checks", daemon=True)
                self._workers.add(worker)
                worker.start()
        try:
            return await asyncio.wait_for(asyncio.shield(job.future), max(deadline - time.monotonic(), 0.0))
        except (TimeoutError, asyncio.CancelledError):
            with self._wake:
                if not job.done.is_set():
                    self._abandoned.add(job)
            raise

    def close(self) -> None:
        """Let the slots finish the checks already queued, then stop."""
        with self._wake:
            self._closed = True
            self._wake.notify_all()

    def _work(self) -> None:
        faiss.omp_set_num_threads(1)  # per thread: a check's search stays on this one (see work._single_threaded)
        try:
            while True:
                with self._wake:
                    self._idle += 1
                    while not self._waiting and not self._closed:
                        if not self._wake.wait(IDLE_S) and not self._waiting:
                            break
                    self._idle -= 1
                    if not self._waiting:
                        return
                    batch = [self._waiting.popleft() for _ in range(_share(len(self._waiting), self.threads))]
                    self.batches += 1
                for job in batch:
                    self._answer(job)
        finally:
            with self._wake:
                self._workers.discard(threading.current_thread())

    def _answer(self, job: _Job) -> None:
        outcome: Any
        try:
            left = job.deadline - time.monotonic()
            if left <= 0 or job.future.cancelled():  # its caller has been answered (504) or went away: not started
                self.skipped += 1
                outcome, failed = TimeoutError("the deadline passed while the check queued"), True
            else:
                try:
                    with sandbox.deadline(left):
                        outcome, failed = job.func(), False
                except Exception as e:  # noqa: BLE001 - handed to the caller, whose handler makes a 4xx or a 500
                    outcome, failed = e, True
                self.answered += 1
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is waiting
                job.loop.call_soon_threadsafe(_settle, job.future, outcome, failed)
        finally:
            job.done.set()


def _share(waiting: int, threads: int) -> int:
    """How many of the waiting checks one slot takes: all of them with one slot, else its share (at least one), so
    that the other slots are not left idle behind one long batch."""
    return waiting if threads == 1 else max(1, -(-waiting // threads))


def _settle(future: asyncio.Future, outcome: Any, failed: bool) -> None:
    if future.done():
        return
    if failed:
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
