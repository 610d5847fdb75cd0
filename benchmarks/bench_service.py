"""Service benchmark: `similarity serve` under concurrent load on 127.0.0.1, and its refusals of bad requests.

    python -m benchmarks.bench_service            # 100k marks, 100 clients, 60 s per phase (about 6 minutes)
    python -m benchmarks.bench_service --quick    # 10k marks, 20 clients, 10 s per phase (about a minute)

A synthetic registry of brand-like names (deterministic, seeded; 2% carry a simple-icons logo) is indexed into a
temporary folder, the ``serve`` command is started on it in a subprocess, and closed-loop clients
(plain asyncio connections, one keep-alive connection each) post checks for a fixed time: name-only JSON, then name+logo
multipart uploads, after a short unrecorded warm-up. Each runs once with a single client (the latency of one
check) and once with all clients (throughput, and latency under saturation: by Little's law p50 ≈ clients /
throughput). Every request loop is bounded in count and time, and only 127.0.0.1 is ever contacted. Clients and
server share this machine's cores.

In the same run the same checks are timed in-process without HTTP (the CPU a check costs, hence the most checks per
second the cores can give) and GET /health is loaded with all clients (what HTTP and the clients cost alone): with
Little's law these tell whether a latency goal for N closed-loop clients can be reached on this machine at all.

Then every bad request of the issue is sent once — malformed JSON, wrong types, a 50 MB upload (declared and
streamed), a PNG bomb, unknown class 99, an empty name — and must get a 4xx while /health keeps answering 200.
Results go to benchmarks/results/service.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import json
import os
import random
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import date
from pathlib import Path

import httpx
import numpy as np

from similarity.image.hash import hash_logo
from similarity.image.load import LogoError, load_logo
from similarity.store.index import MarkIndex
from similarity.values import Mark

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "service.json"
HOST = "127.0.0.1"
GOAL_P99_MS = 400.0
MAX_REQUESTS_PER_CLIENT = 100_000
LOGO_SLUGS = ("github", "gitlab", "android", "apple", "shopee", "tokopedia", "gojek", "grab", "bukalapak",
              "starbucks", "mcdonalds", "burgerking", "visa", "mastercard", "paypal", "spotify", "youtube",
              "whatsapp", "telegram", "instagram", "facebook", "tiktok", "netflix", "adidas", "nike", "puma",
              "samsung", "xiaomi", "oppo", "huawei", "toyota", "honda", "suzuki", "yamahacorporation", "bmw",
              "audi", "shell", "ikea", "zara", "uniqlo", "redbull", "cocacola", "pepsi", "lego", "airbnb", "uber",
              "discord", "slack", "docker", "python")

# ---------------------------------------------------------------------------------------------- synthetic registry
WORDS = ("kopi", "ayam", "sari", "jaya", "makmur", "sejahtera", "mitra", "abadi", "indah", "sentosa", "bakso",
         "geprek", "susu", "roti", "kue", "mie", "sambal", "batik", "rumah", "dapur", "mama", "ibu", "bunda",
         "raja", "ratu", "emas", "putih", "hitam", "merah", "bintang", "matahari", "bulan", "bunga", "kucing",
         "coffee", "chicken", "milk", "king", "gold", "sun", "fresh", "healthy", "glow", "beauty", "store")
ONSETS = ("b", "c", "d", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "w", "y", "ng", "ny", "kr", "tr")
VOWELS = ("a", "i", "u", "e", "o")
CODAS = ("", "", "", "n", "ng", "r", "k", "s", "t", "l")
COMMON_CLASSES = (30, 43, 35, 29, 25, 3, 32, 5, 9, 41, 44, 18, 14, 20, 21)


def pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.randint(2, 3)))


def brand_name(rng: random.Random) -> str:
    words = [rng.choice(WORDS) if rng.random() < 0.35 else pseudo_word(rng) for _ in range(rng.choice((1, 2, 2, 3)))]
    return " ".join(w.capitalize() for w in words)


def brand_classes(rng: random.Random) -> tuple[int, ...]:
    picks = {rng.choice(COMMON_CLASSES) if rng.random() < 0.7 else rng.randint(1, 45)
             for _ in range(rng.choice((1, 1, 2, 3)))}
    return tuple(sorted(picks))


def synthetic_marks(n: int, seed: int = 20240601) -> list[Mark]:
    """``n`` brand-like marks, the same for the same seed; about 2% carry a simple-icons logo."""
    rng = random.Random(seed)
    statuses = ("registered",) * 8 + ("pending", "expired")
    return [Mark(id=f"SYN{i:07d}", name=brand_name(rng), owner=f"CV {pseudo_word(rng).capitalize()}",
                 classes=brand_classes(rng), status=rng.choice(statuses),
                 logo=f"simple-icons:{rng.choice(LOGO_SLUGS)}" if rng.random() < 0.02 else None)
            for i in range(n)]


def build_registry(n: int, folder: Path) -> tuple[int, float]:
    """Index ``n`` synthetic marks into ``folder``; returns (marks indexed, seconds)."""
    started = time.perf_counter()
    marks = synthetic_marks(n)
    hashes: dict[str, np.ndarray | None] = {}
    for slug in LOGO_SLUGS:
        try:
            hashes[slug] = hash_logo(f"simple-icons:{slug}")
        except LogoError:
            hashes[slug] = None  # an icon missing from this simple-icons release: its marks go without a logo
    index = MarkIndex()
    with index.insertion_session() as session:
        for mark in marks:
            code = hashes.get(mark.logo.split(":", 1)[1]) if mark.logo else None
            if mark.logo and code is None:
                mark = dataclasses.replace(mark, logo=None)
            session.insert(mark, code, hash_missing=False)
    index.save(folder)
    return len(index), time.perf_counter() - started


def queries(marks_sample: list[Mark], n: int, seed: int) -> list[dict]:
    """Half near-misses of registered names (one letter changed, old spelling), half fresh names."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            name = rng.choice(marks_sample).name
            i = rng.randrange(len(name))
            name = name[:i] + rng.choice("aiueokgs") + name[i + 1:]
            name = name.replace("u", "oe") if rng.random() < 0.2 else name
        else:
            name = brand_name(rng)
        body: dict = {"name": name}
        if rng.random() < 0.6:
            body["classes"] = list(brand_classes(rng))
        out.append(body)
    return out


