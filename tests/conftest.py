"""Shared fixtures. The `stack` fixture starts the real servers once per test session.

Before the Rasa server starts, the fake Slack Web API and the fake Telegram Bot API are started (Telegram's
webhook is registered at start-up), and the Rasa server gets both channels pointed at them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from knowledge.store import KnowledgeStore
from scripts.stack import Stack
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.support import channels

if TYPE_CHECKING:
    from playwright.sync_api import Browser

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


# ------------------------------------------------------------------------------------------------ the web widget
# Used by tests/test_web_widget.py and tests/test_widget_accessibility.py (helpers in tests/support/web.py).
@pytest.fixture(scope="module")
def web_url(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo page (scripts/serve_web.py serving web/) pointed at the session's Rasa server."""
    from tests.support.web import VENDOR, start_web_server

    if not VENDOR.exists():
        pytest.fail(f"{VENDOR.relative_to(ROOT)} is missing: run `make web` (npm ci + copy of socket.io-client)")
    server, url = start_web_server(tmp_path_factory.mktemp("web"), stack.rasa_url)
    yield url
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by the playwright package."""
    from playwright.sync_api import sync_playwright

    from tests.support.web import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        running = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield running
        running.close()


@pytest.fixture(scope="module")
def butyrate_title(stack: Stack) -> str:
    store = KnowledgeStore(stack.knowledge_url)
    try:
        return store.topic("butyrate").title
    finally:
        store.dispose()
