"""Untrusted logos are decoded in worker processes that cannot hurt the caller.

(Just over 400 lines: the pool, its limits and the kill-and-reap paths are one mechanism, read and reviewed together.)

A logo is a file from a stranger: an SVG that overflows resvg's stack kills the process that renders it, a filter
over a huge region holds the GIL for minutes, a crafted PNG costs seconds and hundreds of MB. So every decode
(:func:`similarity.image.load.load_logo` for uploads, the registry build, reports and the sweep alike) runs in a
small pool of warm worker processes, each with hard limits:

- **wall time**: the caller waits at most ``wall_s`` seconds (or less, when its own deadline is nearer), then the
  worker is killed (``SIGKILL``) and reaped before the call returns;
- **CPU time**: ``RLIMIT_CPU`` is set before each task to the CPU already used plus ``cpu_s``, so a runaway decode
  is killed by the kernel even if nobody waits for it;
- **memory**: ``RLIMIT_AS`` bounds the worker's address space, so a bomb fails to allocate instead of swapping.

A crash, a kill or a refused allocation is a :class:`~similarity.image.load.LogoError` for that call alone; the
pool starts a replacement at once. At most ``size`` decodes run at once, whatever the callers do: the others wait
for a worker (within their own deadline). The worker speaks a tiny framed protocol on its stdin/stdout (a JSON
header and raw bytes, never pickle: a worker that a hostile file had taken over could not make its parent run
code)::

    >>> pool = DecodePool(size=1)
    >>> header, body = pool.run("echo", {"n": 1}, b"abc")
    >>> header["n"], body
    (1, b'abc')
    >>> pool.close()

``SIMILARITY_DECODE_WORKERS`` sets the pool size of the process-wide :func:`decode_pool` (default 2);
``SIMILARITY_DECODE_WORKERS=0`` decodes in the calling process — no protection, for debugging only.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

WORKERS_ENV = "SIMILARITY_DECODE_WORKERS"
DECODE_WORKERS = 2
"""Worker processes of the shared pool, so at most this many decodes at once (one per core here)."""
DECODE_WALL_S = 8.0
"""Longest one decode may take. A normal SVG renders in ~10 ms and a 16 Mpx PNG decodes in ~1 s."""
DECODE_CPU_S = 6
"""CPU seconds one decode may use before the kernel stops it (``RLIMIT_CPU``, whole seconds)."""
DECODE_MEMORY_BYTES = 1536 * 1024 * 1024
"""Address space of a worker (``RLIMIT_AS``): the interpreter, numpy and Pillow take ~500 MB of it; a 16 Mpx RGBA
decode and its preparation fit in the rest."""
WORKER_START_S = 60.0
"""How long a fresh worker may take to import its modules (a loaded machine is slow to start Python)."""
MAX_TASKS_PER_WORKER = 500
"""A worker is replaced after this many decodes, so fragmentation from big images does not accumulate."""
_HEADER = struct.Struct("!II")  # JSON header length, body length
_READY = b"R"


class DecodeFailed(RuntimeError):
    """The worker died (crash, kill, limit) or overran its time; the message says which, for people."""


class _Worker:
    """One worker process and its pipes."""

    def __init__(self, memory_bytes: int) -> None:
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = "1"  # one thread each: a BLAS thread pool would reserve address space the limit needs
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-c", f"from similarity.image.sandbox import serve; serve({int(memory_bytes)})"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # a Ctrl-C in the terminal goes to the caller, which then closes its workers
            close_fds=True,
        )
        self.ready = False
        self.tasks = 0

    def call(self, task: str, params: dict[str, Any], body: bytes, wall_s: float, cpu_s: int,
             caller_deadline: float | None) -> tuple[dict, bytes]:
        """One task; the wall time counts from when the worker is ready (a fresh one imports its modules first),
        and never runs past ``caller_deadline``."""
        if not self.ready:
            start_by = time.monotonic() + WORKER_START_S
            self._read_exact(1, start_by if caller_deadline is None else min(start_by, caller_deadline), starting=True)
            self.ready = True
        deadline = time.monotonic() + wall_s
        if caller_deadline is not None:
            deadline = min(deadline, caller_deadline)
        header = json.dumps({"task": task, "params": params, "cpu_s": cpu_s}).encode("utf-8")
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(_HEADER.pack(len(header), len(body)) + header)
            self.process.stdin.write(body)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise DecodeFailed(self._death("the decoder stopped before reading the logo")) from error
        head_len, body_len = _HEADER.unpack(self._read_exact(_HEADER.size, deadline))
        if head_len > 1 << 20 or body_len > 1 << 30:
            raise DecodeFailed("the decoder sent a malformed answer")
        answer = json.loads(self._read_exact(head_len, deadline))
        payload = self._read_exact(body_len, deadline) if body_len else b""
        self.tasks += 1
        return answer, payload

    def _read_exact(self, n: int, deadline: float, starting: bool = False) -> bytes:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        chunks: list[bytes] = []
        missing = n
        while missing:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DecodeFailed("the decoder did not start in time" if starting else "timeout")
            readable, _, _ = select.select([fd], [], [], left)
            if not readable:
                continue
            chunk = os.read(fd, min(missing, 1 << 20))
            if not chunk:
                raise DecodeFailed(self._death("the decoder stopped"))
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _death(self, what: str) -> str:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return what
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            cause = {"SIGSEGV": "it crashed", "SIGXCPU": "it used up its CPU time", "SIGKILL": "it was killed",
                     "SIGABRT": "it aborted"}.get(name, f"signal {name}")
            return f"{what} ({cause})"
        return f"{what} (exit status {code})"

    def kill(self) -> None:
        """Stop the worker now and reap it: when this returns, the work it was doing has stopped."""
        with contextlib.suppress(ProcessLookupError, OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()

    def close(self) -> None:
        """Ask the worker to exit (end of its input), then make sure it has."""
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
        with contextlib.suppress(OSError):
            if self.process.stdout is not None:
                self.process.stdout.close()


class DecodePool:
    """A few warm worker processes that run decodes under hard limits; ``run`` is safe from many threads.

    ``size`` is the number of workers and so of decodes at once; ``wall_s``, ``cpu_s`` and ``memory_bytes`` are the
    per-decode limits (see the module docstring). A caller with a nearer deadline passes ``timeout``.

    >>> pool = DecodePool(size=1, wall_s=5)
    >>> pool.run("echo", {}, b"x")[1]
    b'x'
    >>> pool.close()
    """

    def __init__(
        self,
        size: int = DECODE_WORKERS,
        *,
        wall_s: float = DECODE_WALL_S,
        cpu_s: int = DECODE_CPU_S,
        memory_bytes: int = DECODE_MEMORY_BYTES,
        max_tasks: int = MAX_TASKS_PER_WORKER,
    ) -> None:
        if size < 1:
            raise ValueError(f"size is {size} — a pool needs at least one worker")
        self.size, self.wall_s, self.cpu_s = size, wall_s, max(1, int(cpu_s))
        self.memory_bytes, self.max_tasks = memory_bytes, max_tasks
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0
        """How many workers were killed or died (overruns and crashes), for tests and benchmarks."""

    def warm(self) -> None:
        """Start the workers now (they import their modules in the background), so the first logo is not slow."""
        with self._lock:
            while len(self._idle) < self.size and not self._closed:
                self._idle.append(_Worker(self.memory_bytes))

    def run(
        self, task: str, params: dict[str, Any], body: bytes = b"", *, timeout: float | None = None
    ) -> tuple[dict[str, Any], bytes]:
        """Run ``task`` in a worker and return its (header, body); :class:`DecodeFailed` when the worker overran
        its limits or died. The call returns only once the worker has answered or has been killed and reaped."""
        limit = self.wall_s if timeout is None else max(0.0, min(self.wall_s, timeout))
        caller_deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        if not self._slots.acquire(timeout=limit):
            raise DecodeFailed(f"busy: {self.size} decodes were already running for {limit:g} s")
        try:
            try:
                worker = self._take()
            except OSError as error:  # no process could be started (out of processes or file descriptors)
                raise DecodeFailed(f"no decoder process could be started ({error})") from None
            try:
                answer = worker.call(task, params, body, self.wall_s, self.cpu_s, caller_deadline)
            except BaseException as error:  # noqa: BLE001 - any failure mid-call: the worker's state is unknown
                worker.kill()
                self.killed += 1
                with contextlib.suppress(OSError):  # the next call starts one if this cannot
                    self._replace()
                if isinstance(error, DecodeFailed) and str(error) == "timeout":
                    raise DecodeFailed(f"timeout: it took longer than {limit:g} s and was stopped") from None
                raise
            self._give_back(worker)
            return answer
        finally:
            self._slots.release()

    def close(self) -> None:
        """Stop every idle worker (workers busy in ``run`` are stopped by their callers)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.process.poll() is None:
                    return worker
                worker.kill()
        return _Worker(self.memory_bytes)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed and worker.tasks < self.max_tasks and worker.process.poll() is None:
                self._idle.append(worker)
                return
        worker.close()
        self._replace()

    def _replace(self) -> None:
        """Start a worker in place of one that is gone, so the next decode finds it warm."""
        with self._lock:
            if not self._closed and len(self._idle) < self.size:
                self._idle.append(_Worker(self.memory_bytes))

    def _forget(self) -> None:
        """In a forked child: the workers belong to the parent; start afresh."""
        self._idle, self._lock, self._slots = [], threading.Lock(), threading.BoundedSemaphore(self.size)


