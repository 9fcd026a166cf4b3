"""Rasa's Slack channel, made to work for this bot and testable offline.

Differences from rasa.core.channels.slack (Rasa 3.6):
- Replies are rendered by rasa_ext/channels/formatting.py: Slack mrkdwn (*bold*, <url|text> citations, • bullets) and
  Block Kit buttons, one message per bot reply (split only when longer than a section allows), link previews off.
- Content-Type is compared by media type: Rasa ignores a JSON body sent as `application/json; charset=utf-8`.
- The url_verification challenge is answered as `{"challenge": ...}` (Rasa answers a bare JSON string).
- An event is answered once: Slack's retries (X-Slack-Retry-Num) of an event already seen are acknowledged with
  X-Slack-No-Retry, and a message that arrives both as `message` and `app_mention` is answered once.
- Answers go into a thread when the question was asked in a channel (use_threads), never in direct messages.
- `api_base_url` points the slack_sdk client at another Web API address (tests use a local fake), and the client
  honours NO_PROXY for it (slack_sdk reads HTTP(S)_PROXY but ignores NO_PROXY).

Register it in credentials.yml as `rasa_ext.channels.slack.SlackInput` (scripts/credentials.py does so when
SLACK_TOKEN and SLACK_SIGNING_SECRET are set). Webhook: POST /webhooks/slack/webhook (events and interactivity).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from rasa_ext.channels import formatting
from rasa_ext.channels.dedupe import Deliveries

logger = logging.getLogger(__name__)

MAX_USER_TEXT = 2000
LEADING_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*")


def media_type(request: Request) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()


def bypasses_proxy(url: str) -> bool:
    """True when NO_PROXY (or no_proxy) names the URL's host; slack_sdk itself never checks it."""
    host = urllib.parse.urlsplit(url).hostname or ""
    return bool(host) and bool(urllib.request.proxy_bypass_environment(host))  # type: ignore[attr-defined]


def web_client(token: str, proxy: str | None = None, base_url: str | None = None) -> AsyncWebClient:
    kwargs: dict[str, Any] = {"proxy": proxy}
    if base_url:
        kwargs["base_url"] = base_url if base_url.endswith("/") else base_url + "/"
    client = AsyncWebClient(token, **kwargs)
    if not proxy and base_url and bypasses_proxy(base_url):
        client.proxy = None  # the client filled it in from HTTP(S)_PROXY
    return client


class SlackBot(RasaSlackBot):
    """Posts a bot reply as Slack messages; the text and buttons are rendered by rasa_ext.channels.formatting."""

    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_base_url: str | None = None,
    ) -> None:
        OutputChannel.__init__(self)
        self.slack_channel = slack_channel
        self.thread_id = thread_id
        self.proxy = proxy
        self.client = web_client(token, proxy, api_base_url)

    async def _post_message(self, channel: str, **kwargs: Any) -> None:
        kwargs.pop("as_user", None)  # legacy; rejected or ignored for apps with bot tokens
        kwargs.setdefault("unfurl_links", False)
        kwargs.setdefault("unfurl_media", False)
        if self.thread_id:
            kwargs["thread_ts"] = self.thread_id
        await self.client.chat_postMessage(channel=channel, **kwargs)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for message in formatting.slack_messages(text):
            await self._post_message(self.slack_channel or recipient_id, **message)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        for message in formatting.slack_messages(text, buttons):
            await self._post_message(self.slack_channel or recipient_id, **message)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._post_message(
            self.slack_channel or recipient_id,
            text=image,
            blocks=[{"type": "image", "image_url": image, "alt_text": image}],
        )