def logo_uploads() -> list[bytes]:
    pngs = []
    for slug in LOGO_SLUGS[:20]:
        try:
            image = load_logo(f"simple-icons:{slug}")
        except LogoError:
            continue
        out = io.BytesIO()
        image.save(out, format="PNG")
        pngs.append(out.getvalue())
    return pngs


# ---------------------------------------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(index: Path, port: int, log: Path, workers: int = 1) -> subprocess.Popen:
    """The ``serve`` command on 127.0.0.1 in a subprocess, as ``similarity serve`` runs it."""
    runner = "import typer; from similarity.service.cli import serve_command; typer.run(serve_command)"
    command = [sys.executable, "-c", runner, "--index", str(index), "--host", HOST, "--port", str(port), "--quiet",
               "--workers", str(workers)]
    env = {**os.environ, "SIMILARITY_API_TOKEN": ""}
    return subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env, cwd=ROOT)


def wait_healthy(base: str, process: subprocess.Popen, timeout: float = 300) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before answering /health")
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /health within {timeout:g} s")


def rss_mb(pid: int) -> float | None:
    """Resident memory of ``pid`` and all its descendants (the server's worker processes)."""
    total, todo, seen = 0.0, [pid], False
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
                    seen = True
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total if seen else None


def library_floor(folder: Path, bodies: list[dict], n: int = 300) -> dict:
    """The same checks in this process, one at a time, without HTTP: the CPU a check costs, hence the most checks
    per second this machine's cores can give and (Little's law) the least mean latency for N closed-loop clients."""
    import faiss

    from similarity.pipeline import check

    faiss.omp_set_num_threads(1)
    index = MarkIndex.load(folder)
    for body in bodies[:20]:  # warm caches as the service's warm-up does
        check(index, body["name"], classes=body.get("classes", ()))
    ms = []
    for body in bodies[20 : 20 + n]:
        t0 = time.process_time()
        check(index, body["name"], classes=body.get("classes", ()))
        ms.append((time.process_time() - t0) * 1000)
    mean = statistics.fmean(ms)
    cpus = os.cpu_count() or 1
    return {"checks": len(ms), "cpu_ms_p50": round(float(np.percentile(ms, 50)), 2), "cpu_ms_mean": round(mean, 2),
            "cpus": cpus, "max_checks_per_s": round(cpus * 1000 / mean, 1)}


