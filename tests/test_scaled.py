"""The scaled layout (deploy/): two Rasa processes and two action servers on PostgreSQL and Redis behind nginx.
One client far past the edge's rate limit gets 429s while another's conversation goes on; a conversation
continues on the other process when one is killed."""

from __future__ import annotations

import http.client
import json
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

import pytest

from deploy.scaled import Layout
from tests.support.rest import texts

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()) or not shutil.which("redis-server"),
        reason="nginx and redis-server are needed (.ci/run installs them)",
    ),
]


@pytest.fixture(scope="module")
def layout():
    run = Path(tempfile.mkdtemp(prefix="gsa-scaled-test-"))  # PostgreSQL's user must reach it: not under pytest's
    started = Layout(run, rasa_processes=2, action_processes=2, rate=10, burst=20).start()
    yield started
    started.stop()
    shutil.rmtree(run, ignore_errors=True)


def say(layout: Layout, sender: str, message: str, source: str = "127.0.0.1") -> tuple[int, list[dict]]:
    """POST to the edge's REST channel from a given loopback address (nginx limits per client address)."""
    connection = http.client.HTTPConnection("127.0.0.1", layout.edge_port, timeout=60, source_address=(source, 0))
    try:
        connection.request(
            "POST",
            "/webhooks/rest/webhook",
            json.dumps({"sender": sender, "message": message}),
            {"Content-Type": "application/json"},
        )
        response = connection.getresponse()
        body = response.read()
        return response.status, (json.loads(body) if response.status == 200 else [])
    finally:
        connection.close()


def test_one_client_past_the_limit_gets_429s_while_another_goes_on(layout):
    statuses: list[int] = []

    def flood() -> None:
        for _ in range(120):
            connection = http.client.HTTPConnection(
                "127.0.0.1", layout.edge_port, timeout=30, source_address=("127.0.0.2", 0)
            )
            connection.request("GET", "/webhooks/rest/")
            statuses.append(connection.getresponse().status)
            connection.close()

    flooder = threading.Thread(target=flood)
    flooder.start()
    user = f"calm-{uuid.uuid4().hex[:8]}"
    answers = [
        say(layout, user, message, source="127.0.0.3")
        for message in ("what is butyrate?", "tell me more", "what is the gut-skin axis?")
    ]
    flooder.join()
    assert statuses.count(429) >= 60 and 200 in statuses, statuses.count(429)
    assert [status for status, _ in answers] == [200, 200, 200]
    assert "Butyrate" in texts(answers[0][1]) and "gut-skin axis" in texts(answers[2][1]).lower()


def test_a_conversation_continues_on_the_other_process_when_one_is_killed(layout):
    user = f"moved-{uuid.uuid4().hex[:8]}"
    for message in ("quiz me", "what is butyrate?"):
        status, _ = say(layout, user, message)
        assert status == 200
    layout.kill_rasa(1)
    try:
        replies = [say(layout, user, "tell me more") for _ in range(3)]
        assert all(status == 200 for status, _ in replies)
        # every turn is answered by the live process (nginx stops sending to the dead one), from the shared slots:
        # the topic and how deep "tell me more" has gone (each answer one level deeper, never a repeat)
        answers = [texts(r) for _, r in replies]
        assert all(a.startswith("**Butyrate") for a in answers), [a[:80] for a in answers]
        assert "Butyrate: in more detail" in answers[0] and len(set(answers)) == len(answers), [a[:80] for a in answers]
    finally:
        layout.start_rasa(1)
    status, replies = say(layout, user, "stop")
    assert status == 200 and "You had 0 right" in texts(replies)
