"""Rasa's REST channel with its input checked: what is not a JSON object with a string `message` gets a 400
with a short reason, and a message too long or empty is answered at once without reaching NLU.

Register it in credentials.yml as `rasa_ext.channels.rest.RestInput`; it keeps the address /webhooks/rest/webhook.
"""

from __future__ import annotations

import json
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_ext.channels.limits import MAX_SENDER_CHARS, clean_text, refusal

logger = logging.getLogger(__name__)


class BadRequest(ValueError):
    """A request body the channel cannot use; the message is the reason given to the client."""


def parse_body(raw: bytes) -> tuple[str, str, dict[str, Any] | None]:
    """(sender, message, metadata) of a request body, or BadRequest saying what is wrong with it."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest("the body is not valid UTF-8") from None
    except (ValueError, RecursionError):
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object with a string 'message'")
    message = body.get("message")
    if not isinstance(message, str):
        raise BadRequest("'message' must be a string")
    sender = body.get("sender", "default")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest("'sender' must be a non-empty string")
    if len(sender) > MAX_SENDER_CHARS or clean_text(sender) != sender:
        raise BadRequest(f"'sender' must be at most {MAX_SENDER_CHARS} printable characters")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("'metadata' must be a JSON object")
    return sender, message, metadata


class RestInput(RasaRestInput):
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, message, metadata = parse_body(request.body or b"")
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            refused = refusal(message)
            if refused is not None:
                return response.json([{"recipient_id": sender, "text": refused}])
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(clean_text(message), collector, sender, input_channel=self.name(), metadata=metadata)
                )
            except CancelledError:
                logger.error("REST message timed out (sender %s)", sender)
            except Exception:  # the turn failed: the client still gets what was said, never a 500
                logger.exception("REST message failed (sender %s)", sender)
            return response.json(collector.messages)

        return webhook
