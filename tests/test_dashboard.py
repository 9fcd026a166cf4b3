"""The curators' dashboard (scripts/dashboard.py) against the real servers, read in headless Chromium.

Scripted REST conversations (feedback, unanswered questions, each urgent tier) go to the session's Rasa server
(the `stack` fixture); the dashboard runs in .venv-actions on the same databases. What it shows is compared with
counts made here directly from the databases, in plain Python (the events' JSON parsed row by row).
"""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request
from base64 import b64encode
from collections import Counter

import pytest
from playwright.sync_api import Browser

from scripts import action_server
from scripts.processes import ROOT, Server, base_env, free_port
from scripts.stack import Stack
from tests.support.web import AXE, axe_violations, describe, screenshot

pytestmark = pytest.mark.e2e

TOKEN = "curator-test-token-0123456789"
XSS = "can <img src=x onerror=alert(1)> fix my car"
URGENT = {  # one conversation per tier (tests/safety)
    "emergency": "my baby's lips are swelling and he can't breathe",
    "same_day": "there's pus coming out of my son's eczema patches",
    "self_harm": "I want to kill myself",
    "self_harm_child": "my son told me he wishes he was dead",
}
CONVERSATIONS = {
    "dash-helpful": ["what is butyrate?", "that helped"],
    "dash-unhelpful": ["what is butyrate?", "not helpful"],
    "dash-unanswered-1": ["how do i fix my car"],
    "dash-unanswered-2": ["how can i fix my car"],
    "dash-xss": [XSS],
    **{f"dash-urgent-{tier}": [text] for tier, text in URGENT.items()},
}
PAGES = ("unanswered", "feedback", "review", "use")
CSVS = ("unanswered", "feedback", "feedback_weekly", "review", "sources", "use_totals", "use_daily")


@pytest.fixture(scope="module")
def talked(stack: Stack) -> dict[str, list[list[dict]]]:
    return {sender: [stack.say(sender, text) for text in texts] for sender, texts in CONVERSATIONS.items()}


@pytest.fixture(scope="module")
def dashboard(stack: Stack, talked, tmp_path_factory: pytest.TempPathFactory):
    port = free_port()
    env = base_env(
        KNOWLEDGE_DATABASE_URL=stack.knowledge_url,
        CURATION_DATABASE_URL=stack.curation_url,
        TRACKER_STORE_URL=f"sqlite:///{stack.tracker_db}",
        CURATOR_TOKEN=TOKEN,
    )
    command = [action_server.python(), "scripts/dashboard.py", "--port", str(port)]
    server = Server("dashboard", command, f"http://127.0.0.1:{port}/health", env, tmp_path_factory.mktemp("dash"))
    server.start(timeout=60)
    yield f"http://127.0.0.1:{port}"
    server.stop()


def get(url: str, token: str | None = TOKEN) -> tuple[int, str]:
    headers = {"Authorization": "Basic " + b64encode(f"curator:{token}".encode()).decode()} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def table(browser: Browser, url: str, name: str, viewport=(1280, 800), shot: str | None = None) -> list[list[str]]:
    context = browser.new_context(
        http_credentials={"username": "curator", "password": TOKEN},
        viewport={"width": viewport[0], "height": viewport[1]},
    )
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(f"#table-{name}")
    rows = page.locator(f"#table-{name} tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))"
    )
    if shot:
        page.wait_for_timeout(500)  # the charts draw
        screenshot(page, shot)
    context.close()
    return rows


def events(stack: Stack) -> list[tuple[str, str, str | None, str]]:
    with sqlite3.connect(stack.tracker_db) as db:
        return db.execute("SELECT sender_id, type_name, action_name, data FROM events ORDER BY id").fetchall()


# -- tests ----------------------------------------------------------------------------------------------------
def test_the_dashboard_refuses_a_missing_or_wrong_token(dashboard):
    for path in ("/", "/use", "/csv/use_totals.csv", "/csv/unanswered.csv"):
        assert get(dashboard + path, token=None)[0] == 401
        assert get(dashboard + path, token="wrong-" + TOKEN)[0] in (401, 403)
        assert get(dashboard + path)[0] == 200


