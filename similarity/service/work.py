"""Blocking work of the service (checks, decodes, writes) run in threads under a deadline that ends the work.

``asyncio.wait_for`` around a thread only stops *waiting*: the thread runs on, and the slot it held is handed to
the next request while it still burns CPU and memory. Here a request's deadline travels into its thread
(:func:`similarity.image.sandbox.deadline`), so a logo decode still running at the deadline is killed with its
worker process; the thread keeps its slot until it has actually returned; a request whose deadline passed while
it queued does not start at all. Checks (and the other work of the check slots: reports, writes) are answered in
batches by the slots' own threads (:class:`~similarity.service.batch.CheckBatches`); decodes each in a thread of
their own, since they mostly wait for a worker process::

    >>> import asyncio
    >>> work = BoundedWork(threads=1, decodes=1)
    >>> asyncio.run(work.run(sum, [1, 2], timeout=5))
    3
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import faiss

from ..image import sandbox
from .batch import CheckBatches

T = TypeVar("T")


class BoundedWork:
    """Slots for checks (``threads``, answered in batches) and for logo decodes (``decodes``: a decode thread mostly
    waits for its worker process, so it does not take a check's slot), and the runs still finishing after their
    request gave up."""

    def __init__(self, threads: int, decodes: int) -> None:
        self.checks = CheckBatches(threads)
        self.decodes = anyio.CapacityLimiter(decodes)
        self._finishing: set[asyncio.Future] = set()

    @property
    def finishing(self) -> int:
        """Runs whose request timed out or went away and that have not stopped yet (each still holds its slot)."""
        return sum(not job.done() for job in self._finishing) + self.checks.finishing

    async def run(self, func: Callable[..., T], *args: Any, timeout: float,
                  limiter: anyio.CapacityLimiter | None = None, started: float | None = None, kind: str = "") -> T:
        """``func(*args)`` within ``timeout`` seconds of ``started`` (monotonic; default now), queueing included: in a
        check slot, or in a thread of its own behind ``limiter`` (the decode slots) when one is given. Raises
        ``TimeoutError`` at the deadline; the work itself is stopped as described above. A check (no ``limiter``)
        of ``kind`` that the slots could not reach in time is refused at once (:class:`~.batch.Busy`)."""
        if limiter is None:
            return await self.checks.run(lambda: func(*args), timeout=timeout, started=started, kind=kind)
        begun = time.monotonic() if started is None else started

        def bounded() -> T:
            left = timeout - (time.monotonic() - begun)
            if left <= 0:
                raise TimeoutError("the deadline passed while the request queued")
            _single_threaded()
            with sandbox.deadline(left):
                return func(*args)

        job = asyncio.ensure_future(anyio.to_thread.run_sync(bounded, limiter=limiter))
        self._finishing.add(job)
        job.add_done_callback(self._finished)
        left = timeout - (time.monotonic() - begun)
        return await asyncio.wait_for(asyncio.shield(job), max(left, 0.0))

    def _finished(self, job: asyncio.Future) -> None:
        self._finishing.discard(job)
        if not job.cancelled():
            job.exception()  # retrieved: a run nobody waits for any more must not log "never retrieved"


def _single_threaded() -> None:
    """FAISS on this thread alone.

    Requests already run in parallel threads; an OpenMP team per search on top of them only contends (2 cores,
    benchmarks/bench_service.py: one check's p50 42 ms with the default team, 10 ms with one thread). The OpenMP
    setting belongs to the calling thread, hence here and not once at start-up.
    """
    faiss.omp_set_num_threads(1)
