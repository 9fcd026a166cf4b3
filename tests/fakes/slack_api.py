"""A fake Slack Web API: records chat.postMessage calls and answers {ok: true, ts} like Slack does.

It checks what real Slack would refuse: a wrong token (invalid_auth), a missing channel, a message without
text or blocks, and Block Kit limits (section text <= 3000, button text <= 75, <= 25 buttons per actions block,
<= 50 blocks, unique action ids). Point slack_sdk at it with base_url=f"{fake.url}/api/".
"""

from __future__ import annotations

import itertools
import json
import time

from aiohttp import web

from tests.fakes.base import Call, FakeServer


def block_errors(blocks: list) -> list[str]:
    errors = []
    if len(blocks) > 50:
        errors.append("more than 50 blocks")
    for block in blocks:
        if block.get("type") == "section":
            text = (block.get("text") or {}).get("text") or ""
            if not text or len(text) > 3000:
                errors.append(f"section text length {len(text)}")
        elif block.get("type") == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 25:
                errors.append(f"{len(elements)} elements in an actions block")
            ids = [e.get("action_id") for e in elements if e.get("action_id")]
            if len(ids) != len(set(ids)):
                errors.append("duplicate action_id")
            for element in elements:
                title = (element.get("text") or {}).get("text") or ""
                if element.get("type") == "button" and (not title or len(title) > 75):
                    errors.append(f"button text {title!r}")
                if len(element.get("value") or "") > 2000:
                    errors.append("button value longer than 2000")
    return errors


class FakeSlackAPI(FakeServer):
    def __init__(self, token: str):
        super().__init__()
        self.token = token
        self._ts = itertools.count(1)

    @property
    def base_url(self) -> str:
        return f"{self.url}/api/"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/{method}", self._api)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
        answer = self._answer(method, params, request)
        body = json.loads(answer.text)
        self.record(method, params, dict(request.headers), error=None if body.get("ok") else body.get("error"))
        return answer

    def _answer(self, method: str, params: dict, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "auth.test":
            return web.json_response({"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1"})
        if method != "chat.postMessage":
            return web.json_response({"ok": False, "error": "unknown_method"}, status=404)
        if not params.get("channel"):
            return web.json_response({"ok": False, "error": "channel_not_found"})
        blocks = params.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if not params.get("text") and not blocks:
            return web.json_response({"ok": False, "error": "no_text"})
        errors = block_errors(blocks or [])
        if errors:
            return web.json_response({"ok": False, "error": "invalid_blocks", "errors": errors})
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        message = {"type": "message", "text": params.get("text", ""), "ts": ts, "bot_id": "BBOT"}
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        return web.json_response({"ok": True, "channel": params["channel"], "ts": ts, "message": message})

    # -- helpers for tests ------------------------------------------------------------------------------
    def posts(self, channel: str) -> list[Call]:
        return self.calls("chat.postMessage", lambda c: c.params.get("channel") == channel)

    def wait_for_posts(self, channel: str, count: int = 1, timeout: float = 30.0) -> list[Call]:
        return self.wait_for("chat.postMessage", lambda c: c.params.get("channel") == channel, count, timeout)
