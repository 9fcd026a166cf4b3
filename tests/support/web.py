"""The website chat widget in headless Chromium: shared by tests/test_web_widget.py and test_widget_accessibility.py.

scripts/serve_web.py serves the demo page (web/) on a free port and points it at the session's Rasa server (the
`stack` fixture). Chromium is Debian's /usr/bin/chromium driven by the playwright package (never `playwright
install`). The fixtures `browser`, `web_url` and `butyrate_title` are in tests/conftest.py.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from scripts.processes import PYTHON, ROOT, Server, base_env, free_port
from tests.support.replies import WELCOME

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VENDOR = ROOT / "web" / "vendor" / "socket.io.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"  # git-ignored: screenshots to look at
ANSWER_TIMEOUT = 30_000  # ms: the first answers of a fresh Rasa server can take a few seconds
NARROW = 520  # px: at this width and below the open panel fills the screen as a modal dialog (widget.css)
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


# ------------------------------------------------------------------------------------------------ fixtures
def start_web_server(log_dir: Path, rasa_url: str, **env: str) -> tuple[Server, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_env = base_env(**env)
    if "WEB_JWT_SECRET" not in env:
        server_env.pop("WEB_JWT_SECRET", None)
    server = Server(
        f"serve-web-{port}",
        [PYTHON, "scripts/serve_web.py", "--port", str(port), "--bind", "127.0.0.1", "--rasa-url", rasa_url],
        f"{url}/config.json",
        server_env,
        log_dir,
    )
    return server.start(timeout=20), url


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def new_page(browser: Browser, **context_options: Any) -> tuple[Page, list[str]]:
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 800}, **context_options})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


# ------------------------------------------------------------------------------------------------ helpers
def is_narrow(page: Page) -> bool:
    size = page.viewport_size
    return bool(size and size["width"] <= NARROW)


def open_demo(page: Page, url: str) -> None:
    """The demo page with the chat open and the session's welcome shown.

    On a wide screen the demo opens the panel by itself (data-open="true"). On a phone it does not (the panel
    would cover the whole page): the launcher opens it, as a visitor would.
    """
    page.goto(url + "/")
    dialog = page.get_by_role("dialog", name="Gut-skin axis assistant")
    if is_narrow(page):
        launcher = page.locator("#gsa-chat-widget .launcher")
        expect(launcher).to_be_visible()
        expect(dialog).to_be_hidden()
        launcher.click()
    expect(dialog).to_be_visible()
    # The demo sends /greet when a conversation starts and the session's welcome answers it. Wait for the whole
    # first reply, so that every bubble count taken after this starts from a settled page.
    expect(bot_bubbles(page).last).to_contain_text(WELCOME.split(".")[0], timeout=ANSWER_TIMEOUT)
    expect(bot_bubbles(page)).to_have_count(1)


def bot_bubbles(page: Page) -> Locator:
    return page.locator("#gsa-chat-widget .log .from-bot .bubble")


def user_bubbles(page: Page) -> Locator:
    return page.locator("#gsa-chat-widget .log .from-user .bubble")


def ask(page: Page, text: str) -> None:
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")


def answer_title(page: Page, title: str) -> Locator:
    return page.locator("#gsa-chat-widget .log .from-bot .bubble strong", has_text=title)


def ask_butyrate(page: Page, title: str, nth: int = 1) -> None:
    ask(page, "what is butyrate?")
    expect(user_bubbles(page).last).to_have_text("what is butyrate?")
    expect(answer_title(page, title)).to_have_count(nth, timeout=ANSWER_TIMEOUT)


def session_id(page: Page) -> str:
    return page.evaluate("() => JSON.parse(localStorage.getItem('gsa-chat:session')).id")


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path


# -- axe-core (web/node_modules/axe-core, installed by `make web`'s npm ci; never downloaded at run time) --------
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


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
