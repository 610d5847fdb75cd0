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
run past its deadline on a slot somebody else was promised, nor start work nobody waits for.

A check that could not finish within its deadline is not queued at all: the slots keep a running mean of how long
each kind of check takes (a name alone, a name with a logo) and of what is already queued, and a check whose turn
would come too late is refused at once with :class:`Busy` (the service answers 503 with ``Retry-After``) instead of
waiting its whole deadline for a 504::

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
import math
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
SEEN_BEFORE_SHEDDING = 5
"""Checks of a kind answered before its running mean is trusted to refuse one (until then every check queues)."""
SPARE = 1.0
"""A check is admitted only when it would finish with this many more of its kind's running mean to spare: the mean is
a mean, and a check admitted at the very edge of its deadline runs a little long and is a 504 after the whole wait,
where a 503 at once lets its client retry (the overload test of the service saw that 504 on a loaded machine)."""
SMOOTHING = 0.5
"""Weight of the latest check in the running mean of its kind's duration: high, so that the mean follows a load that
rises within a few checks (at 0.2, a 10 s `bench_service --quick` phase on a loaded machine still had 6 of 43 name +
logo checks time out: admitted on a mean that had not caught up yet)."""


class Busy(Exception):
    """A check refused before it queued: the checks ahead of it would take ``wait_s`` seconds, and it had only
    ``left_s`` left of its deadline. ``retry_after_s`` is when the queue ahead will have drained that far."""

    def __init__(self, wait_s: float, left_s: float, waiting: int) -> None:
        self.wait_s, self.left_s, self.waiting = wait_s, left_s, waiting
        self.retry_after_s = max(1, math.ceil(wait_s - left_s + 0.5))
        super().__init__(
            f"the server is busy: the {waiting} checks ahead would take about {wait_s:.1f} s, more than the "
            f"{max(left_s, 0.0):.1f} s this request may take — try again in {self.retry_after_s} s"
        )


@dataclass(eq=False)
class _Job:
    func: Callable[[], Any]
    deadline: float
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop
    kind: str = ""
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
        self.refused = 0
        self._mean: dict[str, tuple[float, int]] = {}  # kind: (running mean of its checks' seconds, checks seen)
        self._owing: dict[str, int] = {}  # kind: checks of it queued or running (each owes its kind's running mean)
        self._running: dict[int, tuple[float, str]] = {}  # slot thread: (start, kind) of the check it runs

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

    def expected_wait(self) -> float:
        """Seconds until a check queued now would start, by the running means of the checks ahead."""
        with self._wake:
            return self._wait_locked()

    def _wait_locked(self) -> float:
        now = time.monotonic()
        # what is owed at today's means, so a mean that rises with the load re-prices the checks already queued
        owed = sum(n * self._seconds(kind) for kind, n in self._owing.items())
        done = sum(min(now - start, self._seconds(kind)) for start, kind in self._running.values())
        return max(owed - done, 0.0) / self.threads

    def admit(self, kind: str, deadline: float) -> None:
        """Raise :class:`Busy` if a check of ``kind`` queued now would not finish by ``deadline`` (monotonic), with
        `SPARE` to spare, by the running means — nothing while the kind has been seen fewer than
        `SEEN_BEFORE_SHEDDING` times."""
        with self._wake:
            self._admit_locked(kind, deadline)

    def _seconds(self, kind: str) -> float:
        """The running mean of ``kind``'s checks in seconds (0 while none has been answered)."""
        return self._mean.get(kind, (0.0, 0))[0]

    def _admit_locked(self, kind: str, deadline: float) -> None:
        mean, seen = self._mean.get(kind, (0.0, 0))
        if seen >= SEEN_BEFORE_SHEDDING and (self._waiting or self._running):
            wait, left = self._wait_locked(), deadline - time.monotonic()
            if wait + mean * (1 + SPARE) > left:
                self.refused += 1
                raise Busy(wait + mean, left, sum(self._owing.values()))

    async def run(self, func: Callable[[], T], *, timeout: float, started: float | None = None, kind: str = "") -> T:
        """The value of ``func()`` computed on a slot thread, within ``timeout`` seconds of ``started`` (monotonic;
        default now), waiting for a slot included; its exception re-raised here. Raises ``TimeoutError`` at the
        deadline: the check is then skipped if it has not started, else it is stopped as described above; raises
        :class:`Busy` at once when the checks queued ahead would leave it no time (`admit`). ``kind`` names what
        sort of check it is ("name", "logo"): each kind's duration is learnt on its own."""
        deadline = (time.monotonic() if started is None else started) + timeout
        loop = asyncio.get_running_loop()
        with self._wake:
            if self._closed:
                raise RuntimeError("the check slots are closed")
            self._admit_locked(kind, deadline)
            job = _Job(func, deadline, loop.create_future(), loop, kind)
            self._owing[kind] = self._owing.get(kind, 0) + 1
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
        me = threading.get_ident()
        try:
            left = job.deadline - time.monotonic()
            if left <= 0 or job.future.cancelled():  # its caller has been answered (504) or went away: not started
                self.skipped += 1
                outcome, failed = TimeoutError("the deadline passed while the check queued"), True
            else:
                begun = time.monotonic()
                with self._wake:
                    self._running[me] = (begun, job.kind)
                try:
                    with sandbox.deadline(left):
                        outcome, failed = job.func(), False
                except Exception as e:  # noqa: BLE001 - handed to the caller, whose handler makes a 4xx or a 500
                    outcome, failed = e, True
                self._learn(job.kind, time.monotonic() - begun)
                self.answered += 1
        except BaseException as e:  # noqa: BLE001 - the caller is answered whatever stopped the check
            outcome, failed = e, True
            raise
        finally:
            # off the books before the caller is answered: the next check it sends must not be priced behind this one
            with self._wake:
                self._running.pop(me, None)
                self._owing[job.kind] -= 1
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is waiting
                job.loop.call_soon_threadsafe(_settle, job.future, outcome, failed)
            job.done.set()

    def _learn(self, kind: str, seconds: float) -> None:
        with self._wake:
            mean, seen = self._mean.get(kind, (seconds, 0))
            self._mean[kind] = (mean + SMOOTHING * (seconds - mean) if seen else seconds, seen + 1)


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
