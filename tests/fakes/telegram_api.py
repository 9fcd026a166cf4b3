"""A fake Telegram Bot API server: /bot<token>/<method> for setWebhook, getMe, sendMessage, answerCallbackQuery,
deleteWebhook and getWebhookInfo; records every call.

It refuses what Telegram refuses: a wrong token (401), sendMessage text that is empty or longer than 4096
characters after entity parsing, HTML that does not parse with Telegram's tags, and callback_data over 64 bytes.
Point aiogram at it with TelegramAPIServer.from_base(fake.url).
"""

from __future__ import annotations

import html
import itertools
import json
import time
from html.parser import HTMLParser

from aiohttp import web

from tests.fakes.base import Call, FakeServer

TELEGRAM_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "blockquote",
}


class _TelegramHTML(HTMLParser):
    """Parses like Telegram's parse_mode HTML: known tags only, properly nested; collects the visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f"unsupported start tag {tag!r}")
        if tag == "a" and not dict(attrs).get("href"):
            self.errors.append("a without href")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected end tag {tag!r}")

    def handle_data(self, data):
        self.text.append(data)


def parse_telegram_html(text: str) -> tuple[str, list[str]]:
    """(visible text, errors) for a parse_mode HTML message."""
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    errors = parser.errors + ([f"unclosed tags {parser.stack}"] if parser.stack else [])
    # A bare '&' that is not an entity is an error for Telegram too.
    for index, char in enumerate(text):
        if char == "&" and not any(text.startswith(e, index) for e in ("&amp;", "&lt;", "&gt;", "&quot;", "&#")):
            errors.append("unescaped &")
            break
    return "".join(parser.text), errors


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeTelegramAPI(FakeServer):
    def __init__(self, token: str, username: str):
        super().__init__()
        self.token, self.username = token, username
        self.bot_id = int(token.split(":")[0])
        self._message_ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/bot{token}/{method}", self._api)

    @staticmethod
    def _error(code: int, description: str) -> web.Response:
        return web.json_response({"ok": False, "error_code": code, "description": description}, status=code)

    @staticmethod
    def _ok(result) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        params.update({k: v for k, v in request.query.items() if k not in params})
        for key in ("reply_markup", "allowed_updates", "entities"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        if request.match_info["token"] != self.token:
            answer = self._error(401, "Unauthorized")
        else:
            handler = getattr(self, f"_{method.lower()}", None)
            answer = handler(params) if handler else self._error(404, "Not Found")
        self.record(method, params, dict(request.headers), error=None if answer.status == 200 else answer.text)
        return answer

    def _getme(self, params: dict) -> web.Response:
        return self._ok(
            {
                "id": self.bot_id,
                "is_bot": True,
                "first_name": "Gut-skin bot",
                "username": self.username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        )

    def _setwebhook(self, params: dict) -> web.Response:
        if not str(params.get("url", "")).startswith("https://") and params.get("url"):
            return self._error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        return self._ok(True)

    def _deletewebhook(self, params: dict) -> web.Response:
        return self._ok(True)

    def _getwebhookinfo(self, params: dict) -> web.Response:
        hooks = [c for c in self.calls("setWebhook")]
        url = hooks[-1].params.get("url", "") if hooks else ""
        return self._ok({"url": url, "has_custom_certificate": False, "pending_update_count": 0})

    def _answercallbackquery(self, params: dict) -> web.Response:
        if not params.get("callback_query_id"):
            return self._error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        return self._ok(True)

    def _sendmessage(self, params: dict) -> web.Response:
        text = params.get("text") or ""
        chat_id = params.get("chat_id")
        if not chat_id:
            return self._error(400, "Bad Request: chat_id is empty")
        visible = text
        if params.get("parse_mode") == "HTML":
            visible, errors = parse_telegram_html(text)
            if errors:
                return self._error(400, f"Bad Request: can't parse entities: {errors}")
        if not visible.strip():
            return self._error(400, "Bad Request: message text is empty")
        if utf16_length(visible) > 4096:
            return self._error(400, "Bad Request: message is too long")
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for key in row:
                if len(str(key.get("callback_data", "")).encode()) > 64:
                    return self._error(400, "Bad Request: BUTTON_DATA_INVALID")
        return self._ok(
            {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": int(chat_id), "type": "private"},
                "from": {"id": self.bot_id, "is_bot": True, "first_name": "Gut-skin bot", "username": self.username},
                "text": html.unescape(visible),
            }
        )

    # -- helpers for tests ------------------------------------------------------------------------------
    def messages_to(self, chat_id: int | str) -> list[Call]:
        return self.calls("sendMessage", lambda c: str(c.params.get("chat_id")) == str(chat_id))

    def wait_for_messages(self, chat_id: int | str, count: int = 1, timeout: float = 30.0) -> list[Call]:
        return self.wait_for("sendMessage", lambda c: str(c.params.get("chat_id")) == str(chat_id), count, timeout)
