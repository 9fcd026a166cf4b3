"""Every way a custom action call can fail gets the apology over the REST channel, never silence.

One real Rasa server (the project's start-up step, the trained model) is pointed at a misbehaving action server
(tests/fakes/action_server.py) whose failure each conversation's sender id picks; an exception in an action
comes from a real rasa-sdk server running tests.fakes.raising_actions, whose actions all raise.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.processes import PYTHON, ROOT, Process, base_env, free_port
from deploy.stack import current_model
from rasa_ext.patches.action_failures import ACTION_CALL_TIMEOUT_SECONDS, ACTIONS_UNAVAILABLE
from scripts import rasa_server
from scripts.secret_files import write_secret_file
from tests.fakes.action_server import OK_TEXT, MisbehavingActionServer, sent_to
from tests.support.patches import requires_patch
from tests.support.rest import new_sender, texts

pytestmark = [pytest.mark.e2e, requires_patch("action_failures")]
QUESTION = "what is butyrate?"  # answered by a custom action


class FailingStack:
    def __init__(self, work_dir: Path):
        raising_port = free_port()
        self.raising = Process(
            "raising-action-server",
            [PYTHON, "-m", "rasa_sdk", "--actions", "tests.fakes.raising_actions", "--port", str(raising_port)],
            base_env(SANIC_HOST="127.0.0.1"),
            work_dir,
            ready_url=f"http://127.0.0.1:{raising_port}/health",
        )
        self.actions = MisbehavingActionServer(f"http://127.0.0.1:{raising_port}/webhook")
        self.actions.port = free_port()
        env = base_env(TRACKER_STORE_URL=f"sqlite:///{work_dir / 'trackers.db'}")
        endpoints, credentials = work_dir / "endpoints.yml", work_dir / "credentials.yml"
        subprocess.run(
            [PYTHON, "scripts/endpoints.py", str(endpoints), str(self.actions.port)], cwd=ROOT, env=env, check=True
        )
        subprocess.run([PYTHON, "scripts/credentials.py", str(credentials)], cwd=ROOT, env=env, check=True)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        token_file = work_dir / "api-token"
        write_secret_file(token_file, secrets.token_urlsafe(16))
        command = rasa_server.command(PYTHON, port, token_file, str(current_model()), credentials, endpoints)
        self.rasa = Process("rasa-server", command, env, work_dir, ready_url=f"{self.url}/")

    def say(self, sender: str, message: str) -> list[dict]:
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": message}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=ACTION_CALL_TIMEOUT_SECONDS + 40) as response:
            return json.loads(response.read())


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FailingStack]:
    stack = FailingStack(tmp_path_factory.mktemp("failing"))
    stack.raising.start(timeout=60)
    stack.actions.start()
    try:
        stack.rasa.start(timeout=300)
        yield stack
    finally:
        stack.rasa.stop()
        stack.actions.stop()
        stack.raising.stop()


def test_a_working_action_server_is_answered_normally(failing: FailingStack):
    """The control: the set-up itself does not make every call fail."""
    sender = new_sender("ok")
    assert texts(failing.say(sender, QUESTION)) == OK_TEXT
    assert sent_to(failing.actions, sender)[-1] != "action_session_start"


@pytest.mark.parametrize("kind", ["invalid", "notjson", "html", "raises"])
def test_a_failed_action_call_gets_the_apology(failing: FailingStack, kind: str):
    sender = new_sender(kind)
    assert texts(failing.say(sender, QUESTION)) == ACTIONS_UNAVAILABLE
    called = sent_to(failing.actions, sender)
    assert called[0] == "action_session_start" and len(called) == 2, called  # the failing call was made once


def test_an_action_that_does_not_answer_in_time_gets_the_apology_within_the_bound(failing: FailingStack):
    sender = new_sender("slow")
    started = time.monotonic()
    assert texts(failing.say(sender, QUESTION)) == ACTIONS_UNAVAILABLE
    took = time.monotonic() - started
    assert ACTION_CALL_TIMEOUT_SECONDS <= took < ACTION_CALL_TIMEOUT_SECONDS + 5, took


def test_a_refused_connection_gets_the_apology(failing: FailingStack):
    sender = new_sender("ok")
    failing.say(sender, "hi")  # a session is started, then the action server goes away
    failing.actions.stop()
    try:
        assert texts(failing.say(sender, QUESTION)) == ACTIONS_UNAVAILABLE
    finally:
        failing.actions.start()
    assert texts(failing.say(sender, QUESTION)) == OK_TEXT, "answered again once the action server is back"
