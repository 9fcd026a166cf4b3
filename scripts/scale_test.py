"""The scale test (`make scale-test`): the scaled layout on loopback under locust, with faults.

50 users, each one realistic conversation after another with no think time, for 2 minutes (LOAD_USERS,
LOAD_SECONDS). A third of the way in, one Rasa process is killed (SIGKILL) and started again; two thirds of
the way in, PostgreSQL is restarted. Then every conversation is checked against the tracker store: each
message answered exactly once and in order, the conversation's context kept (a "tell me more" is about the
topic just asked), and every failed turn answered with the apology rather than silence.
The last line gives the figures; the exit status is 0 only when nothing was lost, duplicated or reordered.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import LOCUSTFILE, locust_binary, percentile  # noqa: E402
from deploy.scaled import Layout  # noqa: E402
from knowledge.settings import load  # noqa: E402

USERS, SECONDS = load().users, load().seconds
CYCLE_START = "hello"  # the first message of deploy/locustfile.py's conversation


def inject_faults(layout: Layout, log: list[str]) -> None:
    time.sleep(SECONDS / 3)
    log.append(f"{time.strftime('%H:%M:%S')} killed rasa-1")
    layout.kill_rasa(1)
    started = time.monotonic()
    layout.start_rasa(1)
    log.append(f"{time.strftime('%H:%M:%S')} rasa-1 back after {time.monotonic() - started:.0f} s")
    time.sleep(max(0.0, SECONDS * 2 / 3 - (time.monotonic() - started) - SECONDS / 3))
    log.append(f"{time.strftime('%H:%M:%S')} restarting PostgreSQL")
    layout.restart_postgres()
    log.append(f"{time.strftime('%H:%M:%S')} PostgreSQL back")


def stored_turns(layout: Layout) -> dict[str, list[int]]:
    """Each sender's message numbers (from the message metadata) in the order the tracker store holds them."""
    import sqlalchemy as sa

    engine = sa.create_engine(layout.pg_url("trackers", "postgresql+psycopg2"))
    stored: dict[str, list[int]] = collections.defaultdict(list)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT sender_id, data FROM events WHERE type_name = 'user' " "AND sender_id LIKE 'load-%' ORDER BY id"
            )
        )
        for sender, data in rows:
            seq = (json.loads(data).get("metadata") or {}).get("seq")
            if isinstance(seq, int):
                stored[sender].append(seq)
    engine.dispose()
    return stored


def check(turns: list[dict], stored: dict[str, list[int]]) -> collections.Counter:
    counts: collections.Counter = collections.Counter()
    by_sender: dict[str, list[dict]] = collections.defaultdict(list)
    for turn in turns:
        by_sender[turn["sender"]].append(turn)
    for sender, sent in by_sender.items():
        sent.sort(key=lambda t: t["seq"])
        held = stored.get(sender, [])
        counts["duplicated"] += len(held) - len(set(held))
        counts["out of order"] += sum(1 for a, b in zip(held, held[1:]) if b < a)
        held_set = set(held)
        failed_in_cycle = False  # the context a turn needs is built by the earlier turns of its conversation
        for turn in sent:
            if turn["message"] == CYCLE_START:
                failed_in_cycle = False
            counts["sent"] += 1
            answered = turn["status"] == 200 and turn["replies"] > 0
            if not answered:
                counts["lost" if turn["status"] != 429 else "rate limited"] += 1
            elif turn["apology"]:
                counts["apologies"] += 1
            else:
                counts["answered"] += 1
                if not turn["context_ok"] and not failed_in_cycle:
                    counts["context lost"] += 1
                if turn["seq"] not in held_set:  # answered, so it must be in the conversation's history
                    counts["missing from the store"] += 1
            failed_in_cycle = failed_in_cycle or not answered or turn["apology"]
    return counts


def main() -> int:
    binary = locust_binary()
    run = Path(tempfile.mkdtemp(prefix="gsa-scale-test-"))
    layout = Layout(run, rasa_processes=2, action_processes=2, rate=1000, burst=2000)
    print(f"==> starting the scaled layout in {run}", flush=True)
    started = time.monotonic()
    layout.start()
    print(f"    ready in {time.monotonic() - started:.0f} s: {layout.edge_url}", flush=True)
    faults: list[str] = []
    injector = threading.Thread(target=inject_faults, args=(layout, faults), daemon=True)
    log_path = run / "load.jsonl"
    try:
        print(
            f"==> locust: {USERS} users for {SECONDS} s, think time 0; faults: kill rasa-1, restart PostgreSQL",
            flush=True,
        )
        injector.start()
        subprocess.run(
            [
                str(binary),
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                str(USERS),
                "-t",
                f"{SECONDS}s",
                "--host",
                layout.edge_url,
                "--only-summary",
                "--stop-timeout",
                "60",
                "--csv",
                str(run / "locust"),
            ],
            env={**os.environ, "LOAD_LOG": str(log_path)},
            check=False,
        )
        injector.join(timeout=120)
        turns = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
        # throughput over the load itself (locust's wind-down at the end is not load)
        duration = max(t["started"] + t["seconds"] for t in turns) - min(t["started"] for t in turns)
        counts = check(turns, stored_turns(layout))
    finally:
        layout.stop()
    for line in faults:
        print(f"    {line}")
    latencies = sorted(t["seconds"] for t in turns if t["status"] == 200)
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    print(f"    latency p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; logs in {run}")
    bad = (
        counts["lost"]
        + counts["duplicated"]
        + counts["out of order"]
        + counts["missing from the store"]
        + counts["context lost"]
    )
    print(
        f"scale test: sent {counts['sent']}, answered {counts['answered']}, apologies {counts['apologies']}, "
        f"lost {counts['lost']}, duplicated {counts['duplicated']}, out of order {counts['out of order']}, "
        f"missing from the store {counts['missing from the store']}, context lost {counts['context lost']}, "
        f"errors {counts['lost'] + counts['apologies']}, {counts['answered'] / duration:.1f} msg/s "
        f"({USERS} users, {SECONDS} s, 2 Rasa processes)"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
