"""The website chat widget against WCAG 2.2 AA and on phones, in headless Chromium with the real servers.

axe-core (web/node_modules/axe-core, installed by `make web`'s `npm ci`, never downloaded at run time) checks the
demo page with the widget open in each state of a conversation, on a desktop and a phone viewport, with the WCAG
2.0/2.1/2.2 A and AA rule sets. Scripted checks cover what axe cannot see: what the live region announces, focus
order and trapping in the phone's modal dialog, focus after a tap, where a long answer opens, the reader's own
scroll position, the "More..." choices, tel: links in urgent replies, the confirmation of "New conversation" and
text at 200%. Screenshots of each state go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from scripts.stack import Stack
from tests.support.replies import EMERGENCY, opening
from tests.support.web import (
    ANSWER_TIMEOUT,
    PHONE,
    answer_title,
    ask,
    ask_butyrate,
    axe_page,
    axe_violations,
    bot_bubbles,
    describe,
    open_demo,
    screenshot,
    session_id,
    user_bubbles,
)

pytestmark = pytest.mark.e2e

DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
DEVICES: dict[str, dict[str, Any]] = {"desktop": DESKTOP, "phone": PHONE}
URGENT_MESSAGE = "my baby's lips are turning blue and she can't breathe"
EMERGENCY_NUMBERS = ["999", "112", "911", "000", "111"]  # the {emergency_numbers} of domain.yml
WIDGET = "#gsa-chat-widget"


# ------------------------------------------------------------------------------------------------ helpers
@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from opened(browser, PHONE)


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    yield from opened(browser, DESKTOP)


def opened(browser: Browser, options: dict[str, Any]) -> Iterator[Page]:
    page = axe_page(browser, options)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def widget_eval(page: Page, script: str, arg: Any = None) -> Any:
    """Run `(root, arg) => ...` with the widget's shadow root."""
    return page.evaluate(
        f"([arg]) => {{ const root = document.querySelector('{WIDGET}').shadowRoot; return ({script})(root, arg); }}",
        [arg],
    )


def focused(page: Page) -> str:
    """What has focus: a short description of the deepest active element (inside the shadow root too)."""
    return page.evaluate("""() => {
        let el = document.activeElement;
        while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
        if (!el || el === document.body) return 'body';
        const inPanel = !!(el.closest && el.closest('#gsa-panel'));
        const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
        const name = el.getAttribute('aria-label') || label || el.textContent.trim().slice(0, 30) || el.tagName;
        return (inPanel ? 'panel:' : 'page:') + el.tagName.toLowerCase() + ':' + name;
    }""")


def message_in_view(page: Page, row_selector: str) -> dict[str, float]:
    """Where a message is in the scrolling area: its top and bottom relative to the visible part."""
    return widget_eval(
        page,
        """(root, selector) => {
            const box = root.querySelector('.messages').getBoundingClientRect();
            const rows = root.querySelectorAll(selector);
            const row = rows[rows.length - 1].getBoundingClientRect();
            return {top: row.top - box.top, bottom: row.bottom - box.top, height: box.height};
        }""",
        row_selector,
    )


def ask_urgent(page: Page) -> None:
    ask(page, URGENT_MESSAGE)
    expect(bot_bubbles(page).last).to_contain_text(opening(EMERGENCY), timeout=ANSWER_TIMEOUT)


def tell_me_more(page: Page, title: str) -> None:
    page.get_by_role("button", name="Tell me more").last.click()
    expect(answer_title(page, f"{title}: in more detail")).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(page.locator(f"{WIDGET} .typing")).to_be_hidden()


def start_quiz(page: Page) -> None:
    before = bot_bubbles(page).count()
    ask(page, "quiz me")
    expect(bot_bubbles(page)).not_to_have_count(before, timeout=ANSWER_TIMEOUT)
    expect(page.locator(f"{WIDGET} .log .message").last.locator(".buttons")).to_be_visible(timeout=ANSWER_TIMEOUT)


def settle(page: Page) -> None:
    """The typing dots gone and one more frame drawn, so axe and screenshots see the state that the reader sees."""
    expect(page.locator(f"{WIDGET} .typing")).to_be_hidden(timeout=ANSWER_TIMEOUT)
    page.wait_for_timeout(300)


