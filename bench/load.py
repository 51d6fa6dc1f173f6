"""Drive one URL at a fixed concurrency: wrk when installed, else a Python keep-alive client.

Both report requests/s, p50/p95 latency (ms) and non-2xx responses, so figures in one run
compare; the JSON names the tool used.
"""
from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def drive(port: int, path: str, *, cookie: str, concurrency: int, duration: float) -> dict:
    if tool() == "wrk":
        return _wrk(port, path, cookie, concurrency, duration)
    return _python(port, path, cookie, concurrency, duration)


def _wrk(port: int, path: str, cookie: str, concurrency: int, duration: float) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{concurrency}", f"-d{max(int(duration), 1)}s", "-s", script.name,
             "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, check=True).stdout
    finally:
        Path(script.name).unlink(missing_ok=True)
    data = json.loads(out.split("WRK_JSON", 1)[1].strip().splitlines()[0])
    seconds = data["duration_us"] / 1e6
    return {"rps": round(data["requests"] / seconds, 1), "p50_ms": round(data["p50_us"] / 1000, 2),
            "p95_ms": round(data["p95_us"] / 1000, 2), "requests": data["requests"], "errors": data["errors"]}


def _python(port: int, path: str, cookie: str, concurrency: int, duration: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + duration

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        while time.perf_counter() < stop:
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                bad += response.status >= 300
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - began)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(int(len(latencies) * p), len(latencies) - 1)] * 1000, 2) if latencies else 0.0

    return {"rps": round(len(latencies) / elapsed, 1), "p50_ms": pct(0.50), "p95_ms": pct(0.95),
            "requests": len(latencies), "errors": errors[0]}
