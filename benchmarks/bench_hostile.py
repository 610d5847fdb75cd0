"""Hostile uploads under load (issue 17): does any upload crash or freeze ``similarity serve``?

    python3 -m benchmarks.bench_hostile                       # 100 clients, 60 s per phase, 10k marks
    python3 -m benchmarks.bench_hostile --clients 40 --seconds 20

Two phases against one ``similarity serve`` subprocess on loopback, in the same invocation:

1. **all normal**: every client sends name checks (the peer: what the same server does undisturbed);
2. **10 % hostile**: one client in ten sends uploads from ``tests/hostile_corpus.py`` instead (the SVG that
   segfaulted resvg, the filter that froze it, 3,000 blurred circles, ``<use>`` fan-out, a 40 Mpx PNG, bombs, the
   costliest image the limits allow, JSON nested 10,000 deep …), the others the same name checks.

Counted: crashes (the server process gone, a 5xx other than the deadline's 504, or a dropped connection), hangs
(no answer within 30 s), 504s (the request's 10 s deadline: answered, its work stopped), normal-check p50/p99 in
each phase and their ratio, /health's slowest answer during each phase, the peak
RSS of the server and its decode workers. It also times a normal SVG logo decoded in the sandbox against the same
decode in-process (what it cost before the sandbox). Writes ``benchmarks/results/hostile.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import httpx
import numpy as np

from benchmarks.bench_service import (
    HOST,
    encode_request,
    free_port,
    queries,
    rss_mb,
    start_server,
    synthetic_marks,
    wait_healthy,
)
from similarity.store.index import MarkIndex
from tests import hostile_corpus as corpus

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "hostile.json"
HANG_S = 30.0
HOSTILE_SHARE = 10
"""One client in this many sends hostile uploads."""


def hostile_requests(base: str) -> list[tuple[str, bytes]]:
    """(name, encoded request) for every upload of the corpus, and the deep JSON body."""
    out = []
    for name, make in {**corpus.IMAGES, **corpus.EXPENSIVE_BUT_ALLOWED}.items():
        kind = "image/svg+xml" if name.endswith("svg") else "application/octet-stream"
        out.append((name, encode_request(base, "POST", "/v1/check", files={"logo": (name, make(), kind)},
                                         data={"name": "Kopi"})))
    out.append(("deep_json", encode_request(base, "POST", "/v1/check", content=corpus.deep_json(),
                                            headers={"content-type": "application/json"})))
    return out


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bool]:
    """Send one request and read its answer: (status, whether the server asked to close the connection)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length, close = 0, False
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == b"content-length":
            length = int(value)
        elif key.strip().lower() == b"connection" and value.strip().lower() == b"close":
            close = True
    await reader.readexactly(length)
    return int(head[9:12]), close


