"""The scaled layout (deploy/): two Rasa processes and two action servers on PostgreSQL and Redis behind nginx.
One client far past the edge's rate limit gets 429s while another's conversation goes on; a conversation
continues on the other process when one is killed."""

from __future__ import annotations

import base64
import http.client
import json
import shutil
import stat
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from deploy.scaled import DASHBOARD_PATH, Layout
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.support import channels
from tests.support.rest import texts

CURATOR_TOKEN = "scaled-curator-token-0123456789"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()) or not shutil.which("redis-server"),
        reason="nginx and redis-server are needed (.ci/run installs them)",
    ),
]


@pytest.fixture(scope="module")
def layout(fake_slack: FakeSlackAPI, fake_telegram: FakeTelegramAPI):
    run = Path(tempfile.mkdtemp(prefix="gsa-scaled-test-"))  # PostgreSQL's user must reach it: not under pytest's
    env = channels.channel_env(slack_api_base_url=fake_slack.base_url, telegram_api_base_url=fake_telegram.url)
    env["CURATOR_TOKEN"] = CURATOR_TOKEN
    started = Layout(run, rasa_processes=2, action_processes=2, rate=10, burst=20, channel_env=env).start()
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
            connection.request("GET", "/health")
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


# -- the edge and the secrets (the security issue) -------------------------------------------------------------
def edge_status(layout: Layout, method: str, path: str, body: bytes | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", layout.edge_port, timeout=30, source_address=("127.0.0.4", 0))
    try:
        connection.request(method, path, body, {"Content-Type": "application/json"} if body else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/conversations/{user}/tracker?token={token}"),
        ("POST", "/conversations/{user}/tracker/events?token={token}"),
        ("GET", "/status?token={token}"),
        ("GET", "/domain?token={token}"),
        ("GET", "/version"),
        ("GET", "/"),
        ("PUT", "/model?token={token}"),
        ("DELETE", "/model?token={token}"),
        ("POST", "/model/parse?token={token}"),
        ("POST", "/model/train?token={token}"),
        ("POST", "/webhooks/rest/webhook/../../model/parse?token={token}"),
        ("GET", "/webhooks/rest/"),
        ("POST", "/webhooks/socketio/webhook"),
    ],
)
def test_the_edge_passes_only_the_channels_and_refuses_the_http_api_even_with_the_token(layout, method, path):
    user = f"edge-{uuid.uuid4().hex[:8]}"
    assert say(layout, user, "what is butyrate?")[0] == 200
    body = b'{"event": "slot", "name": "topic", "value": "fmt"}' if method in ("POST", "PUT") else None
    assert edge_status(layout, method, path.format(user=user, token=layout.token), body) == 404
    # the API itself works on a Rasa process's loopback port, and nothing above changed the conversation
    with urllib.request.urlopen(layout.api(f"/conversations/{user}/tracker"), timeout=30) as response:
        assert json.loads(response.read())["slots"]["topic"] == "butyrate"


def test_the_edge_passes_the_channel_webhooks_and_the_health_check(layout, fake_slack: FakeSlackAPI):
    assert edge_status(layout, "GET", "/health") == 200
    assert say(layout, f"edge-{uuid.uuid4().hex[:8]}", "hello")[0] == 200
    slack = channels.SlackClient(layout.edge_url)
    channel, user = channels.unique("D"), channels.unique("U")
    slack.event({"type": "message", "channel": channel, "channel_type": "im", "user": user,
                 "text": "what is butyrate?", "ts": channels.slack_ts(), "team": "T0001"})  # fmt: skip
    assert fake_slack.wait_for_posts(channel, 1, timeout=60)


def test_postgresql_refuses_a_connection_without_the_password(layout):
    import psycopg2

    for password in (None, "wrong"):
        with pytest.raises(psycopg2.OperationalError, match="password"):
            psycopg2.connect(host="127.0.0.1", port=layout.pg_port, user="postgres", dbname="trackers",
                             password=password, connect_timeout=10)  # fmt: skip
    psycopg2.connect(layout.pg_url("trackers"), connect_timeout=10).close()


def test_the_secrets_files_are_readable_by_their_owner_only(layout):
    for name in ("api-token", "credentials.yml", "endpoints.yml", "pg-password"):
        assert stat.S_IMODE((layout.run / name).stat().st_mode) == 0o600, name
    assert channels.SLACK_SIGNING_SECRET in (layout.run / "credentials.yml").read_text()  # the file that needs it


def test_the_same_slack_event_delivered_to_both_rasa_processes_is_answered_once(layout, fake_slack: FakeSlackAPI):
    """Slack retries, and a mention arrives as `message` and `app_mention`: nginx may hand each to a different
    process. Here each delivery goes straight to a different process's port."""
    channel, user, ts = channels.unique("D"), channels.unique("U"), channels.slack_ts()
    event = {"type": "message", "channel": channel, "channel_type": "im", "user": user,
             "text": "what is butyrate?", "ts": ts, "team": "T0001"}  # fmt: skip
    event_id = channels.unique("Ev")
    first, second = (channels.SlackClient(f"http://127.0.0.1:{port}") for port in layout.rasa_ports[:2])
    first.event(event, event_id=event_id)
    second.event(event, event_id=event_id, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    second.event({**event, "type": "app_mention"}, event_id=channels.unique("Ev"))  # same message, another event
    fake_slack.wait_for_posts(channel, 1, timeout=60)
    time.sleep(3)  # a second answer would have arrived by now (an answer takes well under a second)
    answers = [p for p in fake_slack.posts(channel) if "utyrate" in p.params.get("text", "")]
    assert len(answers) == 1, [p.params.get("text", "")[:60] for p in fake_slack.posts(channel)]


def test_the_edge_serves_the_curators_dashboard_behind_its_token(layout):
    assert edge_status(layout, "GET", f"{DASHBOARD_PATH}/") == 401
    connection = http.client.HTTPConnection("127.0.0.1", layout.edge_port, timeout=60, source_address=("127.0.0.4", 0))
    try:
        wrong = "Basic " + base64.b64encode(b"curator:wrong-token-0123456789").decode()
        connection.request("GET", f"{DASHBOARD_PATH}/", headers={"Authorization": wrong})
        response = connection.getresponse()
        response.read()
        assert response.status == 401
        right = "Basic " + base64.b64encode(f"curator:{CURATOR_TOKEN}".encode()).decode()
        # every page, each on PostgreSQL here: the trackers (use), the curation store (unanswered, feedback) and
        # the knowledge store (review)
        for page, table in (("review", "review"), ("use", "use_totals"), ("", "unanswered"), ("feedback", "feedback")):
            connection.request("GET", f"{DASHBOARD_PATH}/{page}", headers={"Authorization": right})
            response = connection.getresponse()
            body = response.read().decode()
            assert response.status == 200 and f'id="table-{table}"' in body, (page, response.status, body[:300])
    finally:
        connection.close()
