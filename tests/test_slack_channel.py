"""The Slack channel end to end: signed Events API and interactivity requests to the real Rasa server's
/webhooks/slack/webhook, answered through a fake Slack Web API (tests/fakes/slack_api.py).

Expected texts come from the knowledge store the servers use.
"""

from __future__ import annotations

import asyncio
import json
import re
import time

import pytest

from knowledge.store import KnowledgeStore
from rasa_ext.channels import formatting
from tests.support import channels
from tests.support.channels import SlackClient, slack_ts, unique

pytestmark = pytest.mark.e2e
GRACE = 2.5  # seconds to wait for a reply that must not come (an answer takes well under a second here)


@pytest.fixture(scope="module")
def slack(stack) -> SlackClient:
    return SlackClient(stack.rasa_url)


def bold_title(store: KnowledgeStore, slug: str) -> str:
    return formatting.to_slack_mrkdwn(f"**{store.topic(slug).title}**")


def with_text(posts, needle: str):
    return [p for p in posts if needle in p.params.get("text", "")]


def wait_for_post_containing(fake_slack, channel: str, needle: str, timeout: float = 30.0):
    [post] = fake_slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("channel") == channel and needle in c.params.get("text", ""),
        1,
        timeout,
    )
    return post


def section_text(post) -> str:
    return "\n".join(b["text"]["text"] for b in post.params.get("blocks", []) if b["type"] == "section")