# ------------------------------------------------------------------------------------------------ axe-core
@pytest.mark.parametrize("device", DEVICES)
def test_axe_finds_no_wcag_violations_in_any_state(browser: Browser, web_url: str, butyrate_title: str, device: str):
    page = axe_page(browser, DEVICES[device])
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    found: dict[str, str] = {}

    def check(state: str) -> None:
        settle(page)
        screenshot(page, f"a11y-{state}-{device}.png")
        violations = axe_violations(page)
        if violations:
            found[state] = describe(violations)

    try:
        if device == "phone":  # the demo page itself, with the launcher: a phone does not open the panel
            page.goto(web_url + "/")
            expect(page.locator(f"{WIDGET} .launcher")).to_be_visible()
            check("closed")
        open_demo(page, web_url)
        check("empty")  # a new conversation: the welcome and its three buttons
        ask_butyrate(page, butyrate_title)
        expect(page.get_by_role("button", name="Sources", exact=True)).to_have_count(1, timeout=ANSWER_TIMEOUT)
        check("answer-with-buttons")
        tell_me_more(page, butyrate_title)
        check("long-answer")
        ask_urgent(page)
        check("emergency")
        start_quiz(page)
        check("quiz")
        page.reload()
        expect(page.get_by_role("dialog")).to_be_visible()
        expect(answer_title(page, f"{butyrate_title}: in more detail")).to_have_count(1)
        check("after-reload")
        page.get_by_role("button", name="Start a new conversation").click()
        check("confirm-new-conversation")
    finally:
        page.context.close()
    assert not errors, errors
    assert not found, "\n".join(f"{state}: {text}" for state, text in found.items())


# ------------------------------------------------------------------------------------------------ scripted checks
def test_the_live_region_announces_each_new_bot_message_once(desktop: Page, web_url: str, butyrate_title: str):
    page = desktop
    open_demo(page, web_url)
    widget_eval(
        page,
        """(root) => {
            window.__added = [];
            new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(node => window.__added.push({
                direct: r.target === root.querySelector('.log'),
                bot: node.nodeType === 1 && node.classList.contains('from-bot'),
                text: (node.textContent || '').slice(0, 60),
            })))).observe(root.querySelector('.log'), {childList: true, subtree: true, characterData: true});
        }""",
    )
    rows = page.locator(f"{WIDGET} .log .message.from-bot")
    before = rows.count()
    ask_butyrate(page, butyrate_title)
    expect(page.get_by_role("button", name="Sources", exact=True)).to_have_count(1, timeout=ANSWER_TIMEOUT)
    tell_me_more(page, butyrate_title)
    settle(page)
    added = page.evaluate("window.__added")
    new_bot_rows = rows.count() - before
    assert new_bot_rows >= 2
    assert all(a["direct"] for a in added), f"nodes added inside a message after it was shown: {added}"
    assert sum(a["bot"] for a in added) == new_bot_rows, added  # one addition per bot message, none twice
    assert len(added) == new_bot_rows + 2, added  # and the user's two messages ("what is butyrate?", "Tell me more")
    texts = [a["text"] for a in added if a["bot"]]
    assert len(set(texts)) == len(texts), f"a bot message was added twice: {texts}"


def tab_walk(page: Page, key: str, presses: int) -> list[str]:
    stops = []
    for _ in range(presses):
        page.keyboard.press(key)
        stops.append(focused(page))
    return stops


def test_on_a_phone_the_open_panel_is_a_modal_dialog_that_keeps_the_focus(
    phone: Page, web_url: str, butyrate_title: str
):
    page = phone
    open_demo(page, web_url)  # asserts that the demo page did not open the panel by itself on the phone
    ask_butyrate(page, butyrate_title)
    expect(page.get_by_role("button", name="Sources", exact=True)).to_have_count(1, timeout=ANSWER_TIMEOUT)
    dialog = page.get_by_role("dialog", name="Gut-skin axis assistant")
    expect(dialog).to_have_attribute("aria-modal", "true")
    assert page.evaluate("() => document.querySelector('main').inert"), "the page behind the dialog is inert"
    page.get_by_label("Your message").focus()
    forward = tab_walk(page, "Tab", 30)
    assert all(stop.startswith("panel:") for stop in forward), f"Tab left the dialog: {forward}"
    expect_order = [
        "panel:button:Send message",
        "panel:button:Start a new conversation",
        "panel:button:Close chat",
        "panel:div:Conversation",
    ]
    first_round = forward[: forward.index("panel:textarea:Your message") + 1]
    assert first_round[:4] == expect_order, first_round  # Send, then round to the header, then the conversation
    assert any(stop.startswith("panel:button:") and "Tell me more" in stop for stop in first_round), first_round
    backward = tab_walk(page, "Shift+Tab", 30)
    assert all(stop.startswith("panel:") for stop in backward), f"Shift+Tab left the dialog: {backward}"
    assert set(backward) == set(forward), "the same stops either way round"
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator(f"{WIDGET} .launcher")).to_be_focused()
    assert not page.evaluate("() => document.querySelector('main').inert"), "the page is usable again"
    page.locator(f"{WIDGET} .launcher").press("Enter")
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(page.get_by_label("Your message")).to_be_focused()  # keyboard: into the text box, as before