_POOL: DecodePool | None = None
_POOL_LOCK = threading.Lock()


def decode_pool() -> DecodePool | None:
    """The process-wide pool (``$SIMILARITY_DECODE_WORKERS`` workers, default 2), or None when set to 0."""
    global _POOL
    if _POOL is None:
        with _POOL_LOCK:
            if _POOL is None:
                raw = os.environ.get(WORKERS_ENV, "").strip()
                try:
                    size = int(raw) if raw else DECODE_WORKERS
                except ValueError:
                    raise ValueError(f"${WORKERS_ENV} is {raw!r} — give a number of worker processes") from None
                if size <= 0:
                    return None
                _POOL = DecodePool(size)
                atexit.register(_POOL.close)
    return _POOL


def warm_pool() -> None:
    """Start the shared pool's workers now (a server at start-up), so the first logo does not wait for them."""
    pool = decode_pool()
    if pool is not None:
        pool.warm()


def _after_fork_in_child() -> None:
    if _POOL is not None:
        _POOL._forget()


os.register_at_fork(after_in_child=_after_fork_in_child)

_DEADLINE = threading.local()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Decodes started on this thread inside the block stop (their worker killed) ``seconds`` from now at the
    latest: how a request's timeout ends its work instead of abandoning it.

    >>> with deadline(2.0):
    ...     0 < remaining() <= 2.0
    True
    """
    previous = getattr(_DEADLINE, "at", None)
    at = time.monotonic() + seconds
    _DEADLINE.at = at if previous is None else min(previous, at)
    try:
        yield
    finally:
        _DEADLINE.at = previous


def remaining() -> float | None:
    """Seconds left before this thread's :func:`deadline`, or None outside one."""
    at = getattr(_DEADLINE, "at", None)
    return None if at is None else at - time.monotonic()