class SlackInput(RasaSlackInput):
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SlackInput:
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # the call above raised otherwise
        return cls(
            credentials.get("slack_token"),
            credentials.get("slack_channel"),
            credentials.get("proxy"),
            credentials.get("slack_retry_reason_header", "x-slack-retry-reason"),
            credentials.get("slack_retry_number_header", "x-slack-retry-num"),
            credentials.get("errors_ignore_retry", None),
            credentials.get("use_threads", False),
            credentials.get("slack_signing_secret", ""),
            credentials.get("conversation_granularity", "sender"),
            api_base_url=credentials.get("api_base_url"),
        )

    def __init__(self, *args: Any, api_base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_base_url = api_base_url
        self._seen = Deliveries.from_environment()

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        return SlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_base_url)

    # -- reading requests -------------------------------------------------------------------------------
    @staticmethod
    def _is_dm(channel_id: str | None, channel_type: str | None = None) -> bool:
        return channel_type == "im" or bool(channel_id and channel_id.startswith("D"))

    def _thread_for(
        self, channel_id: str | None, channel_type: str | None, thread_ts: str | None, ts: str | None
    ) -> str | None:
        """Where to answer: the question's thread in channels (use_threads), the plain conversation in DMs."""
        if thread_ts:
            return thread_ts  # a question inside a thread is always answered there
        if self.use_threads and not self._is_dm(channel_id, channel_type):
            return ts
        return None

    @staticmethod
    def _bot_user_ids(event_body: dict[str, Any]) -> list[str]:
        users = list(event_body.get("authed_users") or [])
        users += [a.get("user_id") for a in event_body.get("authorizations") or [] if a.get("user_id")]
        return users

    def _user_text(self, event: dict[str, Any], bot_users: list[str]) -> str:
        text = self._sanitize_user_message(event.get("text") or "", bot_users)
        if event.get("type") == "app_mention":
            text = LEADING_MENTION.sub("", text)
        return text.strip()[:MAX_USER_TEXT]

    def _dispatch(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: str,
        channel_id: str | None,
        thread_ts: str | None,
        metadata: dict[str, Any],
    ) -> None:
        message = UserMessage(
            text,
            self.get_output_channel(channel_id, thread_ts),
            sender_id,
            input_channel=self.name(),
            metadata=metadata,
        )
        task = asyncio.ensure_future(on_new_message(message))
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
        task.add_done_callback(_log_failure)

    async def _handle_event(self, request: Request, on_new_message) -> HTTPResponse:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return response.text("invalid JSON", status=HTTPStatus.BAD_REQUEST)
        if not isinstance(body, dict):
            return response.text("invalid JSON", status=HTTPStatus.BAD_REQUEST)
        if body.get("type") == "url_verification" or "challenge" in body:
            return response.json({"challenge": body.get("challenge")})
        event = body.get("event") or {}
        if not self._is_user_message(body) or event.get("subtype") not in (None, "file_share", "thread_broadcast"):
            return response.text("ignored")
        channel_id, ts = event.get("channel"), event.get("ts")
        users = self._bot_user_ids(body)
        metadata = {"out_channel": channel_id, "thread_id": event.get("thread_ts") or ts, "users": users}
        if not self._is_supported_channel(body, metadata):
            return response.text("channel not supported")
        # One answer per message: Slack retries an event it thinks we missed, and a mention in a channel the bot
        # reads arrives twice (as `message` and as `app_mention`) with the same channel and ts.
        if not await self._seen.first_time(body.get("event_id"), f"{channel_id}:{ts}" if channel_id and ts else None):
            retry = request.headers.get(self.retry_num_header)
            logger.info("Slack event %s (retry %s) already handled", body.get("event_id"), retry)
            return response.text("already handled", headers={"X-Slack-No-Retry": "1"})
        text = self._user_text(event, users)
        if not text:
            return response.text("empty")
        sender = self._get_conversation_id(event.get("user", ""), channel_id, metadata["thread_id"])
        thread = self._thread_for(channel_id, event.get("channel_type"), event.get("thread_ts"), ts)
        self._dispatch(on_new_message, text, sender, channel_id, thread, metadata)
        return response.text("")

    async def _handle_interaction(self, request: Request, on_new_message) -> HTTPResponse:
        raw = request.form.get("payload")
        if not raw:  # e.g. Slack's ssl_check
            return response.text("")
        try:
            payload = json.loads(raw)
        except ValueError:
            return response.text("invalid payload", status=HTTPStatus.BAD_REQUEST)
        if not self._is_interactive_message(payload):
            return response.text("unsupported interaction")
        action = payload["actions"][0]
        text = self._get_interactive_response(action)
        if not text:
            return response.text("")  # e.g. a link button: nothing for the bot to answer
        user_id = (payload.get("user") or {}).get("id", "")
        channel_id = (payload.get("channel") or {}).get("id") or (payload.get("container") or {}).get("channel_id")
        message = payload.get("message") or {}
        container = payload.get("container") or {}
        thread_ts = message.get("thread_ts") or container.get("thread_ts")
        ts = message.get("ts") or container.get("message_ts")
        if not await self._seen.first_time(
            f"action:{channel_id}:{ts}:{action.get('action_ts')}:{user_id}" if action.get("action_ts") else None
        ):
            return response.text("already handled")
        metadata = {"out_channel": channel_id, "thread_id": thread_ts or ts, "users": [user_id] if user_id else []}
        sender = self._get_conversation_id(user_id, channel_id, metadata["thread_id"])
        thread = self._thread_for(channel_id, None, thread_ts, ts)
        self._dispatch(on_new_message, str(text)[:MAX_USER_TEXT], sender, channel_id, thread, metadata)
        return response.text("")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = Blueprint("slack_webhook", __name__)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                logger.warning("Slack request with a missing, wrong or stale signature rejected")
                return response.text(
                    "Message is not properly signed with a valid X-Slack-Signature header",
                    status=HTTPStatus.UNAUTHORIZED,
                )
            kind = media_type(request)
            if kind == "application/json":
                return await self._handle_event(request, on_new_message)
            if kind == "application/x-www-form-urlencoded":
                return await self._handle_interaction(request, on_new_message)
            return response.text("unsupported content type", status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)

        return slack_webhook


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("Slack message handling failed", exc_info=task.exception())