def batching_gain(folder: Path, bodies: list[dict], clients: int = 100, n: int = 300) -> dict:
    """Is answering concurrent checks in batches cheaper? The same checks three ways in this process: one after
    another (no dispatch at all), `clients` concurrent requests each handed to a thread of its own
    (``anyio.to_thread``, one at a time: how the server ran checks before batching) and `clients` concurrent requests
    through the server's check slots (:class:`similarity.service.batch.CheckBatches`: one slot thread answers every
    check waiting, each within its deadline). A batch shares no work between its checks (each query has its own
    candidates, scored by rapidfuzz for that query), so it can save only the dispatch."""
    import anyio
    import faiss

    from similarity.pipeline import check
    from similarity.service.batch import CheckBatches

    index = MarkIndex.load(folder)
    work = [(b["name"], tuple(b.get("classes", ()))) for b in bodies[:n]]
    for name, classes in work[:20]:
        check(index, name, classes=classes)

    def one(item: tuple[str, tuple[int, ...]]) -> str:
        faiss.omp_set_num_threads(1)  # per thread, as the service does it (similarity.service.work._single_threaded)
        return check(index, item[0], classes=item[1]).to_json()

    t0 = time.perf_counter()
    for item in work:
        one(item)
    sequential = time.perf_counter() - t0

    async def dispatched() -> None:
        limiter = anyio.CapacityLimiter(1)
        queue = iter(work)

        async def client() -> None:
            for item in queue:
                await anyio.to_thread.run_sync(one, item, limiter=limiter)

        async with anyio.create_task_group() as tg:
            for _ in range(clients):
                tg.start_soon(client)

    slots = CheckBatches(threads=1)

    async def batched() -> None:
        queue = iter(work)

        async def client() -> None:
            for item in queue:
                await slots.run(lambda item=item: one(item), timeout=600)

        await asyncio.gather(*(client() for _ in range(clients)))

    t0 = time.perf_counter()
    asyncio.run(dispatched())
    one_by_one = time.perf_counter() - t0
    t0 = time.perf_counter()
    asyncio.run(batched())
    in_batches = time.perf_counter() - t0
    slots.close()
    per = {k: round(v * 1000 / len(work), 3) for k, v in
           (("sequential", sequential), ("dispatched_one_by_one", one_by_one), ("batched", in_batches))}
    return {"checks": len(work), "clients": clients, "ms_per_check": per, "batches": slots.batches,
            "checks_per_batch": round(slots.answered / max(slots.batches, 1), 1),
            "batching_saves_pct": round(100 * (one_by_one - in_batches) / one_by_one, 1)}


