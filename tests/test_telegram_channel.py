"""The Telegram channel end to end: updates delivered to the real Rasa server's /webhooks/telegram/webhook,
answered through a fake Bot API server (tests/fakes/telegram_api.py) that the server registered its webhook with.

Expected texts come from the knowledge store the servers use.
"""

from __future__ import annotations

import asyncio
import html
import time

import pytest

from knowledge.store import KnowledgeStore
from rasa_ext.channels import formatting
from tests.fakes.telegram_api import parse_telegram_html
from tests.support import channels
from tests.support.channels import TelegramClient, unique_int

pytestmark = pytest.mark.e2e
GRACE = 2.5  # seconds to wait for a reply that must not come


@pytest.fixture(scope="module")
def telegram(stack) -> TelegramClient:
    return TelegramClient(stack.rasa_url)


@pytest.fixture(scope="module")
def fresh_server(stack, fake_telegram):
    """The Rasa server as started, before it has answered any Telegram update (restarted if it has)."""

    def answered_since_start() -> bool:
        calls = fake_telegram.calls()
        starts = [i for i, c in enumerate(calls) if c.method == "setWebhook"]
        return any(c.method == "sendMessage" and c.error is None for c in calls[starts[-1] :]) if starts else True

    if answered_since_start():
        stack.restart_rasa()
    assert not answered_since_start()
    return stack


def bold_title(store: KnowledgeStore, slug: str) -> str:
    return formatting.to_telegram_html(f"**{store.topic(slug).title}**")


def wait_for_message_containing(fake_telegram, chat_id: int, needle: str, timeout: float = 30.0):
    [message] = fake_telegram.wait_for(
        "sendMessage",
        lambda c: str(c.params.get("chat_id")) == str(chat_id) and needle in c.params.get("text", ""),
        1,
        timeout,
    )
    return message


def callback_data(message) -> list[str]:
    keyboard = message.params.get("reply_markup") or {}
    return [key["callback_data"] for row in keyboard.get("inline_keyboard", []) for key in row]


def user_texts(stack, sender, including: str, timeout: float = 15.0) -> list[str]:
    """The user's messages in the tracker once it holds `including` (a reply can reach the channel before the
    tracker is saved)."""
    deadline = time.monotonic() + timeout
    while True:
        texts = [e.get("text") or "" for e in stack.tracker(str(sender))["events"] if e["event"] == "user"]
        if including in texts or time.monotonic() > deadline:
            return texts
        time.sleep(0.2)


def test_the_first_update_after_start_is_answered(fresh_server, telegram, fake_telegram, store):
    """Rasa 3.6 as shipped fails on it with 'Event loop is closed'."""
    chat = unique_int()
    status, _, _ = telegram.text(chat, "What is butyrate?")
    assert status == 200
    answer = wait_for_message_containing(fake_telegram, chat, bold_title(store, "butyrate"))
    assert answer.error is None


def test_the_webhook_is_registered_at_start_with_the_secret_token(fresh_server, fake_telegram):
    hook = fake_telegram.calls("setWebhook")[-1]
    assert hook.error is None
    assert hook.params["url"] == channels.TELEGRAM_WEBHOOK_URL
    assert hook.params["secret_token"] == channels.TELEGRAM_SECRET_TOKEN
    assert "callback_query" in hook.params["allowed_updates"]


def test_a_text_update_gets_html_and_an_inline_keyboard(stack, telegram, fake_telegram, store):
    chat = unique_int()
    assert telegram.text(chat, "tell me about leaky gut")[0] == 200
    answer = wait_for_message_containing(fake_telegram, chat, bold_title(store, "leaky_gut"))
    assert answer.params["parse_mode"] == "HTML"
    assert answer.params["text"].startswith(bold_title(store, "leaky_gut"))
    assert "**" not in answer.params["text"]
    assert {"/more_detail", "/sources", "/simpler"} <= set(callback_data(answer))
    assert all(m.error is None for m in fake_telegram.messages_to(chat))  # Telegram accepted every message


def test_a_button_press_is_acknowledged_and_answered_with_linked_citations(stack, telegram, fake_telegram, store):
    chat = unique_int()
    topic = store.topic("leaky_gut")
    telegram.text(chat, "tell me about leaky gut")
    wait_for_message_containing(fake_telegram, chat, bold_title(store, "leaky_gut"))

    status, _, _ = telegram.press(chat, "/all_sources")
    assert status == 200
    sources = wait_for_message_containing(
        fake_telegram, chat, formatting.to_telegram_html(f"**Sources for {topic.title}**")
    )
    assert sources.error is None
    linked = [s for s in store.sources(topic.sources) if s.link]
    assert linked
    for source in linked:
        assert f'<a href="{html.escape(source.link)}">' in sources.params["text"]
    assert "](" not in sources.params["text"]
    acknowledged = fake_telegram.calls("answerCallbackQuery")
    assert acknowledged and acknowledged[-1].error is None