# ---------------------------------------------------------------------------------------------- the worker side
TASKS: dict[str, Callable[[dict[str, Any], bytes], tuple[dict[str, Any], bytes]]] = {}
"""What a worker can do: task name → function(params, body) → (header, body). Filled by the modules that define
the tasks (``similarity.image.load`` registers its decoders), plus ``echo`` for tests."""


def _echo(params: dict[str, Any], body: bytes) -> tuple[dict[str, Any], bytes]:
    if params.get("sleep"):
        end = time.monotonic() + float(params["sleep"])
        while time.monotonic() < end:  # busy, like a runaway decode: the CPU limit sees it too
            pass
    if params.get("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if params.get("alloc"):
        bytearray(int(params["alloc"]))  # over RLIMIT_AS: a MemoryError, answered like a bomb's
    return dict(params), body


TASKS["echo"] = _echo


def serve(memory_bytes: int = DECODE_MEMORY_BYTES) -> None:  # pragma: no cover - runs in the worker process
    """The worker's main loop: limits set, modules imported, then one task at a time from stdin."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    inp = os.fdopen(os.dup(0), "rb", buffering=0)
    out = os.fdopen(os.dup(1), "wb")  # buffered: a write of a big answer is written whole, then flushed
    os.dup2(2, 1)  # a stray print from a library goes to stderr, never into the answers
    import resvg_py  # noqa: F401

    from . import load  # registers the decode tasks (and imports numpy, Pillow, resvg once)

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    out.write(_READY)
    out.flush()
    while True:
        head = _read_all(inp, _HEADER.size)
        if head is None:
            return
        head_len, body_len = _HEADER.unpack(head)
        request = json.loads(_read_all(inp, head_len) or b"{}")
        body = _read_all(inp, body_len) or b"" if body_len else b""
        used = resource.getrusage(resource.RUSAGE_SELF)
        soft = int(used.ru_utime + used.ru_stime) + 1 + int(request.get("cpu_s", DECODE_CPU_S))
        resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))
        try:
            header, payload = TASKS[request["task"]](request.get("params", {}), body)
        except MemoryError:
            header, payload = {"error": "the logo needs more memory than a logo may use — export it smaller"}, b""
        except load.LogoError as error:
            header, payload = {"error": str(error)}, b""
        except Exception as error:  # noqa: BLE001 - every failure is an answer, the worker lives on
            header = {"error": f"the logo could not be decoded ({type(error).__name__}: {str(error)[:200]}) — "
                               "export it again as PNG or SVG"}
            payload = b""
        data = json.dumps(header).encode("utf-8")
        out.write(_HEADER.pack(len(data), len(payload)) + data)
        out.write(payload)
        out.flush()


def _read_all(stream: Any, n: int) -> bytes | None:  # pragma: no cover - worker side
    chunks, missing = [], n
    while missing:
        chunk = stream.read(missing)
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)