# ---------------------------------------------------------------------------------------------- load
def encode_request(base: str, method: str, path: str, **kwargs) -> bytes:
    """One HTTP/1.1 request as bytes (httpx builds it once), so the load loop spends no CPU on encoding."""
    request = httpx.Request(method, base + path, **kwargs)
    body = request.read()
    head = [f"{method} {path} HTTP/1.1", f"Host: {request.url.netloc.decode()}", "Connection: keep-alive"]
    head += [f"{k}: {v}" for k, v in request.headers.items() if k.lower() not in ("host", "connection")]
    if body and "content-length" not in request.headers:
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, float]:
    """Send one request on a keep-alive connection and read its whole answer; returns the status code and the
    answer's Retry-After in seconds (0 without one)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, retry_after = 0, 0.0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
        elif line[:12].lower() == b"retry-after:":
            retry_after = float(line[12:])
    await reader.readexactly(length)
    return status, retry_after


async def load_phase(base: str, label: str, clients: int, seconds: float, requests: list[bytes]) -> dict:
    """Closed-loop clients, one keep-alive connection each, sending pre-encoded requests for ``seconds``: latency
    of every request, errors counted, nothing retried; a client told 503 with Retry-After (the server is busy)
    waits that long before its next request, as a polite client does. The latency of the answered requests (200)
    is reported beside that of all. Plain asyncio streams, not an HTTP library: the clients share the server's 2
    cores, and httpx with 100 connections took so much CPU that GET /health topped out at 120/s."""
    latencies: list[float] = []
    answered: list[float] = []
    errors: dict[str, int] = {}
    host, port = base.removeprefix("http://").split(":")
    deadline = time.perf_counter() + seconds

    async def client(k: int) -> None:
        rng = random.Random(f"{label}/{clients}/{k}")  # no phase replays another's queries (warm caches)
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for _ in range(MAX_REQUESTS_PER_CLIENT):
                if time.perf_counter() >= deadline:
                    return
                t0 = time.perf_counter()
                retry_after = 0.0
                try:
                    status, retry_after = await asyncio.wait_for(_exchange(reader, writer, rng.choice(requests)), 30)
                    key = None if status == 200 else f"HTTP {status}"
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError) as e:
                    key = type(e).__name__
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                latencies.append(time.perf_counter() - t0)
                if key:
                    errors[key] = errors.get(key, 0) + 1
                else:
                    answered.append(latencies[-1])
                if retry_after:
                    await asyncio.sleep(min(retry_after, max(deadline - time.perf_counter(), 0.0)))
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    elapsed = time.perf_counter() - started
    ms = np.asarray(latencies) * 1000
    return {
        "phase": label, "clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies),
        "errors": sum(errors.values()), "error_kinds": errors,
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 1), "p90_ms": round(float(np.percentile(ms, 90)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1), "max_ms": round(float(ms.max()), 1),
        "mean_ms": round(statistics.fmean(ms), 1),
        "answered": len(answered), "answered_rps": round(len(answered) / elapsed, 1),
        **({"answered_p50_ms": round(float(np.percentile(answered, 50)) * 1000, 1),
            "answered_p99_ms": round(float(np.percentile(answered, 99)) * 1000, 1)} if answered else {}),
    }


# ---------------------------------------------------------------------------------------------- bad requests
def png_bomb(side: int) -> bytes:
    """A few hundred bytes of PNG whose header claims side x side pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 4096, 9))
            + chunk(b"IEND", b""))


def streamed_upload(total: int):
    yield b'--b\r\nContent-Disposition: form-data; name="logo"; filename="big.png"\r\n\r\n'
    sent = 0
    while sent < total:
        yield b"\0" * 1_048_576
        sent += 1_048_576
    yield b"\r\n--b--\r\n"


BIG = 50 * 1024 * 1024
BAD_REQUESTS = [
    ("malformed JSON", {"content": b'{"name": "Kopi', "headers": {"content-type": "application/json"}}),
    ("wrong type: name is a number", {"json": {"name": 12345}}),
    ("wrong type: classes is an object", {"json": {"name": "Kopi", "classes": {"a": 1}}}),
    ("50 MB upload (Content-Length)", {"files": {"logo": ("big.png", b"\0" * BIG, "image/png")}}),
    ("50 MB upload (chunked stream)", {"content": "stream", "headers": {"content-type":
                                                                       "multipart/form-data; boundary=b"}}),
    ("PNG bomb 8000x8000", {"files": {"logo": ("bomb.png", png_bomb(8_000), "image/png")}}),
    ("PNG bomb 50000x50000", {"files": {"logo": ("bomb.png", png_bomb(50_000), "image/png")}}),
    ("unknown class 99", {"json": {"name": "Kopi", "classes": [99]}}),
    ("46 classes", {"json": {"name": "Kopi", "classes": list(range(1, 46)) + [1]}}),
    ("empty name", {"json": {"name": ""}}),
    ("name of 10,000 characters", {"json": {"name": "kopi " * 2000}}),
    ("not an image", {"files": {"logo": ("x.png", b"<html>hello</html>", "image/png")}}),
]


