"""gunicorn on loopback for the benchmark, a signed-in session cookie, and pages timed in-process."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from sqlalchemy import select

from exchange import create_app
from exchange.extensions import db
from exchange.models import User

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """Runs ``wsgi:app`` against the bench database; always stopped on exit."""

    def __init__(self, database: Path, *, workers: int, threads: int):
        database = database.resolve()
        self.port = free_port()
        self.workers, self.threads = workers, threads
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench-secret",
               "SQL_COUNT_HEADER": "1", "RATELIMIT_STORAGE_URI": "memory://",
               "EXCHANGE_INSTANCE_DIR": str(database.parent / "instance")}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.command = [str(gunicorn), "--workers", str(workers), "--threads", str(threads),
                        "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "wsgi:app"]
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _, _ = request(self.port, "/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited during start-up")
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz within 30 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def describe(self) -> dict:
        return {"server": "gunicorn", "workers": self.workers, "threads": self.threads, "bind": "127.0.0.1"}


def request(port: int, path: str, *, method: str = "GET", body: str | None = None,
            headers: dict | None = None) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text
    finally:
        conn.close()


def _session_cookie(headers: dict) -> str:
    match = re.search(r"session=([^;]+)", headers.get("set-cookie", ""))
    if not match:
        raise RuntimeError("the server set no session cookie")
    return match.group(1)


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the real form (CSRF and all); returns the Cookie header value."""
    status, headers, page = request(port, "/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if status != 200 or not token:
        raise RuntimeError("could not read the login form")
    cookie = f"session={_session_cookie(headers)}"
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email, "password": password})
    status, headers, _ = request(port, "/login", method="POST", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    if status != 303:
        raise RuntimeError(f"sign-in failed with HTTP {status}")
    return f"session={_session_cookie(headers)}"


def in_process(database: Path, email: str, paths: dict, *, rounds: int) -> dict:
    """Each page's full request (view, queries, template) timed in this process with Flask's test client,
    one at a time after one untimed request: the page's own cost, without the load generator and the
    other workers competing for the CPUs. The session is signed in as ``email`` directly. Timed twice:
    as served (``p50_ms``, ``p95_ms``: the rendered results cached, as under load) and with the fragment
    cache off (``cold_…``: every count, id and row read and rendered, as for a filter set no one asked
    for since the last write)."""
    results = {name: {"runs": rounds} for name in paths}
    for prefix, cache in (("", True), ("cold_", False)):
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database.resolve()}", "SECRET_KEY": "bench",
                          "INSTANCE_DIR": str(database.parent / "instance"), "FRAGMENT_CACHE": cache})
        with app.app_context():
            user_id = db.session.scalar(select(User).where(User.email == email)).get_id()
            db.session.remove()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = user_id, True
        for name, path in paths.items():
            if client.get(path).status_code != 200:
                raise RuntimeError(f"{path} answered an error in-process")
            samples = []
            for _ in range(rounds):
                started = time.perf_counter()
                client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            results[name].update({f"{prefix}p50_ms": round(statistics.median(samples), 1),
                                  f"{prefix}p95_ms": round(samples[min(int(0.95 * rounds), rounds - 1)], 1)})
        with app.app_context():
            db.engine.dispose()
    return results