def test_on_a_desktop_the_panel_is_not_modal(desktop: Page, web_url: str):
    page = desktop
    open_demo(page, web_url)
    expect(page.get_by_role("dialog")).not_to_have_attribute("aria-modal", "true")
    assert not page.evaluate("() => document.querySelector('main').inert")


def test_focus_after_a_reply_button_goes_to_the_log_on_touch_and_to_the_text_box_from_the_keyboard(
    browser: Browser, web_url: str, butyrate_title: str
):
    for device, options in DEVICES.items():
        page = axe_page(browser, options)
        try:
            open_demo(page, web_url)
            ask_butyrate(page, butyrate_title)
            more = page.get_by_role("button", name="Tell me more").last
            expect(more).to_be_enabled(timeout=ANSWER_TIMEOUT)
            if device == "phone":
                more.tap()
                expected = "panel:div:Conversation"  # no on-screen keyboard over the answer
            else:
                more.focus()
                page.keyboard.press("Enter")
                expected = "panel:textarea:Your message"  # keyboard users: as before
            assert focused(page) == expected, device
            expect(answer_title(page, f"{butyrate_title}: in more detail")).to_be_visible(timeout=ANSWER_TIMEOUT)
            assert focused(page) == expected, f"{device}: the answer's arrival kept the focus where it was"
        finally:
            page.context.close()


@pytest.mark.parametrize("device", DEVICES)
def test_a_long_answer_is_shown_from_its_start(browser: Browser, web_url: str, butyrate_title: str, device: str):
    page = axe_page(browser, DEVICES[device])
    try:
        open_demo(page, web_url)
        ask_butyrate(page, butyrate_title)
        tell_me_more(page, butyrate_title)
        settle(page)
        where = message_in_view(page, ".message.from-bot:has(strong)")
        assert where["bottom"] - where["top"] > where["height"], "the answer is taller than the panel"
        assert 0 <= where["top"] <= 24, f"its first line is at the top of the view: {where}"
        expect(answer_title(page, f"{butyrate_title}: in more detail")).to_be_in_viewport()
        screenshot(page, f"a11y-long-answer-start-{device}.png")
        # Short replies still scroll into view: the end of the conversation.
        ask(page, "thanks")
        expect(user_bubbles(page).last).to_have_text("thanks")
        settle(page)
        expect(page.locator(f"{WIDGET} .log .message").last).to_be_in_viewport()
    finally:
        page.context.close()


def test_the_readers_own_scroll_position_is_kept_while_a_message_arrives(
    desktop: Page, web_url: str, butyrate_title: str
):
    page = desktop
    open_demo(page, web_url)
    ask_butyrate(page, butyrate_title)
    tell_me_more(page, butyrate_title)
    settle(page)
    # Send, then scroll up to read at once (one task: before any reply can arrive).
    widget_eval(
        page, "(root) => { GsaChat.send('what is butyrate?'); root.querySelector('.messages').scrollTop = 40; }"
    )
    expect(answer_title(page, butyrate_title)).to_have_count(3, timeout=ANSWER_TIMEOUT)  # short, detail, short
    settle(page)
    assert widget_eval(page, "(root) => root.querySelector('.messages').scrollTop") == 40


def test_on_a_phone_long_sets_of_choices_have_more_and_follow_ups_take_two_lines(
    phone: Page, web_url: str, butyrate_title: str
):
    page = phone
    open_demo(page, web_url)
    page.get_by_role("button", name="Show all topics").tap()
    menu = page.locator(f"{WIDGET} .log .message").last.locator(".choices")
    expect(menu).to_be_visible(timeout=ANSWER_TIMEOUT)
    total = menu.locator("button").count()  # the menu's choices and "More…"
    assert total - 1 > 5, "the topic menu is a long set of choices"
    expect(menu.locator("button:visible")).to_have_count(5)
    more = menu.get_by_role("button", name="More…")
    expect(more).to_have_attribute("aria-expanded", "false")
    screenshot(page, "a11y-more-collapsed-phone.png")
    more.tap()
    expect(menu.locator("button:visible")).to_have_count(total - 1)  # all the choices; "More…" gone
    expect(menu.locator(".extra").first).to_be_focused()

    ask_butyrate(page, butyrate_title)
    follow_ups = page.locator(f"{WIDGET} .log .follow-ups").last
    expect(follow_ups.get_by_role("button", name="Helpful", exact=True)).to_be_visible(timeout=ANSWER_TIMEOUT)
    lines = follow_ups.evaluate("(el) => new Set([...el.children].map(b => Math.round(b.offsetTop))).size")
    assert follow_ups.get_by_role("button").count() == 6 and lines <= 2, lines
    sizes = widget_eval(
        page,
        """(root) => [...root.querySelectorAll('button, a.tel')].filter(b => b.getClientRects().length)
            .map(b => { const r = b.getBoundingClientRect(); return [b.textContent.trim() || b.ariaLabel,
                                                                  r.width, r.height]; })""",
    )
    small = [s for s in sizes if s[1] < 24 or s[2] < 24]
    assert not small, f"targets under 24×24 px: {small}"
    screenshot(page, "a11y-follow-ups-phone.png")