def bad_requests(base: str) -> list[dict]:
    rows = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for label, kwargs in BAD_REQUESTS:
            if kwargs.get("content") == "stream":
                kwargs = {**kwargs, "content": streamed_upload(BIG)}
            t0 = time.perf_counter()
            try:
                response = client.post("/v1/check", **kwargs)
                status, error = response.status_code, response.json().get("error")
            except (httpx.HTTPError, ValueError) as e:
                status, error = None, type(e).__name__
            ms = (time.perf_counter() - t0) * 1000
            health = client.get("/health").status_code
            rows.append({"request": label, "status": status, "error": error, "ms": round(ms, 1),
                         "health_after": health, "ok": status is not None and 400 <= status < 500 and health == 200})
    return rows


# ---------------------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k marks, 20 clients, 10 s per phase")
    parser.add_argument("--marks", type=int, help="registry size (default 100k, quick 10k)")
    parser.add_argument("--clients", type=int, help="concurrent clients (default 100, quick 20)")
    parser.add_argument("--seconds", type=float, help="seconds per loaded phase (default 60, quick 10)")
    parser.add_argument("--index", type=Path, help="reuse the synthetic index in this folder (built there if absent)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: CPUs)")
    args = parser.parse_args(argv)
    n_marks = args.marks or (10_000 if args.quick else 100_000)
    clients = args.clients or (20 if args.quick else 100)
    seconds = args.seconds or (10.0 if args.quick else 60.0)
    single_seconds = min(seconds, 10.0)

    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        folder = args.index or Path(tmp) / "index"
        if (folder / "manifest.json").exists():
            indexed, build_s = len(MarkIndex.load(folder)), float("nan")
        else:
            print(f"indexing {n_marks:,} synthetic marks …", file=sys.stderr)
            indexed, build_s = build_registry(n_marks, folder)
        sample = synthetic_marks(min(n_marks, 5_000))
        name_bodies = queries(sample, 2_000, seed=7)
        print("timing the same checks in-process (no HTTP) …", file=sys.stderr)
        floor = library_floor(folder, name_bodies)
        print("the same checks dispatched one by one and in batches (in-process) …", file=sys.stderr)
        batching = batching_gain(folder, name_bodies, clients)
        port = free_port()
        base = f"http://{HOST}:{port}"
        log = Path(tmp) / "server.log"
        server = start_server(folder, port, log, args.workers)
        try:
            startup_s = wait_healthy(base, server)
            pngs = logo_uploads()

            rng = random.Random(11)
            name_only = [encode_request(base, "POST", "/v1/check", json=body) for body in name_bodies]
            name_and_logo = [
                encode_request(base, "POST", "/v1/check", files={"logo": ("logo.png", rng.choice(pngs), "image/png")},
                               data={"name": body["name"], **({"classes": ",".join(map(str, body["classes"]))}
                                                              if "classes" in body else {})})
                for body in name_bodies
            ]
            health = [encode_request(base, "GET", "/health")]

            # warm-up, not recorded: the first checks after start fill the library's caches
            asyncio.run(load_phase(base, "warm-up", 2, min(seconds, 5.0), name_only))
            asyncio.run(load_phase(base, "warm-up", 2, min(seconds, 3.0), name_and_logo))
            phases = []
            for label, make in (("name only", name_only), ("name + logo", name_and_logo)):
                for c, s in ((1, single_seconds), (clients, seconds)):
                    print(f"{label}: {c} client(s) for {s:g} s …", file=sys.stderr)
                    phases.append(asyncio.run(load_phase(base, label, c, s, make)))
            print(f"/health: {clients} clients for {single_seconds:g} s (the HTTP ceiling) …", file=sys.stderr)
            ceiling = asyncio.run(load_phase(base, "GET /health", clients, single_seconds, health))
            refusals = bad_requests(base)
            memory = rss_mb(server.pid)
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
            server_log = log.read_text(errors="replace")[-3000:]

    results = {
        "date": date.today().isoformat(), "quick": args.quick, "cpus": os.cpu_count(), "marks": indexed,
        "build_s": round(build_s, 1), "server_startup_s": round(startup_s, 1), "server_rss_mb": memory,
        "server_workers": args.workers, "goal_p99_ms_name_only": GOAL_P99_MS, "phases": phases,
        "library_floor": floor, "batching": batching, "http_ceiling": ceiling,
        "little_law": little_law(floor, ceiling, clients), "bad_requests": refusals,
        "total_errors": sum(p["errors"] for p in phases), "all_refusals_4xx": all(r["ok"] for r in refusals),
    }
    if results["total_errors"] or not results["all_refusals_4xx"]:
        results["server_log_tail"] = server_log
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report(results)
    return results


