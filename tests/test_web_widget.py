"""The website chat widget (web/) in headless Chromium against the real action server and Rasa server.

scripts/serve_web.py serves the demo page on a free port and points it at the session's Rasa server (the `stack`
fixture). Chromium is Debian's /usr/bin/chromium driven by the playwright package (never `playwright install`).
The restart test is LAST in this file: it restarts the shared Rasa server.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import jwt
import pytest
from playwright.sync_api import Browser, Page, expect

from scripts.stack import Stack
from tests.support.web import (
    ANSWER_TIMEOUT,
    ARTIFACTS,
    PHONE,
    answer_title,
    ask,
    ask_butyrate,
    bot_bubbles,
    get_json,
    new_page,
    open_demo,
    session_id,
    start_web_server,
    user_bubbles,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser: Browser):
    page, errors = new_page(browser)
    yield page
    page.context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


# ------------------------------------------------------------------------------------------------ tests
def test_token_endpoint_issues_a_short_lived_hs256_jwt(tmp_path: Path):
    secret = "test-secret-" + "x" * 32
    server, url = start_web_server(tmp_path, "http://127.0.0.1:5005", WEB_JWT_SECRET=secret)
    try:
        assert get_json(f"{url}/config.json") == {"serverUrl": "http://127.0.0.1:5005", "tokenUrl": "/token"}
        with urllib.request.urlopen(f"{url}/token", timeout=10) as response:
            assert response.headers["Cache-Control"] == "no-store"
            body = json.loads(response.read())
        assert jwt.get_unverified_header(body["token"])["alg"] == "HS256"
        claims = jwt.decode(body["token"], secret, algorithms=["HS256"])
        assert claims["exp"] - claims["iat"] == 600 == body["expires_in"]
        assert abs(claims["iat"] - time.time()) < 60
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(body["token"], "another-secret-" + "y" * 32, algorithms=["HS256"])
    finally:
        server.stop()

    server, url = start_web_server(tmp_path, "http://127.0.0.1:5005")
    try:
        assert get_json(f"{url}/config.json")["tokenUrl"] is None
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}/token", timeout=10)
        assert refused.value.code == 404
        for hidden in ("/node_modules/socket.io-client/package.json", "/package.json", "/vendor/"):
            with pytest.raises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(url + hidden, timeout=10)
            assert missing.value.code == 404, hidden
    finally:
        server.stop()


def test_light_markdown_is_rendered_as_dom_never_as_html(page: Page, web_url: str):
    page.goto(web_url + "/")
    page.wait_for_function("() => window.GsaChat && window.GsaChat.formatText")
    result = page.evaluate("""() => {
        window.__pwned = false;
        const box = document.createElement('div');
        box.appendChild(GsaChat.formatText(
            '**Sources for Butyrate**\\n- Smith (2020). A study. [PMID 1](https://pubmed.example/1/) _cohort_\\n'
            + '- [bad](javascript:window.__pwned=true) and [data](data:text/html,hi)\\n\\n'
            + 'Second paragraph <img src=x onerror="window.__pwned=true"><script>window.__pwned=true</script>'));
        document.body.appendChild(box);
        const links = [...box.querySelectorAll('a')];
        return {
            paragraphs: box.querySelectorAll('p').length, items: box.querySelectorAll('ul > li').length,
            bold: box.querySelector('strong').textContent, italic: box.querySelector('em').textContent,
            links: links.map(a => [a.getAttribute('href'), a.target, a.rel]),
            injected: box.querySelectorAll('img, script').length, text: box.textContent,
        };
    }""")
    assert result["bold"] == "Sources for Butyrate"
    assert result["italic"] == "cohort"
    assert result["items"] == 2 and result["paragraphs"] == 2
    assert result["links"] == [["https://pubmed.example/1/", "_blank", "noopener noreferrer"]]
    assert "[bad](javascript:window.__pwned=true)" in result["text"]
    assert result["injected"] == 0
    assert '<img src=x onerror="window.__pwned=true">' in result["text"]
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is False


def test_a_question_gets_its_answer(page: Page, web_url: str, butyrate_title: str):
    open_demo(page, web_url)
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_have_attribute("aria-live", "polite")
    ask_butyrate(page, butyrate_title)
    expect(page.locator("#gsa-chat-widget .typing")).to_be_hidden()
    expect(
        page.get_by_role("group", name="Suggested replies").last.get_by_role("button", name="Sources")
    ).to_be_visible(timeout=ANSWER_TIMEOUT)
    # Scrolled to the new reply: its end when it fits, else its start (tests/test_widget_accessibility.py).
    expect(answer_title(page, butyrate_title)).to_be_in_viewport()
    assert (
        page.evaluate(
            "() => document.getElementById('gsa-chat-widget').shadowRoot.querySelector('.messages').scrollTop"
        )
        > 0
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "demo-page.png"))


def test_a_button_click_sends_its_payload_and_shows_its_title(page: Page, web_url: str, butyrate_title: str):
    open_demo(page, web_url)
    ask_butyrate(page, butyrate_title)
    sources = page.get_by_role("button", name="Sources", exact=True)
    expect(sources).to_have_count(1)  # the answer's follow-up replies (its last part) have arrived
    group = page.get_by_role("group", name="Suggested replies").filter(has=sources).first
    group.get_by_role("button", name="Sources").click()
    expect(user_bubbles(page).last).to_have_text("Sources")  # the title, not the /sources payload
    expect(answer_title(page, f"Sources for {butyrate_title}")).to_be_visible(timeout=ANSWER_TIMEOUT)
    citation = page.locator("#gsa-chat-widget .log .from-bot .bubble li a").first
    expect(citation).to_be_visible()
    assert citation.get_attribute("href").startswith(("https://", "http://"))
    assert citation.get_attribute("target") == "_blank"
    assert citation.get_attribute("rel") == "noopener noreferrer"
    expect(group.get_by_role("button", name="Sources")).to_be_disabled()  # a used set of replies is spent


def test_a_reload_keeps_the_conversation_and_its_history(page: Page, web_url: str, butyrate_title: str, stack):
    open_demo(page, web_url)
    ask_butyrate(page, butyrate_title)
    before = session_id(page)
    assert re.fullmatch(r"[0-9a-f]{32}", before), before  # a random session id, kept below
    messages = page.locator("#gsa-chat-widget .log .message")
    count = messages.count()

    page.reload()
    expect(messages).to_have_count(count)
    expect(answer_title(page, butyrate_title)).to_have_count(1)
    assert session_id(page) == before
    # The server continues the same conversation: a follow-up needs the topic from before the reload.
    page.get_by_role("button", name="Tell me more").last.click()
    expect(answer_title(page, f"{butyrate_title}: in more detail")).to_be_visible(timeout=ANSWER_TIMEOUT)
    texts = [e.get("text") for e in stack.tracker(before)["events"] if e.get("event") == "user"]
    assert "what is butyrate?" in texts and "/more_detail" in texts


def test_html_and_scripts_in_messages_are_shown_as_text(page: Page, web_url: str):
    open_demo(page, web_url)
    replies = bot_bubbles(page).count()
    attack = (
        '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
        '<b id="injected">bold</b> [click](javascript:window.__xss=3)'
    )
    ask(page, attack)
    expect(user_bubbles(page).last).to_have_text(attack)
    expect(bot_bubbles(page)).not_to_have_count(replies, timeout=ANSWER_TIMEOUT)  # the bot answered something

    def injected() -> int:
        return page.evaluate("""() => {
            const root = document.getElementById('gsa-chat-widget').shadowRoot;
            return root.querySelectorAll('.log img, .log script, .log b, .from-user a, #injected').length
                + document.querySelectorAll('#injected').length;
        }""")

    assert injected() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    page.reload()  # the history is rendered again from localStorage: still text
    expect(user_bubbles(page).last).to_have_text(attack)
    assert injected() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_keyboard_screen_reader_labels_and_new_conversation(page: Page, web_url: str, butyrate_title: str):
    open_demo(page, web_url)
    ask_butyrate(page, butyrate_title)
    first = session_id(page)
    widget = page.locator("#gsa-chat-widget")
    expect(page.get_by_label("Your message")).to_be_focused()
    for name in ("Send message", "Close chat", "Start a new conversation"):
        expect(widget.get_by_role("button", name=name, exact=True)).to_be_visible()
    launcher = widget.locator(".launcher")
    expect(launcher).to_have_attribute("aria-expanded", "true")

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.get_by_label("Your message")).to_be_focused()

    widget.get_by_role("button", name="Start a new conversation").click()
    confirm = page.get_by_role("alertdialog", name="Start a new conversation?")  # it asks first
    expect(confirm).to_be_visible()
    expect(answer_title(page, butyrate_title)).to_have_count(1)
    confirm.get_by_role("button", name="Clear and start again").click()
    expect(confirm).to_be_hidden()
    expect(answer_title(page, butyrate_title)).to_have_count(0)
    expect(bot_bubbles(page).first).to_be_visible(timeout=ANSWER_TIMEOUT)  # the new session's welcome
    assert session_id(page) != first
    assert page.evaluate("() => JSON.parse(localStorage.getItem('gsa-chat:history')).every(m => m.from === 'bot')")
    ask_butyrate(page, butyrate_title)


def test_works_on_a_phone_sized_screen(browser: Browser, web_url: str, butyrate_title: str):
    # Reduced motion: the panel's opening animation must not be caught half-way when measuring it.
    page, errors = new_page(
        browser,
        viewport={"width": 375, "height": 667},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        reduced_motion="reduce",
    )
    try:
        open_demo(page, web_url)
        panel = page.get_by_role("dialog").bounding_box()
        assert [round(panel[k]) for k in ("x", "y", "width", "height")] == [0, 0, 375, 667]  # full screen
        expect(page.locator("#gsa-chat-widget .launcher")).to_be_hidden()  # the full-screen panel has a close button
        ask_butyrate(page, butyrate_title)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        page.screenshot(path=str(ARTIFACTS / "demo-page-phone.png"))
        page.get_by_role("button", name="Close chat").click()
        expect(page.locator("#gsa-chat-widget .launcher")).to_be_visible()
    finally:
        page.context.close()
    assert not errors


def test_with_a_jwt_secret_the_socket_needs_the_token_that_the_widget_fetches(
    browser: Browser, butyrate_title: str, tmp_path_factory: pytest.TempPathFactory
):
    secret = "widget-test-secret-" + "z" * 32
    jwt_stack = Stack(tmp_path_factory.mktemp("jwt-stack"), channel_env={"WEB_JWT_SECRET": secret}).start()
    server, url = start_web_server(tmp_path_factory.mktemp("jwt-web"), jwt_stack.rasa_url, WEB_JWT_SECRET=secret)
    page, errors = new_page(browser)
    try:
        open_demo(page, url)  # connected with a token from /token: the welcome arrived
        ask_butyrate(page, butyrate_title)
        refused = page.evaluate(
            """async ([server, forged]) => {
            const attempt = (auth) => new Promise(resolve => {
                const socket = io(server, {transports: ['websocket'], reconnection: false, auth,
                                           forceNew: true});
                socket.on('connect', () => { socket.close(); resolve('connected'); });
                socket.on('connect_error', () => { socket.close(); resolve('refused'); });
            });
            const token = (await (await fetch('/token')).json()).token;
            return [await attempt(undefined), await attempt({token: forged}), await attempt({token})];
        }""",
            [jwt_stack.rasa_url, make_forged_token()],
        )
        assert refused == ["refused", "refused", "connected"]
    finally:
        page.context.close()
        server.stop()
        jwt_stack.stop()
    assert not errors


def make_forged_token() -> str:
    now = int(time.time())
    return jwt.encode(
        {"sub": "web-widget", "iat": now, "exp": now + 600}, "not-the-secret-" + "q" * 32, algorithm="HS256"
    )


VIEWPORTS = {"desktop": {}, "phone": {**PHONE, "reduced_motion": "reduce"}}


def scrolled_to_the_end(page: Page) -> bool:
    return page.locator("#gsa-chat-widget .messages").evaluate(
        "(el) => el.scrollHeight > el.clientHeight && el.scrollTop + el.clientHeight >= el.scrollHeight - 2"
    )


@pytest.mark.parametrize("device", VIEWPORTS)
def test_after_a_reload_the_conversation_opens_at_its_latest_message(
    browser: Browser, web_url: str, butyrate_title: str, device: str
):
    page, errors = new_page(browser, **VIEWPORTS[device])
    try:
        open_demo(page, web_url)
        ask_butyrate(page, butyrate_title)
        page.get_by_role("button", name="Tell me more").last.click()
        expect(answer_title(page, f"{butyrate_title}: in more detail")).to_be_visible(timeout=ANSWER_TIMEOUT)
        count = page.locator("#gsa-chat-widget .log .message").count()
        page.reload()
        expect(page.locator("#gsa-chat-widget .log .message")).to_have_count(count)
        expect(page.locator("#gsa-chat-widget .log .message").last).to_be_in_viewport()
        assert scrolled_to_the_end(page), "the history is longer than the panel and shows its end"
        page.screenshot(path=str(ARTIFACTS / f"widget-after-reload-{device}.png"))
    finally:
        page.context.close()
    assert not errors


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_topic_title_and_its_text_arrive_in_one_bubble(browser: Browser, web_url: str, stack, device: str):
    from knowledge.store import KnowledgeStore

    store = KnowledgeStore(stack.knowledge_url)
    topic = store.topic("butyrate")
    store.dispose()
    page, errors = new_page(browser, **VIEWPORTS[device])
    try:
        open_demo(page, web_url)
        before = bot_bubbles(page).count()
        ask_butyrate(page, topic.title)
        answer = bot_bubbles(page).filter(has=page.locator("strong", has_text=topic.title))
        expect(answer).to_have_count(1)
        expect(answer).to_contain_text(topic.short_answer.split(". ")[0])
        expect(answer).to_contain_text(topic.evidence_level)
        assert bot_bubbles(page).count() == before + 1, "the whole answer is one bubble"
        page.screenshot(path=str(ARTIFACTS / f"widget-answer-one-bubble-{device}.png"))
    finally:
        page.context.close()
    assert not errors


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and (a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])
    )


@pytest.mark.parametrize("size", [(320, 568), (390, 844), (412, 915)])
def test_on_a_phone_the_launcher_never_covers_the_embed_code(browser: Browser, web_url: str, size: tuple[int, int]):
    width, height = size
    page, errors = new_page(browser, **{**PHONE, "viewport": {"width": width, "height": height}})
    try:
        open_demo(page, web_url)
        page.get_by_role("button", name="Close chat").click()
        launcher = page.locator("#gsa-chat-widget .launcher")
        expect(launcher).to_be_visible()
        code = page.locator("pre")
        bottom = page.evaluate("() => document.documentElement.scrollHeight - window.innerHeight")
        for y in [*range(0, bottom, 40), bottom]:  # every scroll position, in 40 px steps
            page.evaluate("(y) => window.scrollTo(0, y)", y)
            assert not overlaps(launcher.bounding_box(), code.bounding_box()), f"scrolled to {y} px"
        code.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"demo-page-phone-{width}x{height}-closed.png"))
    finally:
        page.context.close()
    assert not errors


# Keep LAST: it restarts the Rasa server that the whole test session shares.
def test_recovers_after_the_rasa_server_restarts(page: Page, web_url: str, butyrate_title: str, stack):
    open_demo(page, web_url)
    ask_butyrate(page, butyrate_title)
    restart_error: list[BaseException] = []

    def restart() -> None:
        try:
            stack.restart_rasa()
        except BaseException as error:  # reported below, in the test's thread
            restart_error.append(error)

    restarting = threading.Thread(target=restart)
    restarting.start()
    banner = page.get_by_role("alert")
    expect(banner).to_be_visible(timeout=30_000)
    expect(banner).to_contain_text("Reconnecting")
    restarting.join(timeout=320)
    assert not restarting.is_alive() and not restart_error, restart_error
    expect(banner).to_be_hidden(timeout=30_000)  # reconnected by itself, session requested again
    ask_butyrate(page, butyrate_title, nth=2)