def test_the_dashboard_does_not_start_without_a_token():
    import subprocess

    env = base_env()
    env.pop("CURATOR_TOKEN", None)
    env.pop("CURATOR_TOKEN_FILE", None)
    result = subprocess.run(
        [action_server.python(), "scripts/dashboard.py", "--port", str(free_port())],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0 and "CURATOR_TOKEN" in result.stderr


def test_use_figures_equal_the_conversations(stack: Stack, talked, dashboard, browser: Browser):
    rows = events(stack)
    users = [(sender, json.loads(data)) for sender, kind, _, data in rows if kind == "user"]
    tiers: Counter[str] = Counter()
    for _, data in users:
        for entity in data.get("parse_data", {}).get("entities", []):
            if entity.get("entity") == "safety_tier":
                tiers[entity["value"]] += 1
    replies = Counter(
        json.loads(data).get("metadata", {}).get("utter_action") for _, kind, _, data in rows if kind == "bot"
    )
    shown = {r[0]: r[1] for r in table(browser, dashboard + "/use", "use_totals", shot="dashboard-use-desktop.png")}
    assert shown["messages"] == str(len(users))
    assert shown["conversations"] == str(len({sender for sender, _ in users}))
    for tier in URGENT:
        assert tiers[tier] >= 1, f"the {tier} conversation got no {tier} reply"
        assert shown[f"urgent replies: {tier}"] == str(tiers[tier])
    assert shown["out-of-scope replies"] == str(replies["utter_out_of_scope"] + replies["utter_out_of_scope_again"])
    daily = table(browser, dashboard + "/use", "use_daily")
    assert sum(int(r[2]) for r in daily) == len(users)
    assert {r[1] for r in daily} >= {"rest"}


def test_feedback_figures_equal_the_conversations(stack: Stack, talked, dashboard, browser: Browser):
    with sqlite3.connect(stack.curation_url.removeprefix("sqlite:///")) as db:
        stored = db.execute("SELECT topic_slug, helpful FROM feedback").fetchall()
    up = sum(1 for slug, helpful in stored if slug == "butyrate" and helpful)
    down = sum(1 for slug, helpful in stored if slug == "butyrate" and not helpful)
    assert up >= 1 and down >= 1
    rows = table(browser, dashboard + "/feedback", "feedback", shot="dashboard-feedback-desktop.png")
    butyrate = next(r for r in rows if r[0] == "topic" and r[1] == "butyrate")
    assert butyrate[3:6] == [str(up), str(down), str(round(up / (up + down), 2))]
    rates = [float(r[5]) for r in rows]
    assert rates == sorted(rates)  # worst first
    weekly = table(browser, dashboard + "/feedback", "feedback_weekly")
    assert sum(int(r[1]) + int(r[2]) for r in weekly) == len(stored)


def test_unanswered_questions_are_clustered_and_shown_escaped(stack: Stack, talked, dashboard, browser: Browser):
    rows = table(browser, dashboard + "/", "unanswered", shot="dashboard-unanswered-desktop.png")
    car = [r for r in rows if "fix my car" in r[2]]
    assert car and int(car[0][0]) >= 2, rows  # the two paraphrases share a cluster
    assert any(XSS.lower() in r[2] for r in rows)  # the text of the cell: shown as text, not markup
    status, body = get(dashboard + "/")
    assert status == 200 and "<img src=x" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    table(browser, dashboard + "/", "unanswered", viewport=(390, 844), shot="dashboard-unanswered-phone.png")


def test_review_page_lists_every_topic_and_answer_overdue_first(store, dashboard, browser: Browser):
    rows = table(browser, dashboard + "/review", "review", viewport=(390, 844), shot="dashboard-review-phone.png")
    snapshot = store.snapshot()
    answers = sum(len(snapshot.answers_of(slug)) for slug, _ in snapshot.menu)
    assert len(rows) == len(snapshot.menu) + answers
    next_reviews = [r[4] for r in rows if r[4]]
    assert next_reviews == sorted(next_reviews)


def test_no_text_of_an_urgent_conversation_appears_anywhere(stack: Stack, talked, dashboard):
    urgent_senders = {f"dash-urgent-{tier}" for tier in URGENT}
    texts = [json.loads(data).get("text") or "" for sender, kind, _, data in events(stack) if sender in urgent_senders]
    texts = [t for t in texts if len(t) > 12]
    assert len(texts) >= len(URGENT)
    bodies = [get(f"{dashboard}/{page}")[1] for page in PAGES]
    bodies += [get(f"{dashboard}/csv/{name}.csv")[1] for name in CSVS]
    for body in bodies:
        lowered = body.lower()
        for text in texts:
            assert text.lower() not in lowered
            assert text.lower().replace("'", "&#x27;") not in lowered


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_every_page_passes_the_widgets_accessibility_checks(dashboard, browser: Browser, viewport: tuple[int, int]):
    """axe-core's WCAG 2.0/2.1/2.2 A and AA rules, as for the chat widget, on every page (charts drawn)."""
    if not AXE.exists():
        pytest.fail("web/node_modules/axe-core is missing: run `make web` (npm ci in web/)")
    context = browser.new_context(
        http_credentials={"username": "curator", "password": TOKEN},
        viewport={"width": viewport[0], "height": viewport[1]},
    )
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    found = {}
    for name in ("", "feedback", "review", "use"):
        page.goto(f"{dashboard}/{name}")
        page.wait_for_selector("table")
        page.wait_for_timeout(300)  # the charts draw
        violations = axe_violations(page)
        if violations:
            found[name or "unanswered"] = describe(violations)
    context.close()
    assert not found, found
