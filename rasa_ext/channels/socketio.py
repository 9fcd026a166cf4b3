"""Rasa's socketio channel with session persistence that works on python-socketio >= 5.10.

Rasa 3.6 calls `sio.enter_room(...)` without awaiting it (RasaHQ/rasa#13027), so with
`session_persistence: true` replies never reach the client. This connector awaits it, accepts only
unguessable session ids (32 hex characters, as the widget makes them), and keeps Rasa's JWT check.
Rasa's socketio output also splits every text at blank lines into separate messages, so a topic's bold title
arrived as a bubble of its own before the answer: here one bot message is one widget message.
Register it in credentials.yml as `rasa_ext.channels.socketio.SocketIOInput`.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from rasa_ext.channels.limits import clean_text, refusal

logger = logging.getLogger(__name__)
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


class WholeMessageOutput(SocketIOOutput):
    """One bot message, paragraphs and all, as one socket message (the widget renders the paragraphs)."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"text": text.strip()})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        quick_replies = [{"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons]
        await self._send_message(recipient_id, {"text": text.strip(), "quick_replies": quick_replies})


class SocketIOInput(RasaSocketIOInput):
    def get_output_channel(self) -> OutputChannel | None:
        return WholeMessageOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: dict, auth: dict | None) -> bool:
            if not self.jwt_key:
                return True
            token = (auth or {}).get("token")
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        @sio.on("session_request")
        async def session_request(sid: str, data: dict | None) -> None:
            requested = (data or {}).get("session_id")
            session_id = requested if isinstance(requested, str) and SESSION_ID.match(requested) else uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id)
                if inspect.isawaitable(entered):  # a coroutine since python-socketio 5.10
                    await entered
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: dict) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                sender_id = data.get("session_id")
                if not (isinstance(sender_id, str) and SESSION_ID.match(sender_id)) or sender_id not in sio.rooms(sid):
                    logger.warning("socketio message without a confirmed session id ignored")
                    return
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            text = data.get("message")
            if not isinstance(text, str):
                return
            output = WholeMessageOutput(sio, self.bot_message_evt)
            refused = refusal(text)
            if refused is not None:  # too long or empty: answered at once, never sent to NLU
                await output.send_text_message(sender_id, refused)
                return
            await on_new_message(
                UserMessage(clean_text(text), output, sender_id, input_channel=self.name(), metadata=metadata)
            )

        return blueprint