def button_values(post) -> list[str]:
    return [e["value"] for b in post.params.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


def dm_event(user: str, channel: str, text: str, ts: str | None = None) -> dict:
    return {
        "type": "message",
        "channel": channel,
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts or slack_ts(),
        "team": "T0001",
    }


def user_texts(stack, sender, including: str, timeout: float = 15.0) -> list[str]:
    """The user's messages in the tracker once it holds `including` (a reply can reach the channel before the
    tracker is saved)."""
    deadline = time.monotonic() + timeout
    while True:
        texts = [e.get("text") or "" for e in stack.tracker(sender)["events"] if e["event"] == "user"]
        if including in texts or time.monotonic() > deadline:
            return texts
        time.sleep(0.2)


# -- answering -----------------------------------------------------------------------------------------------
def test_direct_message_is_answered_in_the_conversation_with_buttons(stack, slack, fake_slack, store):
    user, channel = unique("U"), unique("D")
    status, _, _ = slack.event(dm_event(user, channel, "What is butyrate?"))
    assert status == 200
    answer = wait_for_post_containing(fake_slack, channel, bold_title(store, "butyrate"))
    assert answer.error is None
    assert answer.headers["Authorization"] == f"Bearer {channels.SLACK_TOKEN}"
    assert "**" not in answer.params["text"]
    assert section_text(answer) == answer.params["text"]
    assert {"/more_detail", "/sources", "/simpler"} <= set(button_values(answer))
    assert all("thread_ts" not in p.params for p in fake_slack.posts(channel))  # no threads in a DM
    assert all(p.error is None for p in fake_slack.posts(channel))


@pytest.mark.parametrize("authorizations", [True, False])
def test_mention_in_a_channel_is_answered_in_its_thread(stack, slack, fake_slack, store, authorizations):
    user, channel, ts = unique("U"), unique("C"), slack_ts()
    event = {
        "type": "app_mention",
        "channel": channel,
        "user": user,
        "ts": ts,
        "text": f"<@{channels.SLACK_BOT_USER}> tell me about leaky gut",
    }
    assert slack.event(event, authorizations=authorizations)[0] == 200
    answer = wait_for_post_containing(fake_slack, channel, bold_title(store, "leaky_gut"))
    assert answer.params["thread_ts"] == ts
    assert all(p.params.get("thread_ts") == ts for p in fake_slack.posts(channel))
    assert "/sources" in button_values(answer)
    # The bot's own mention is removed from what the NLU reads.
    assert user_texts(stack, user, "tell me about leaky gut")[-1] == "tell me about leaky gut"


def test_button_click_is_answered_in_the_thread_with_citations_as_links(stack, slack, fake_slack, store):
    user, channel, ts = unique("U"), unique("C"), slack_ts()
    topic = store.topic("leaky_gut")
    slack.event(
        {
            "type": "app_mention",
            "channel": channel,
            "user": user,
            "ts": ts,
            "text": f"<@{channels.SLACK_BOT_USER}> tell me about leaky gut",
        }
    )
    wait_for_post_containing(fake_slack, channel, bold_title(store, "leaky_gut"))

    status, _, _ = slack.click(user=user, channel=channel, value="/all_sources", message_ts=slack_ts(), thread_ts=ts)
    assert status == 200
    sources = wait_for_post_containing(
        fake_slack, channel, formatting.to_slack_mrkdwn(f"**Sources for {topic.title}**")
    )
    assert sources.params["thread_ts"] == ts
    text = sources.params["text"] + section_text(sources)
    linked = [s for s in store.sources(topic.sources) if s.link]
    assert linked
    for source in linked:
        assert f"<{formatting.slack_escape(source.link)}|" in text
    assert "](" not in text
    assert re.search(r"^• ", text, re.M)


def test_a_message_the_bot_reads_twice_is_answered_once(stack, slack, fake_slack, store):
    """In the bot's channel a mention arrives as `message` and as `app_mention`, with the same ts."""
    user, ts = unique("U"), slack_ts()
    text = f"<@{channels.SLACK_BOT_USER}> what is butyrate?"
    base = {"channel": channels.SLACK_CHANNEL, "user": user, "ts": ts, "text": text}
    assert slack.event({"type": "message", "channel_type": "channel", **base})[0] == 200
    assert slack.event({"type": "app_mention", **base})[0] == 200
    wait_for_post_containing(fake_slack, channels.SLACK_CHANNEL, bold_title(store, "butyrate"))
    time.sleep(GRACE)
    in_thread = [p for p in fake_slack.posts(channels.SLACK_CHANNEL) if p.params.get("thread_ts") == ts]
    assert len(with_text(in_thread, bold_title(store, "butyrate"))) == 1
    assert user_texts(stack, user, "what is butyrate?").count("what is butyrate?") == 1


def test_json_with_a_charset_is_answered(stack, slack, fake_slack, store):
    user, channel = unique("U"), unique("D")
    status, _, _ = slack.event(
        dm_event(user, channel, "What is butyrate?"), content_type="application/json; charset=utf-8"
    )
    assert status == 200
    wait_for_post_containing(fake_slack, channel, bold_title(store, "butyrate"))


# -- retries, signatures, verification -----------------------------------------------------------------------
@pytest.mark.parametrize("reason", ["http_timeout", "http_error"])
def test_a_retried_event_is_not_answered_twice(stack, slack, fake_slack, store, reason):
    user, channel, event_id = unique("U"), unique("D"), unique("Ev")
    event = dm_event(user, channel, "What is butyrate?")
    assert slack.event(event, event_id=event_id)[0] == 200
    wait_for_post_containing(fake_slack, channel, bold_title(store, "butyrate"))

    status, _, headers = slack.event(
        event, event_id=event_id, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": reason}
    )
    assert status == 200
    assert headers.get("X-Slack-No-Retry") == "1"
    time.sleep(GRACE)
    assert len(with_text(fake_slack.posts(channel), bold_title(store, "butyrate"))) == 1
    assert user_texts(stack, user, "What is butyrate?").count("What is butyrate?") == 1


def test_a_retry_of_an_event_that_never_arrived_is_answered(stack, slack, fake_slack, store):
    user, channel = unique("U"), unique("D")
    status, _, _ = slack.event(
        dm_event(user, channel, "What is butyrate?"),
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert status == 200
    wait_for_post_containing(fake_slack, channel, bold_title(store, "butyrate"))


@pytest.mark.parametrize("how", ["wrong secret", "stale timestamp", "body changed", "no signature"])
def test_a_badly_signed_request_is_rejected_and_not_answered(stack, slack, fake_slack, store, how):
    user, channel = unique("U"), unique("D")
    forged = dm_event(user, channel, "tell me about leaky gut")
    if how == "wrong secret":
        status, _, _ = slack.event(forged, secret="not-the-signing-secret")
    elif how == "stale timestamp":
        status, _, _ = slack.event(forged, timestamp=time.time() - 6 * 60)
    else:
        body = json.dumps({"type": "event_callback", "event_id": unique("Ev"), "event": forged}).encode()
        stamp = str(int(time.time()))
        signature = channels.slack_signature(body, stamp)
        tampered = body.replace(b"leaky gut", b"leaky guts")
        headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp}
        if how == "body changed":
            headers["X-Slack-Signature"] = signature
        status, _, _ = channels.post(slack.url, tampered, headers)
    assert status == 401

    # A properly signed message from the same user afterwards is answered; the forged one never was.
    slack.event(dm_event(user, channel, "What is butyrate?"))
    wait_for_post_containing(fake_slack, channel, bold_title(store, "butyrate"))
    time.sleep(GRACE)
    assert not with_text(fake_slack.posts(channel), bold_title(store, "leaky_gut"))
    texts = user_texts(stack, user, "What is butyrate?")
    assert "What is butyrate?" in texts and not [t for t in texts if "leaky" in t]


def test_url_verification_challenge(stack, slack):
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "legacy", "challenge": challenge, "type": "url_verification"}).encode()
    status, answer, _ = slack.send(body, "application/json")
    assert status == 200
    assert json.loads(answer) == {"challenge": challenge}
    status, answer, _ = slack.send(body, "application/json", secret="wrong")
    assert status == 401 and challenge.encode() not in answer


