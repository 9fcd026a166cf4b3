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

from tests.support.processes import ROOT
from tests.support.replies import EMERGENCY, opening
from tests.support.stack import Stack
from tests.support.web import (
    ANSWER_TIMEOUT,
    PHONE,
    answer_title,
    ask,
    ask_butyrate,
    bot_bubbles,
    new_page,
    open_demo,
    screenshot,
    session_id,
    user_bubbles,
)

pytestmark = pytest.mark.e2e

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
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


def axe_page(browser: Browser, options: dict[str, Any]) -> Page:
    """A new page whose every document gets axe-core (an init script: the page's CSP does not apply to it)."""
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make web` (npm ci in web/)")
    page, _ = new_page(browser, **options)
    page.context.add_init_script(path=str(AXE))
    return page


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations on the whole page, the widget's shadow root included."""
    page.wait_for_function("() => window.axe && document.readyState === 'complete'")
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: JSON.stringify(n.target), summary: n.failureSummary})),
            }));
        }""",
        WCAG_TAGS,
    )


def describe(violations: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(n["target"] for n in v["nodes"][:4])
        for v in violations
    )


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
        const name = el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30) || el.tagName;
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
