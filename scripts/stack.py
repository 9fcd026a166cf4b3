"""The whole assistant as a user runs it, on free ports (the tests, the benchmark): knowledge DB, action server and
Rasa server on a trained model."""

from __future__ import annotations

import json
import secrets
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

from scripts import action_server, rasa_server
from scripts.processes import PYTHON, ROOT, Server, base_env, free_port
from scripts.secret_files import write_secret_file


def current_model() -> Path:
    path = Path(
        subprocess.run(
            [PYTHON, "scripts/model.py", "path"], cwd=ROOT, check=True, capture_output=True, text=True, env=base_env()
        ).stdout.strip()
    )
    if not path.exists():
        raise RuntimeError(f"no trained model at {path}: run `make test` (it trains one)")
    return path


class Stack:
    def __init__(self, work_dir: Path, channel_env: dict[str, str] | None = None):
        self.work_dir = work_dir
        self.knowledge_url = f"sqlite:///{work_dir / 'knowledge.db'}"
        self.curation_url = f"sqlite:///{work_dir / 'curation.db'}"
        self.action_port, self.rasa_port = free_port(), free_port()
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        self.channel_env = channel_env or {}
        self.token = secrets.token_urlsafe(24)  # the HTTP API's token, as `make run` makes one
        self.token_file = work_dir / "api-token"
        write_secret_file(self.token_file, self.token + "\n")
        self.tracker_db = work_dir / "trackers.db"
        env = base_env(
            KNOWLEDGE_DATABASE_URL=self.knowledge_url,
            CURATION_DATABASE_URL=self.curation_url,
            SANIC_HOST="127.0.0.1",
            TRACKER_STORE_URL=f"sqlite:///{self.tracker_db}",
        )
        # the knowledge library runs where the actions do: .venv-actions (scripts/action_server.py)
        subprocess.run(
            [action_server.python(), "-m", "knowledge", "build"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        self.actions = Server(
            "action-server",
            action_server.command(self.action_port),
            f"http://127.0.0.1:{self.action_port}/health",
            env,
            work_dir,
        )
        endpoints = work_dir / "endpoints.yml"
        subprocess.run(
            [PYTHON, "scripts/endpoints.py", str(endpoints), str(self.action_port)], cwd=ROOT, env=env, check=True
        )
        credentials = work_dir / "credentials.yml"
        # (the Rasa server deletes a conversation's unanswered questions on "delete my data")
        rasa_env = base_env(CURATION_DATABASE_URL=self.curation_url, **self.channel_env)
        subprocess.run([PYTHON, "scripts/credentials.py", str(credentials)], cwd=ROOT, env=rasa_env, check=True)
        self.rasa = Server(
            "rasa-server",
            rasa_server.command(PYTHON, self.rasa_port, self.token_file, str(current_model()), credentials, endpoints),
            f"{self.rasa_url}/",
            rasa_env,
            work_dir,
        )

    def start(self) -> Stack:
        self.actions.start(timeout=60)
        self.rasa.start(timeout=300)
        return self

    def restart_rasa(self) -> None:
        self.rasa.stop()
        self.rasa.start(timeout=300)

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.stop()

    # -- talking to the bot -------------------------------------------------------------------------
    def api_url(self, path: str) -> str:
        """A URL of the HTTP API with the token (the channels' webhooks need none)."""
        return f"{self.rasa_url}{path}{'&' if '?' in path else '?'}token={self.token}"

    def _post(self, path: str, payload: dict) -> Any:
        url = f"{self.rasa_url}{path}" if path.startswith("/webhooks/") else self.api_url(path)
        request = urllib.request.Request(
            url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def say(self, sender: str, message: str) -> list[dict]:
        """Send a message over the REST channel; the bot's replies."""
        return self._post("/webhooks/rest/webhook", {"sender": sender, "message": message})

    def parse(self, text: str) -> dict:
        return self._post("/model/parse", {"text": text})

    def tracker(self, sender: str) -> dict:
        with urllib.request.urlopen(self.api_url(f"/conversations/{sender}/tracker"), timeout=30) as response:
            return json.loads(response.read())

    def slot(self, sender: str, name: str) -> object:
        return self.tracker(sender)["slots"].get(name)
