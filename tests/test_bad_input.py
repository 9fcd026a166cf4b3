"""The bad-input corpus (tests/bad_input/corpus.yml) over REST and the website socket: never a 5xx, each
answered in under 2 s, and the bot answers normally afterwards."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

from rasa_ext.channels.limits import EMPTY_REPLY, TOO_LONG_REPLY
from tests.support.socket_client import SocketClient

pytestmark = pytest.mark.e2e
CORPUS = yaml.safe_load((Path(__file__).parent / "bad_input" / "corpus.yml").read_text(encoding="utf-8"))
MAX_SECONDS = 2.0
NORMAL_QUESTION, NORMAL_ANSWER = "what is butyrate?", "Butyrate"


def build_text(case: dict, key: str = "message") -> str:
    text = case.get(key, "")
    if "repeat" in case and key == "message":
        text = case["repeat"]["text"] * case["repeat"]["times"]
    if "repeat_suffix" in case and key == "message":
        text += case["repeat_suffix"]["text"] * case["repeat_suffix"]["times"]
    return text


def rest_body(case: dict, sender: str) -> bytes:
    if "body" in case:
        return case["body"].encode("utf-8", "surrogatepass")
    if "body_base64" in case:
        return base64.b64decode(case["body_base64"])
    if "nest" in case:
        nest = case["nest"]
        return (nest["open"] * nest["depth"] + nest["close"] * nest["depth"]).encode()
    if "sender_repeat" in case:
        sender = case["sender_repeat"]["text"] * case["sender_repeat"]["times"]
    return json.dumps({"sender": sender, "message": build_text(case)}).encode()


def post(url: str, body: bytes) -> tuple[int, object]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.mark.parametrize("case", CORPUS["rest"], ids=[c["name"] for c in CORPUS["rest"]])
def test_bad_input_over_rest(stack, case):
    sender = f"bad-{uuid.uuid4().hex[:10]}"
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    started = time.monotonic()
    status, body = post(url, rest_body(case, sender))
    elapsed = time.monotonic() - started
    assert status < 500 and elapsed < MAX_SECONDS, (status, round(elapsed, 2))
    if case["expect"] == 400:
        assert status == 400 and isinstance(body, dict) and body.get("error"), body
    else:
        assert (
            status == 200 and isinstance(body, list) and body and all(r.get("text") or r.get("buttons") for r in body)
        ), body
        said = "\n".join(r.get("text") or "" for r in body)
        assert (TOO_LONG_REPLY in said) == (case["expect"] == "too_long")
        if case["name"] in ("empty message", "whitespace only"):
            assert EMPTY_REPLY in said
    status, after = post(url, json.dumps({"sender": sender, "message": NORMAL_QUESTION}).encode())
    assert status == 200 and NORMAL_ANSWER in "\n".join(r.get("text") or "" for r in after)


async def socket_exchange(rasa_url: str, message: object, wait: float) -> tuple[list[str], list[str], float | None]:
    """Send one message over the socket, then the normal question: (replies to the message, replies to the
    normal question, seconds until the first reply to the message)."""
    async with SocketClient(rasa_url) as client:
        session = uuid.uuid4().hex
        await client.emit("session_request", {"session_id": session})
        await client.wait_for("session_confirm", 10)
        sent = time.monotonic()
        await client.emit("user_uttered", {"message": message, "session_id": session})
        await asyncio.sleep(wait)
        normal_sent = time.monotonic()
        await client.emit("user_uttered", {"message": NORMAL_QUESTION, "session_id": session})
        await asyncio.sleep(3)
    first = [
        (at, data.get("text") or "") for at, data in client.received("bot_uttered", since=sent) if at < normal_sent
    ]
    after = [data.get("text") or "" for _, data in client.received("bot_uttered", since=normal_sent)]
    return [text for _, text in first], after, (first[0][0] - sent if first else None)


@pytest.mark.parametrize("case", CORPUS["socket"], ids=[c["name"] for c in CORPUS["socket"]])
def test_bad_input_over_the_socket(stack, case):
    message = case["message_raw"] if "message_raw" in case else build_text(case)
    replies, after, first_after = asyncio.run(socket_exchange(stack.rasa_url, message, wait=MAX_SECONDS))
    assert any(NORMAL_ANSWER in text for text in after), f"no normal answer afterwards: {after}"
    if case["expect"] == "nothing":
        assert not replies
        return
    assert replies and first_after is not None and first_after < MAX_SECONDS, (replies, first_after)
    assert any(TOO_LONG_REPLY in text for text in replies) == (case["expect"] == "too_long")