def test_phone_numbers_of_an_urgent_reply_are_tel_links_and_plain_text_on_the_server(
    phone: Page, web_url: str, butyrate_title: str, stack: Stack
):
    page = phone
    open_demo(page, web_url)
    ask_butyrate(page, butyrate_title)
    assert bot_bubbles(page).locator("a[href^='tel:']").count() == 0, "no tel: links in an ordinary answer"
    ask_urgent(page)
    urgent = bot_bubbles(page).filter(has_text=opening(EMERGENCY)).last
    hrefs = urgent.locator("a[href^='tel:']").evaluate_all("(links) => links.map(a => a.getAttribute('href'))")
    assert {f"tel:{number}" for number in EMERGENCY_NUMBERS} <= set(hrefs), hrefs
    expect(urgent.locator("a[href='tel:999']").first).to_have_text("999")
    texts = [e.get("text") or "" for e in stack.tracker(session_id(page))["events"] if e.get("event") == "bot"]
    sent = next(t for t in texts if t.startswith(opening(EMERGENCY)))
    assert "999 in the UK" in sent and "tel:" not in sent, "the server sends plain numbers"
    assert widget_eval(page, "(root, text) => GsaChat.formatText(text).querySelectorAll('a').length", sent) == 7


def test_new_conversation_asks_first_and_says_what_it_clears(desktop: Page, web_url: str, butyrate_title: str):
    page = desktop
    open_demo(page, web_url)
    ask_butyrate(page, butyrate_title)
    first = session_id(page)
    new = page.get_by_role("button", name="Start a new conversation")
    new.click()
    confirm = page.get_by_role("alertdialog", name="Start a new conversation?")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("clears the messages")
    expect(confirm).to_contain_text("quiz")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    screenshot(page, "a11y-confirm-desktop.png")
    page.keyboard.press("Escape")  # closes the question, not the chat
    expect(confirm).to_be_hidden()
    expect(page.get_by_role("dialog", name="Gut-skin axis assistant")).to_be_visible()
    expect(new).to_be_focused()
    expect(answer_title(page, butyrate_title)).to_have_count(1)
    assert session_id(page) == first
    new.click()
    confirm.get_by_role("button", name="Clear and start again").click()
    expect(answer_title(page, butyrate_title)).to_have_count(0)
    expect(bot_bubbles(page).first).to_be_visible(timeout=ANSWER_TIMEOUT)
    assert session_id(page) != first


@pytest.mark.parametrize("device", DEVICES)
def test_text_at_200_percent_is_not_cut_or_hidden(browser: Browser, web_url: str, butyrate_title: str, device: str):
    # Desktop: a 1280×800 window zoomed to 200% is 640×400 CSS px. Phone: the reader's text size doubled.
    options = {**DESKTOP, "viewport": {"width": 640, "height": 400}} if device == "desktop" else PHONE
    page = axe_page(browser, options)
    try:
        open_demo(page, web_url)
        if device == "phone":
            page.evaluate("() => { document.querySelector('#gsa-chat-widget').style.fontSize = '32px'; }")
        ask_butyrate(page, butyrate_title)
        settle(page)
        cut = widget_eval(
            page,
            """(root) => [...root.querySelectorAll('.title, .subtitle, .bubble, .reply, textarea, .messages')]
                .filter(el => el.getClientRects().length && el.scrollWidth > el.clientWidth + 1)
                .map(el => el.className)""",
        )
        assert not cut, f"cut sideways: {cut}"
        for name in ("Start a new conversation", "Close chat", "Send message"):
            expect(page.get_by_role("button", name=name, exact=True)).to_be_in_viewport()
        expect(page.get_by_label("Your message")).to_be_in_viewport()
        assert not axe_violations(page)
        screenshot(page, f"a11y-text-200-{device}.png")
    finally:
        page.context.close()


def test_reduced_motion_turns_the_animations_off(browser: Browser, web_url: str):
    for motion, expected in (("reduce", "none"), ("no-preference", "gsa-pop")):
        page = axe_page(browser, {**DESKTOP, "reduced_motion": motion})
        try:
            open_demo(page, web_url)
            assert widget_eval(page, "(root) => getComputedStyle(root.querySelector('.panel')).animationName") == (
                expected
            )
            dots = widget_eval(page, "(root) => getComputedStyle(root.querySelector('.dots span')).animationName")
            assert dots == ("none" if motion == "reduce" else "gsa-blink")
        finally:
            page.context.close()
