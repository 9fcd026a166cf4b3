"""Generated data for timing the curators' dashboard: stored conversations in Rasa's `events` table (SQLite),
unanswered questions and feedback in a curation database; then the dashboard's pages timed over HTTP."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import time
import urllib.request
from base64 import b64encode
from pathlib import Path

from knowledge.curation import CurationStore

CHANNELS = ("rest", "socketio", "telegram", "slack")
TOKEN = "benchmark-curator-token-0123456789"
QUESTIONS = ["is kombucha good for eczema", "does vitamin d help", "bleach baths for eczema", "goat milk formula"]


def write_trackers(path: Path, conversations: int, days: int = 30, seed: int = 7) -> int:
    """`conversations` conversations of two turns each, spread over `days` days; the number of events."""
    rng = random.Random(seed)
    now = time.time()
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) "
        "NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
    )
    db.execute("CREATE INDEX ix_events_sender_id ON events (sender_id)")
    rows: list[tuple[str, str, float, str | None, str | None, str]] = []
    for n in range(conversations):
        sender, channel = f"bench-{n}", rng.choice(CHANNELS)
        t = now - rng.random() * days * 86400
        rows.append((sender, "action", t, None, "action_session_start", json.dumps({"event": "action"})))
        for intent, action, utter in (
            ("ask_topic", "action_answer_topic", None),
            ("out_of_scope", "action_out_of_scope", "utter_out_of_scope"),
        ):
            user = {
                "event": "user",
                "timestamp": t,
                "text": "a generated message",
                "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": []},
                "input_channel": channel,
            }
            rows.append((sender, "user", t, intent, None, json.dumps(user)))
            rows.append((sender, "action", t, None, action, json.dumps({"event": "action", "name": action})))
            bot = {
                "event": "bot",
                "timestamp": t,
                "metadata": {"utter_action": utter} if utter else {},
                "text": "a reply",
            }
            rows.append((sender, "bot", t, None, None, json.dumps(bot)))
            rows.append((sender, "action", t, None, "action_listen", json.dumps({"event": "action"})))
            t += 30
    db.executemany(
        "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES (?,?,?,?,?,?)",
        rows,
    )
    db.commit()
    db.close()
    return len(rows)


def write_curation(url: str, unanswered: int, feedback: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    store = CurationStore(url)
    for n in range(unanswered):
        store.record_unanswered(f"{rng.choice(QUESTIONS)} {rng.choice(['', 'please', 'for my son', str(n % 50)])}")
    for _ in range(feedback):
        store.record_feedback(rng.choice(["butyrate", "fmt", "probiotics"]), rng.random() < 0.7)
    store.dispose()


def time_pages(python: str, root: Path, env: dict[str, str], port: int, paths: list[str]) -> dict[str, float]:
    """Start the dashboard, then GET each path once (the first request of each is uncached); seconds per path."""
    env = {**env, "CURATOR_TOKEN": TOKEN}
    process = subprocess.Popen([python, "scripts/dashboard.py", "--port", str(port)], cwd=root, env=env)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        headers = {"Authorization": "Basic " + b64encode(f"curator:{TOKEN}".encode()).decode()}
        timings: dict[str, float] = {}
        for path in paths:
            started = time.monotonic()
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
            timings.setdefault(path, time.monotonic() - started)
        return timings
    finally:
        process.terminate()
        process.wait(timeout=30)
