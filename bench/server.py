"""gunicorn on loopback for the benchmark, and a signed-in session cookie."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

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
