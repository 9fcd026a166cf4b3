"""Load with locust: simulated users each having deploy/locustfile.py's multi-turn conversation, think time 0.

locust runs from its own venv (.venv-load, system python3): its dependencies must not meet Rasa's pins.
Every turn is logged by the locustfile; the figures are computed from that log.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOAD_VENV = ROOT / ".venv-load"
LOCUST_VERSION = "2.31.8"
LOCUSTFILE = ROOT / "deploy" / "locustfile.py"


def locust_binary() -> Path:
    binary = LOAD_VENV / "bin" / "locust"
    if not binary.exists():
        print(f"==> installing locust {LOCUST_VERSION} into {LOAD_VENV}", flush=True)
        subprocess.run(["python3", "-m", "venv", str(LOAD_VENV)], check=True)
        subprocess.run([str(LOAD_VENV / "bin" / "pip"), "install", "-q", f"locust=={LOCUST_VERSION}"], check=True)
    return binary


@dataclass(frozen=True)
class LoadResult:
    users: int
    sent: int
    errors: int  # no reply, an HTTP error or the bot's apology for a failed turn
    per_second: float  # answered turns per second over the load itself
    p50: float  # seconds
    p95: float


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def summarise(turns: list[dict], users: int) -> LoadResult:
    if not turns:
        return LoadResult(users, 0, 0, 0.0, float("nan"), float("nan"))
    failed = [t for t in turns if t["status"] != 200 or not t["replies"] or t["apology"]]
    latencies = sorted(t["seconds"] for t in turns)
    duration = max(t["started"] + t["seconds"] for t in turns) - min(t["started"] for t in turns)
    return LoadResult(
        users,
        len(turns),
        len(failed),
        (len(turns) - len(failed)) / duration,
        percentile(latencies, 0.5),
        percentile(latencies, 0.95),
    )


def run_load(host: str, users: int, seconds: int, work: Path, name: str) -> LoadResult:
    """locust with `users` users for `seconds` seconds against host; its output goes to <work>/<name>.log."""
    log = work / f"{name}.jsonl"
    log.unlink(missing_ok=True)
    with open(work / f"{name}.log", "wb") as output:
        subprocess.run(
            [
                str(locust_binary()),
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--host",
                host,
                "--only-summary",
                "--stop-timeout",
                "30",
            ],
            env={**os.environ, "LOAD_LOG": str(log)},
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    turns = [json.loads(line) for line in log.read_text().splitlines() if line.strip()] if log.exists() else []
    return summarise(turns, users)
