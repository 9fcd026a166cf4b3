"""A misbehaving action server for Rasa: each conversation's sender id says how it fails.

The sender id's first word picks the failure of every custom action call but the session start (answered as
rasa-sdk's default does, so each conversation reaches its message): `slow` answers after the call's time
bound, `invalid` with an event list Rasa's check rejects, `notjson` with a body that is not JSON (as JSON),
`html` with an HTML page, `raises` relays the call to a real rasa-sdk server whose actions raise (`raising_url`),
`ok` with a valid reply. Stopping the server makes the calls refused.
"""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from rasa_ext.patches.action_failures import ACTION_CALL_TIMEOUT_SECONDS
from tests.fakes.base import FakeServer

OK_TEXT = "The action server answered."
SESSION_START = {
    "events": [{"event": "session_started"}, {"event": "action", "name": "action_listen"}],
    "responses": [],
}


class MisbehavingActionServer(FakeServer):
    def __init__(self, raising_url: str):
        super().__init__()
        self.raising_url = raising_url

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/health", lambda request: web.json_response({"status": "ok"}))
        app.router.add_post("/webhook", self._webhook)

    async def _webhook(self, request: web.Request) -> web.StreamResponse:
        call = await request.json()
        sender, action = call["sender_id"], call["next_action"]
        self.record(action, {"sender": sender})
        if action == "action_session_start":
            return web.json_response(SESSION_START)
        kind = sender.split("-")[0]
        if kind == "slow":
            await asyncio.sleep(ACTION_CALL_TIMEOUT_SECONDS + 5)
            return web.json_response({"events": [], "responses": [{"text": OK_TEXT}]})
        if kind == "invalid":
            return web.json_response({"events": [{"event": "no_such_event"}], "responses": []})
        if kind == "notjson":
            return web.Response(text="<html>Bad gateway</html>", content_type="application/json")
        if kind == "html":
            return web.Response(text="<html>Bad gateway</html>", content_type="text/html")
        if kind == "raises":
            async with aiohttp.ClientSession() as session, session.post(self.raising_url, json=call) as reply:
                body = await reply.read()
                return web.Response(body=body, status=reply.status, content_type=reply.content_type)
        return web.json_response({"events": [], "responses": [{"text": OK_TEXT}]})


def sent_to(server: MisbehavingActionServer, sender: str) -> list[str]:
    """The actions the server was asked to run for a sender, in order."""
    return [call.method for call in server.calls() if call.params["sender"] == sender]
