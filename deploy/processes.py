"""Start and stop the project's servers as child processes: free ports, the environment they need, readiness
checks, clean shutdown. Used by the scaled layout (deploy/scaled.py), the local stack (deploy/stack.py), the
benchmark and the tests, so there is one copy of each helper."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**extra: str) -> dict[str, str]:
    """This process's environment with what the project's servers need (the Makefile exports the same)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    env.update(extra)
    return env


class Process:
    """A child process in its own session (so its children stop with it), with its output in <log_dir>/<name>.log,
    ready when `ready_url` answers, or else when `ready_port` accepts a connection."""

    def __init__(
        self,
        name: str,
        command: list[str],
        env: dict[str, str],
        log_dir: Path,
        ready_url: str | None = None,
        ready_port: int | None = None,
    ):
        self.name, self.command, self.env = name, command, env
        self.ready_url, self.ready_port = ready_url, ready_port
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float | None = None) -> Process:
        """Start it; with a timeout, also wait until it is ready (stopped again if it is not)."""
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the file
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        if timeout is not None:
            try:
                self.wait_ready(timeout)
            except RuntimeError:
                self.stop()
                raise
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if self.ready_url:
                    urllib.request.urlopen(self.ready_url, timeout=2).close()
                else:
                    socket.create_connection(("127.0.0.1", self.ready_port or 0), timeout=2).close()
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def kill(self, sig: int = signal.SIGTERM) -> None:
        """Send `sig` to its whole session and wait for it (SIGKILL after 20 s)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
