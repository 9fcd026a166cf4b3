"""Shared fixtures. The `stack` fixture starts the real servers once per test session.

Before the Rasa server starts, the fake Slack Web API and the fake Telegram Bot API are started (Telegram's
webhook is registered at start-up), and the Rasa server gets both channels pointed at them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.store import KnowledgeStore
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.support import channels
from tests.support.stack import Stack

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def fake_slack():
    server = FakeSlackAPI(token=channels.SLACK_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_telegram():
    server = FakeTelegramAPI(token=channels.TELEGRAM_TOKEN, username=channels.TELEGRAM_BOT_NAME).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, fake_slack: FakeSlackAPI, fake_telegram: FakeTelegramAPI):
    env = channels.channel_env(slack_api_base_url=fake_slack.base_url, telegram_api_base_url=fake_telegram.url)
    running = Stack(tmp_path_factory.mktemp("stack"), channel_env=env).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def store(stack: Stack) -> KnowledgeStore:
    """The knowledge store the running servers answer from (unit test modules define their own `store`)."""
    return KnowledgeStore(stack.knowledge_url)