def test_start_command_welcomes_once(stack, telegram, fake_telegram):
    chat = unique_int()
    assert telegram.text(chat, "/start")[0] == 200
    wait_for_message_containing(fake_telegram, chat, "education assistant")
    time.sleep(GRACE)  # a second welcome or greeting, if any, would have arrived by now
    texts = [m.params["text"] for m in fake_telegram.messages_to(chat)]
    assert sum("education assistant" in t for t in texts) == 1 and not [t for t in texts if "Hello! Ask" in t]


def test_a_redelivered_update_is_answered_once(stack, telegram, fake_telegram, store):
    chat = unique_int()
    update = telegram.text_update(chat, "What is butyrate?")
    assert telegram.send(update)[0] == 200
    assert telegram.send(update)[0] == 200
    wait_for_message_containing(fake_telegram, chat, bold_title(store, "butyrate"))
    time.sleep(GRACE)
    texts = [m.params["text"] for m in fake_telegram.messages_to(chat)]
    assert sum(bold_title(store, "butyrate") in t for t in texts) == 1
    assert user_texts(stack, chat, "What is butyrate?").count("What is butyrate?") == 1


@pytest.mark.parametrize("secret", ["wrong-secret", None, ""])
def test_an_update_without_the_right_secret_token_is_rejected(stack, telegram, fake_telegram, store, secret):
    chat = unique_int()
    status, _, _ = telegram.text(chat, "tell me about leaky gut", secret=secret)
    assert status == 403
    status, _, _ = telegram.press(chat, "/sources", secret=secret)
    assert status == 403

    # The same chat with the right token afterwards is answered; the rejected updates never were.
    assert telegram.text(chat, "What is butyrate?")[0] == 200
    wait_for_message_containing(fake_telegram, chat, bold_title(store, "butyrate"))
    time.sleep(GRACE)
    texts = [m.params["text"] for m in fake_telegram.messages_to(chat)]
    assert not [t for t in texts if bold_title(store, "leaky_gut") in t or "Sources for" in t]
    texts = user_texts(stack, chat, "What is butyrate?")
    assert "What is butyrate?" in texts and not [t for t in texts if "leaky" in t or t == "/sources"]


# -- the output channel on its own, against the fake API ----------------------------------------------------
def test_long_answers_are_split_within_telegrams_limit(fake_telegram):
    from rasa_ext.channels.telegram import TelegramOutput

    chat = unique_int()
    paragraph = "**Key point:** the gut & the skin <talk> to each other 🦠. " * 10
    text = "\n\n".join([paragraph.strip()] * 30)  # about 17000 characters
    buttons = [{"title": "Sources", "payload": "/sources"}, {"title": "Tell me more", "payload": "/more_detail"}]

    async def send() -> None:
        bot = TelegramOutput(channels.TELEGRAM_TOKEN, fake_telegram.url)
        try:
            await bot.send_text_with_buttons(str(chat), text, buttons)
        finally:
            await bot.session.close()

    asyncio.run(send())
    messages = fake_telegram.messages_to(chat)
    assert len(messages) >= 5
    assert all(m.error is None for m in messages)
    visible = [parse_telegram_html(m.params["text"])[0] for m in messages]
    assert all(formatting.utf16_length(v) <= formatting.TELEGRAM_TEXT_LIMIT for v in visible)
    assert sum(v.count("Key point:") for v in visible) == 10 * 30
    assert [bool(callback_data(m)) for m in messages] == [False] * (len(messages) - 1) + [True]


def test_an_emergency_that_opens_a_conversation_gets_the_emergency_advice_first(stack, telegram, fake_telegram):
    from tests.support.replies import EMERGENCY, opening

    chat = unique_int()
    assert telegram.text(chat, "my baby is 5 weeks old and her temperature is 38.6")[0] == 200
    wait_for_message_containing(fake_telegram, chat, opening(EMERGENCY))
    texts = [m.params["text"] for m in fake_telegram.messages_to(chat)]
    assert texts[0].startswith(opening(EMERGENCY)), texts  # before any welcome
