"""Rasa's Telegram channel, fixed for aiogram 2.15 and made safe and testable offline.

Differences from rasa.core.channels.telegram (Rasa 3.6):
- Every update is answered, the first one too. Rasa registers the webhook inside `asyncio.run(...)`, and the
  aiohttp session aiogram opened there is reused on the server's loop: "Event loop is closed". Here the session
  is closed in the loop that opened it, so the server's loop opens its own.
- `secret_token` is registered with setWebhook, and an update without the matching
  X-Telegram-Bot-Api-Secret-Token header is rejected with 403 (Rasa accepts updates from anyone).
- `api_base_url` points aiogram at another Bot API server (a self-hosted one, or a local fake in tests).
- Replies are rendered by rasa_ext/channels/formatting.py: Telegram HTML (parse_mode HTML), buttons as an inline
  keyboard, answers longer than Telegram's 4096 characters split at paragraph or line boundaries, link previews
  off. Button presses are acknowledged (answerCallbackQuery) so the client stops its spinner.
- The bot's own name (getMe) is checked once, not on every update; /start and /help map to the bot's intents.
- An update is answered once: a redelivery of an update_id already handled is acknowledged and skipped.

Register it in credentials.yml as `rasa_ext.channels.telegram.TelegramInput` (scripts/credentials.py does so when
TELEGRAM_TOKEN, TELEGRAM_BOT_NAME and TELEGRAM_WEBHOOK_URL are set). Webhook: POST /webhooks/telegram/webhook.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import threading
from collections.abc import Awaitable, Callable, Coroutine
from http import HTTPStatus
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import Update
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from knowledge.domain_copy import copy_text
from rasa_ext.channels import formatting
from rasa_ext.channels.dedupe import Deliveries

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
MAX_USER_TEXT = 2000
COMMAND = re.compile(r"^/(\w+)(?:@\w+)?\s*$")
COMMANDS = {"start": "/greet", "help": "/help", "restart": "/restart"}


def api_server(base_url: str | None) -> TelegramAPIServer:
    return TelegramAPIServer.from_base(base_url) if base_url else TELEGRAM_PRODUCTION


class TelegramOutput(RasaTelegramOutput):
    """Sends a bot reply as Telegram HTML messages, the buttons as an inline keyboard under the last part."""

    def __init__(self, access_token: str | None, api_base_url: str | None = None) -> None:
        Bot.__init__(self, access_token, server=api_server(api_base_url))

    async def _send_parts(self, recipient_id: str, text: str | None, reply_markup: dict | None = None) -> None:
        parts = formatting.telegram_messages(text)
        if not parts and reply_markup:
            parts = [copy_text("channels", "buttons_only")]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await self.send_message(
                recipient_id,
                part,
                parse_mode="HTML",
                disable_web_page_preview=True,
                reply_markup=reply_markup if last else None,
            )

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_parts(recipient_id, text)

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: list[dict[str, Any]],
        button_type: str | None = "inline",
        **kwargs: Any,
    ) -> None:
        await self._send_parts(recipient_id, text, formatting.telegram_inline_keyboard(buttons))


def _run_in_own_loop(coroutine_factory: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run a coroutine to completion on a fresh event loop in another thread (safe even inside a running loop)."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coroutine_factory())
        except BaseException as error:  # re-raised in the caller's thread
            result["error"] = error

    thread = threading.Thread(target=target, name="telegram-set-webhook")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


class TelegramInput(RasaTelegramInput):
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # the call above raised otherwise
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url"),
            api_base_url=credentials.get("api_base_url"),
            secret_token=credentials.get("secret_token"),
        )

    def __init__(
        self,
        access_token: str | None,
        verify: str | None,
        webhook_url: str | None,
        debug_mode: bool = False,
        api_base_url: str | None = None,
        secret_token: str | None = None,
    ) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode)
        if secret_token and not SECRET_TOKEN.match(secret_token):
            raise RasaException("TELEGRAM_SECRET_TOKEN may only contain A-Z, a-z, 0-9, _ and - (1 to 256 characters)")
        self.api_base_url = api_base_url
        self.secret_token = secret_token or None
        self._bot_username: str | None = None
        self._seen = Deliveries.from_environment()

    def get_output_channel(self) -> RasaTelegramOutput:
        """A channel for sending only (no webhook registration, unlike Rasa's)."""
        return TelegramOutput(self.access_token, self.api_base_url)

    def register_webhook(self) -> TelegramOutput:
        """Call setWebhook (with the secret token) and close the session it used, in the loop that opened it."""
        channel = TelegramOutput(self.access_token, self.api_base_url)

        async def register() -> Any:
            try:
                payload: dict[str, Any] = {"url": self.webhook_url, "allowed_updates": json.dumps(ALLOWED_UPDATES)}
                if self.secret_token:
                    payload["secret_token"] = self.secret_token
                return await channel.request("setWebhook", payload)  # aiogram 2.15 predates secret_token
            finally:
                await channel.session.close()  # the aiohttp session, in the loop that opened it

        try:
            _run_in_own_loop(register)
        except TelegramAPIError as error:
            raise RasaException(f"Failed to set the Telegram webhook: {error}") from error
        logger.info("Telegram webhook set to %s", self.webhook_url)
        return channel

    async def _is_our_bot(self, out_channel: TelegramOutput) -> bool:
        if self._bot_username is None:
            self._bot_username = (await out_channel.get_me()).username
        return self._bot_username == self.verify

    def _secret_ok(self, request: Request) -> bool:
        if not self.secret_token:
            return True
        return hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), self.secret_token.encode())

    @staticmethod
    def _command(text: str) -> str:
        match = COMMAND.match(text)
        if not match:
            return text
        return COMMANDS.get(match.group(1).lower(), match.group(1).replace("_", " "))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)
        out_channel = self.register_webhook()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self._secret_ok(request):
                logger.warning("Telegram update without the right secret token rejected")
                return response.text("forbidden", status=HTTPStatus.FORBIDDEN)
            try:
                body = json.loads(request.body or b"")
                update = Update(**body)
            except (ValueError, TypeError):
                return response.text("invalid update", status=HTTPStatus.BAD_REQUEST)
            # Telegram redelivers an update while the webhook has not answered it: answer it once.
            if not await self._seen.first_time(f"update:{update.update_id}" if update.update_id is not None else None):
                logger.info("Telegram update %s already handled", update.update_id)
                return response.text("success")
            if not await self._is_our_bot(out_channel):
                logger.error("TELEGRAM_BOT_NAME does not match the bot's username: update ignored")
                return response.text("failed")

            if update.callback_query:
                query = update.callback_query
                text = query.data
                chat_id = query.message.chat.id if query.message else query.from_user.id
                try:
                    await out_channel.answer_callback_query(query.id)
                except TelegramAPIError as error:  # an old button: the reply still matters more
                    logger.info("answerCallbackQuery failed: %s", error)
            else:
                msg = update.message or update.edited_message
                if msg is None or not msg.text:
                    return response.text("success")  # stickers, photos, joins...: nothing to answer
                text = self._command(msg.text.strip())
                chat_id = msg.chat.id
            if not text:
                return response.text("success")
            try:
                await on_new_message(
                    UserMessage(
                        text[:MAX_USER_TEXT],
                        out_channel,
                        str(chat_id),
                        input_channel=self.name(),
                        metadata=self.get_metadata(request),
                    )
                )
            except Exception as error:  # answer 200 anyway: Telegram would redeliver the update again and again
                logger.error("Telegram update %s failed: %s", update.update_id, error, exc_info=True)
                if self.debug_mode:
                    raise
            return response.text("success")

        return telegram_webhook