# -- the output channel on its own, against the fake API ----------------------------------------------------
def test_long_replies_are_split_into_messages_slack_accepts(fake_slack):
    from rasa_ext.channels.slack import SlackBot

    channel = unique("D")
    paragraph = "**Key point:** the gut & the skin talk to each other. " * 12
    text = "\n\n".join([paragraph.strip()] * 12)  # about 8000 characters
    bot = SlackBot(channels.SLACK_TOKEN, channel, api_base_url=fake_slack.base_url)
    asyncio.run(bot.send_text_with_buttons(channel, text, [{"title": "Sources", "payload": "/sources"}]))
    posts = fake_slack.posts(channel)
    assert len(posts) >= 3
    assert all(p.error is None for p in posts)
    assert all(len(p.params["text"]) <= formatting.SLACK_TEXT_LIMIT for p in posts)
    assert [bool(button_values(p)) for p in posts] == [False] * (len(posts) - 1) + [True]
    assert sum(p.params["text"].count("*Key point:*") for p in posts) == 12 * 12


def test_the_web_client_honours_no_proxy_for_the_api_address(fake_slack, monkeypatch):
    from rasa_ext.channels.slack import SlackBot

    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("no_proxy", raising=False)
    channel = unique("D")
    bot = SlackBot(channels.SLACK_TOKEN, channel, api_base_url=fake_slack.base_url)
    asyncio.run(bot.send_text_message(channel, "hello"))
    assert [p.params["text"] for p in fake_slack.posts(channel)] == ["hello"]

    monkeypatch.setenv("NO_PROXY", "example.org")
    assert (
        SlackBot(channels.SLACK_TOKEN, channel, api_base_url=fake_slack.base_url).client.proxy == "http://127.0.0.1:9"
    )


def test_an_emergency_that_opens_a_conversation_gets_the_emergency_advice_first(stack, slack, fake_slack):
    from tests.support.replies import EMERGENCY, opening

    user, channel = unique("U"), unique("D")
    message = "his lips are swelling after peanut butter and he is wheezing"
    assert slack.event(dm_event(user, channel, message))[0] == 200
    wait_for_post_containing(fake_slack, channel, opening(EMERGENCY))
    texts = [p.params["text"] for p in fake_slack.posts(channel)]
    assert texts[0].startswith(opening(EMERGENCY)), texts  # before any welcome
