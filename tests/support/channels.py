"""Test credentials for the Slack and Telegram channels, and clients that talk to the Rasa server like
Slack and Telegram do (signed Slack requests, Telegram updates with the secret token header)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

SLACK_TOKEN = "xoxb-test-0000-gut-skin"
SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_CHANNEL = "CBOTCHANNEL"  # the channel whose every message the bot reads (others: mentions only)
SLACK_BOT_USER = "UBOTUSER"

TELEGRAM_TOKEN = "123456789:AAFakeTokenForTests_gut-skin"
TELEGRAM_BOT_NAME = "gut_skin_test_bot"
TELEGRAM_SECRET_TOKEN = "s3cret-Token_for-tests"
TELEGRAM_WEBHOOK_URL = "https://bot.example.org/webhooks/telegram/webhook"

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_ids = itertools.count(int(time.time() * 1000) % 10**9)


def channel_env(slack_api_base_url: str, telegram_api_base_url: str) -> dict[str, str]:
    """The environment that enables both channels against the fakes (see scripts/credentials.py)."""
    no_proxy = ",".join(
        filter(None, [os.environ.get("NO_PROXY") or os.environ.get("no_proxy"), "127.0.0.1", "localhost"])
    )
    return {
        "SLACK_TOKEN": SLACK_TOKEN,
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SLACK_CHANNEL": SLACK_CHANNEL,
        "SLACK_API_BASE_URL": slack_api_base_url,
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_BOT_NAME": TELEGRAM_BOT_NAME,
        "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK_URL,
        "TELEGRAM_API_BASE_URL": telegram_api_base_url,
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET_TOKEN,
        "NO_PROXY": no_proxy,
        "no_proxy": no_proxy,
    }


def unique(prefix: str) -> str:
    """An id no other test uses (Slack ids are upper-case letters and digits)."""
    return f"{prefix}{uuid.uuid4().hex[:10].upper()}"


def unique_int() -> int:
    return 10**9 + next(_ids)


def slack_ts() -> str:
    return f"{time.time():.6f}"


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    """POST without any proxy; (status, body, headers) also for 4xx and 5xx answers."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _NO_PROXY.open(request, timeout=30) as answer:
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def slack_signature(body: bytes, timestamp: str, secret: str = SLACK_SIGNING_SECRET) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackClient:
    """Sends requests to the Rasa server's Slack webhook the way Slack does, signed with the signing secret."""

    def __init__(self, rasa_url: str):
        self.url = f"{rasa_url}/webhooks/slack/webhook"

    def send(
        self,
        body: bytes,
        content_type: str,
        *,
        secret: str = SLACK_SIGNING_SECRET,
        timestamp: float | None = None,
        headers: dict[str, str] | None = None,
    ):
        stamp = str(int(time.time() if timestamp is None else timestamp))
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": slack_signature(body, stamp, secret),
            **(headers or {}),
        }
        return post(self.url, body, all_headers)

    def event(
        self,
        event: dict,
        *,
        content_type: str = "application/json",
        event_id: str | None = None,
        authorizations: bool = True,
        **kwargs,
    ):
        envelope = {
            "token": "legacy-verification-token",
            "team_id": "T0001",
            "api_app_id": "A0001",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or unique("Ev"),
            "event_time": int(time.time()),
        }
        if authorizations:  # which bot user the event is for (Slack sends it; older payloads lacked it)
            envelope["authorizations"] = [{"team_id": "T0001", "user_id": SLACK_BOT_USER, "is_bot": True}]
        return self.send(json.dumps(envelope).encode(), content_type, **kwargs)

    def click(self, *, user: str, channel: str, value: str, message_ts: str, thread_ts: str | None = None, **kwargs):
        """A block_actions payload for a button click, form-encoded as Slack's interactivity requests are."""
        message = {"type": "message", "ts": message_ts, "bot_id": "BBOT", "text": "..."}
        if thread_ts:
            message["thread_ts"] = thread_ts
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "tester", "team_id": "T0001"},
            "api_app_id": "A0001",
            "team": {"id": "T0001"},
            "channel": {"id": channel, "name": "x"},
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": False,
                **({"thread_ts": thread_ts} if thread_ts else {}),
            },
            "message": message,
            "trigger_id": "1.2.3",
            "response_url": "https://hooks.slack.invalid/x",
            "actions": [
                {
                    "type": "button",
                    "action_id": "button_0",
                    "block_id": "b1",
                    "value": value,
                    "text": {"type": "plain_text", "text": "x"},
                    "action_ts": slack_ts(),
                }
            ],
        }
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return self.send(body, "application/x-www-form-urlencoded", **kwargs)


class TelegramClient:
    """Delivers updates to the Rasa server's Telegram webhook the way the Bot API does."""

    def __init__(self, rasa_url: str):
        self.url = f"{rasa_url}/webhooks/telegram/webhook"
        self._update_ids = itertools.count(unique_int())

    def send(self, update: dict, secret: str | None = TELEGRAM_SECRET_TOKEN):
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return post(self.url, json.dumps(update).encode(), headers)

    @staticmethod
    def _user(chat_id: int) -> dict:
        return {
            "id": chat_id,
            "is_bot": False,
            "first_name": "Test",
            "username": f"user{chat_id}",
            "language_code": "en",
        }

    def text_update(self, chat_id: int, text: str) -> dict:
        return {
            "update_id": next(self._update_ids),
            "message": {
                "message_id": next(_ids),
                "date": int(time.time()),
                "text": text,
                "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
                "from": self._user(chat_id),
            },
        }

    def text(self, chat_id: int, text: str, **kwargs):
        return self.send(self.text_update(chat_id, text), **kwargs)

    def press(self, chat_id: int, data: str, **kwargs):
        """A callback_query: the user pressed an inline button with this callback_data."""
        update = {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(unique_int()),
                "from": self._user(chat_id),
                "chat_instance": "42",
                "data": data,
                "message": {
                    "message_id": next(_ids),
                    "date": int(time.time()),
                    "text": "...",
                    "chat": {"id": chat_id, "type": "private"},
                    "from": {"id": 123456789, "is_bot": True, "first_name": "Bot", "username": TELEGRAM_BOT_NAME},
                },
            },
        }
        return self.send(update, **kwargs)