async def phase(base: str, label: str, clients: int, seconds: float, normal: list[bytes],
                hostile: list[tuple[str, bytes]] | None) -> dict:
    """Closed-loop clients for ``seconds``; with ``hostile``, client k with k % 10 == 0 sends those instead."""
    host, port = base.removeprefix("http://").split(":")
    deadline = time.perf_counter() + seconds
    normal_ms: list[float] = []
    hostile_status: dict[str, dict[str, int]] = {}
    failures = {"crash": 0, "hang": 0, "timeout_504": 0, "normal_not_200": 0}

    async def client(k: int) -> None:
        rng = random.Random(f"{label}/{k}")
        bad = hostile is not None and k % HOSTILE_SHARE == 0
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            i = 0
            while time.perf_counter() < deadline:
                name, request = hostile[i % len(hostile)] if bad else ("normal", rng.choice(normal))
                i += 1
                t0 = time.perf_counter()
                try:
                    status, close = await asyncio.wait_for(_answer(reader, writer, request), HANG_S)
                except TimeoutError:
                    failures["hang"] += 1
                    status, close = 0, True
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    failures["crash"] += 1  # the connection dropped without an answer
                    status, close = 0, True
                if status == 504:
                    failures["timeout_504"] += 1  # the request's deadline: answered, its work stopped
                elif status >= 500:
                    failures["crash"] += 1
                if bad:
                    hostile_status.setdefault(name, {})
                    hostile_status[name][str(status)] = hostile_status[name].get(str(status), 0) + 1
                else:
                    normal_ms.append((time.perf_counter() - t0) * 1000)
                    failures["normal_not_200"] += status != 200
                if close:
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    elapsed = time.perf_counter() - started
    ms = np.asarray(normal_ms) if normal_ms else np.zeros(1)
    return {"phase": label, "clients": clients, "hostile_clients": 0 if hostile is None else -(-clients // 10),
            "seconds": round(elapsed, 1), "normal_checks": len(normal_ms),
            "normal_rps": round(len(normal_ms) / elapsed, 1),
            "normal_p50_ms": round(float(np.percentile(ms, 50)), 1),
            "normal_p99_ms": round(float(np.percentile(ms, 99)), 1), "normal_max_ms": round(float(ms.max()), 1),
            "hostile_answers": hostile_status, **failures}


class Watch:
    """Samples the server's RSS (with its decode workers) and times GET /health every 0.25 s."""

    def __init__(self, base: str, pid: int) -> None:
        self.base, self.pid = base, pid
        self.peak_rss_mb, self.slowest_health_s, self.health_failures = 0.0, 0.0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        with httpx.Client(timeout=HANG_S) as http:
            while not self._stop.is_set():
                self.peak_rss_mb = max(self.peak_rss_mb, rss_mb(self.pid) or 0.0)
                t0 = time.perf_counter()
                try:
                    http.get(self.base + "/health").raise_for_status()
                    self.slowest_health_s = max(self.slowest_health_s, time.perf_counter() - t0)
                except httpx.HTTPError:
                    self.health_failures += 1
                self._stop.wait(0.25)


def svg_cost(repeat: int = 60) -> dict:
    """Median ms of a normal SVG logo (simple-icons) decoded in the sandbox and in this process (the old way)."""
    from similarity.image import load, sandbox

    svg = load._simple_icon_svg("github")
    sandbox.decode_pool().warm()
    load.load_logo_svg_text(svg)  # the worker is up

    def median(fn) -> float:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times)

    sandboxed = median(lambda: load.load_logo_svg_text(svg))
    real_pool = sandbox.decode_pool
    sandbox.decode_pool = lambda: None  # SIMILARITY_DECODE_WORKERS=0: decode here, unprotected
    try:
        in_process = median(lambda: load.load_logo_svg_text(svg))
    finally:
        sandbox.decode_pool = real_pool
    return {"svg_sandbox_ms_p50": round(sandboxed, 2), "svg_in_process_ms_p50": round(in_process, 2),
            "ratio": round(sandboxed / in_process, 2)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients (default 100)")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds per phase (default 60)")
    parser.add_argument("--marks", type=int, default=10_000, help="synthetic registry size (default 10k)")
    parser.add_argument("--workers", type=int, default=1, help="server processes (default 1: a crash is an outage)")
    args = parser.parse_args(argv)

    print("timing a normal SVG in the sandbox and in-process …", file=sys.stderr)
    cost = svg_cost()
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        folder = Path(tmp) / "index"
        print(f"indexing {args.marks:,} synthetic marks …", file=sys.stderr)
        index = MarkIndex()
        index.add([replace(mark, logo=None) for mark in synthetic_marks(args.marks)])  # names: what normal clients ask
        index.save(folder)
        bodies = queries(synthetic_marks(min(args.marks, 5_000)), 2_000, seed=7)
        port = free_port()
        base = f"http://{HOST}:{port}"
        server = start_server(folder, port, Path(tmp) / "server.log", args.workers)
        try:
            wait_healthy(base, server)
            normal = [encode_request(base, "POST", "/v1/check", json=body) for body in bodies]
            hostile = hostile_requests(base)
            asyncio.run(phase(base, "warm-up", 2, 3.0, normal, None))
            phases = []
            for label, bad in (("all normal", None), ("10% hostile", hostile)):
                print(f"{label}: {args.clients} clients for {args.seconds:g} s …", file=sys.stderr)
                with Watch(base, server.pid) as watch:
                    result = phase(base, label, args.clients, args.seconds, normal, bad)
                    result = asyncio.run(result)
                result.update(peak_rss_mb=round(watch.peak_rss_mb), slowest_health_s=round(watch.slowest_health_s, 2),
                              health_failures=watch.health_failures)
                phases.append(result)
            alive = server.poll() is None
            after = httpx.post(base + "/v1/check", json={"name": "Kopi Kenangan"}, timeout=HANG_S).status_code
        finally:
            server.terminate()
            try:
                server.wait(15)
            except Exception:  # noqa: BLE001 - a server that will not stop is killed
                server.kill()
            log_tail = (Path(tmp) / "server.log").read_text(errors="replace")[-3000:]

    calm, storm = phases
    results = {
        "date": date.today().isoformat(), "cpus": os.cpu_count(), "marks": args.marks, "clients": args.clients,
        "seconds": args.seconds, "server_workers": args.workers, "phases": phases, "svg_cost": cost,
        "server_alive_after": alive, "normal_check_after": after,
        "crashes": sum(p["crash"] for p in phases) + (not alive), "hangs": sum(p["hang"] for p in phases),
        "p99_ratio_hostile_vs_normal": round(storm["normal_p99_ms"] / max(calm["normal_p99_ms"], 1e-9), 2),
        "peak_rss_mb": max(p["peak_rss_mb"] for p in phases),
    }
    if results["crashes"] or results["hangs"]:
        results["server_log_tail"] = log_tail
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report(results)
    return results


def report(results: dict) -> None:
    print(f"\n{results['marks']:,} marks · {results['cpus']} CPUs shared by server and clients · "
          f"{results['server_workers']} server process(es) · timings are noisy on a shared machine")
    head = (f"{'phase':<12} {'clients':>7} {'hostile':>7} {'checks':>7} {'chk/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'crash':>5} {'hang':>4} {'504':>4} {'/health max s':>13} {'peak RSS MB':>11}")
    print(head + "\n" + "-" * len(head))
    for p in results["phases"]:
        print(f"{p['phase']:<12} {p['clients']:>7} {p['hostile_clients']:>7} {p['normal_checks']:>7} "
              f"{p['normal_rps']:>7} {p['normal_p50_ms']:>8} {p['normal_p99_ms']:>8} {p['crash']:>5} {p['hang']:>4} "
              f"{p['timeout_504']:>4} "
              f"{p['slowest_health_s']:>13} {p['peak_rss_mb']:>11}")
    print(f"\nnormal-check p99 with hostile clients / without: {results['p99_ratio_hostile_vs_normal']}x (goal ≤ 2) · "
          f"crashes {results['crashes']} · hangs {results['hangs']} · server alive after: "
          f"{results['server_alive_after']} · next normal check: HTTP {results['normal_check_after']}")
    storm = results["phases"][1]["hostile_answers"]
    print("hostile uploads answered: " + ", ".join(f"{k} {v}" for k, v in sorted(storm.items())))
    c = results["svg_cost"]
    print(f"normal SVG logo: {c['svg_sandbox_ms_p50']} ms in the sandbox vs {c['svg_in_process_ms_p50']} ms "
          f"in-process ({c['ratio']}x)")


if __name__ == "__main__":
    main()
