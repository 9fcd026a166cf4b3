"""Load for the benchmark and the scaled layout: each simulated user has one realistic multi-turn conversation
after another (each as a new visitor: a new sender id), with no think time, and every turn is written to
LOAD_LOG (one JSON line per message) for scripts/scale_test.py to check: answered once, in order, with the
conversation's context. Each message carries its number in the metadata, which the tracker store keeps with
the message: the texts repeat, the numbers do not."""

from __future__ import annotations

import json
import sys
import time
import uuid
from pathlib import Path

from locust import HttpUser, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # locust imports this file by its path
from knowledge.settings import load  # noqa: E402

LOG_PATH = str(load().log)
# The bot's apologies for a failed turn: nginx's (no process answered), a custom action that failed, and the
# knowledge store out of reach (domain.yml utter_store_down). Any other reply is an answer.
APOLOGY = ("Sorry, something went wrong", "Sorry, the part of me", "Sorry, my library of answers")
# (message, a text the answer must contain: the conversation's context, "" when anything sensible will do)
CONVERSATION = [
    ("hello", ""),
    ("what is the gut-skin axis?", "The gut-skin axis"),
    ("tell me more", "The gut-skin axis: in more detail"),
    ("what is butyrate?", "Butyrate"),
    ("in simpler words", "Butyrate, in simple words"),
    ("quiz me", ""),
    ('/quiz_answer{"quiz_choice":"a"}', ""),
    ("stop", "You had"),
    ("does fibre help eczema?", ""),
    ("what are the sources", ""),
    ("thanks", ""),
]


class Visitor(HttpUser):
    wait_time = lambda self: 0  # noqa: E731  (think time 0)

    def on_start(self) -> None:
        self.log = open(LOG_PATH, "a", buffering=1)

    def on_stop(self) -> None:
        self.log.close()

    @task
    def converse(self) -> None:
        self.sender, self.seq = f"load-{uuid.uuid4().hex[:12]}", 0
        for message, expected in CONVERSATION:
            started = time.time()
            with self.client.post(
                "/webhooks/rest/webhook",
                json={"sender": self.sender, "message": message, "metadata": {"seq": self.seq}},
                name="turn",
                catch_response=True,
                timeout=60,
            ) as response:
                try:
                    replies = response.json() if response.status_code == 200 else []
                except ValueError:
                    replies = []
                text = "\n".join(r.get("text") or "" for r in replies if isinstance(r, dict))
                apology = any(a in text for a in APOLOGY)
                if response.status_code != 200 or not replies:
                    response.failure(f"status {response.status_code}, {len(replies)} replies")
                self.log.write(
                    json.dumps(
                        {
                            "sender": self.sender,
                            "seq": self.seq,
                            "message": message,
                            "status": response.status_code,
                            "replies": len(replies),
                            "apology": apology,
                            "context_ok": (expected in text) or apology,
                            "started": started,
                            "seconds": time.time() - started,
                        }
                    )
                    + "\n"
                )
            self.seq += 1