def little_law(floor: dict, ceiling: dict, clients: int) -> dict:
    """What a p99 goal needs from closed-loop clients: N clients with no think time and a throughput X wait N / X
    on average, and p99 is at least the mean."""
    need = clients * 1000 / GOAL_P99_MS
    return {"clients": clients, "needed_checks_per_s_for_goal": round(need, 1),
            "max_checks_per_s_cpu": floor["max_checks_per_s"],
            "least_mean_ms_at_cpu_bound": round(clients * 1000 / floor["max_checks_per_s"], 1),
            "health_requests_per_s": ceiling["throughput_rps"],
            "goal_reachable": floor["max_checks_per_s"] >= need and ceiling["throughput_rps"] >= need}


def report(results: dict) -> None:
    print(f"\n{results['marks']:,} marks · {results['cpus']} CPUs shared by server and clients · index built in "
          f"{results['build_s']} s · server up in {results['server_startup_s']} s · "
          f"RSS {results['server_rss_mb']:.0f} MB")
    head = f"{'phase':<12} {'clients':>7} {'requests':>9} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} " \
           f"{'p99 ms':>8} {'max ms':>8} {'200/s':>7} {'200 p99':>8}"
    print(head + "\n" + "-" * len(head))
    for p in results["phases"]:
        print(f"{p['phase']:<12} {p['clients']:>7} {p['requests']:>9} {p['errors']:>6} {p['throughput_rps']:>8} "
              f"{p['p50_ms']:>8} {p['p90_ms']:>8} {p['p99_ms']:>8} {p['max_ms']:>8} {p.get('answered_rps', '')!s:>7} "
              f"{p.get('answered_p99_ms', '')!s:>8}")
    c = results["http_ceiling"]
    print(f"{c['phase']:<12} {c['clients']:>7} {c['requests']:>9} {c['errors']:>6} {c['throughput_rps']:>8} "
          f"{c['p50_ms']:>8} {c['p90_ms']:>8} {c['p99_ms']:>8} {c['max_ms']:>8}")
    f, law = results["library_floor"], results["little_law"]
    print(f"\nserver processes: {results['server_workers']}. One check in-process, no HTTP: {f['cpu_ms_p50']} ms CPU "
          f"p50, {f['cpu_ms_mean']} ms mean → at most {f['max_checks_per_s']} checks/s on {f['cpus']} cores.\n"
          f"p99 ≤ {GOAL_P99_MS:g} ms with {law['clients']} closed-loop clients needs ≥ "
          f"{law['needed_checks_per_s_for_goal']:g} answers/s (Little's law); at the CPU bound the mean wait is ≥ "
          f"{law['least_mean_ms_at_cpu_bound']} ms; GET /health alone reaches {law['health_requests_per_s']} req/s. "
          f"Goal reachable on this machine: {law['goal_reachable']}")
    b = results["batching"]
    print(f"in-process, {b['clients']} concurrent checks: {b['ms_per_check']['sequential']} ms each one after another, "
          f"{b['ms_per_check']['dispatched_one_by_one']} ms handed to a thread one by one, "
          f"{b['ms_per_check']['batched']} ms answered in batches by the server's check slots ({b['checks_per_batch']} "
          f"checks a batch; saves {b['batching_saves_pct']} %)")
    print(f"\n{'bad request':<34} {'status':>6}  {'error':<22} {'ms':>7}  /health")
    for r in results["bad_requests"]:
        print(f"{r['request']:<34} {r['status']!s:>6}  {r['error']!s:<22} {r['ms']:>7}  {r['health_after']}")
    print(f"\nerrors under load: {results['total_errors']} · every bad request refused with a 4xx and /health "
          f"still 200: {results['all_refusals_4xx']}")


if __name__ == "__main__":
    main()
