"""rasa_ext/channels/formatting.py: markdown-lite rendered for Slack, Telegram and plain text; splitting; buttons."""

from __future__ import annotations

import ast
import html
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rasa_ext.channels import formatting as fmt

# What actions/replies.py produces: a topic answer and a sources list with citations.
TOPIC = "**Butyrate**\n\nButyrate feeds the cells of the gut lining.\n\nStrength of evidence: moderate."
SOURCES = (
    "**Sources for Butyrate**\n\n"
    "- Smith J (2020). Fibre & SCFA <review>. Gut. [PMID 123](https://pubmed.ncbi.nlm.nih.gov/123/) "
    "_Systematic review_\n"
    "- Lee K (2019). Butyrate_levels. [doi:10.1/x_y](https://doi.org/10.1/x_y?a=1&b=2) _Cohort study_"
)


def test_module_is_pure_python_without_rasa():
    tree = ast.parse(Path(fmt.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not imported & {"rasa", "rasa_sdk", "sanic", "aiogram", "slack_sdk"}


# -- Slack mrkdwn --------------------------------------------------------------------------------------------
def test_slack_bold_italic_bullets_and_links():
    out = fmt.to_slack_mrkdwn(SOURCES)
    assert out.startswith("*Sources for Butyrate*\n\n• Smith J")
    assert "<https://pubmed.ncbi.nlm.nih.gov/123/|PMID 123>" in out
    assert "_Systematic review_" in out and "_Cohort study_" in out
    assert "**" not in out and "](" not in out
    assert "\n- " not in out


def test_slack_escapes_control_characters_but_not_its_own_links():
    out = fmt.to_slack_mrkdwn("Fibre & SCFA <review> see [x](https://a.org/?a=1&b=2)")
    assert out == "Fibre &amp; SCFA &lt;review&gt; see <https://a.org/?a=1&amp;b=2|x>"


def test_slack_underscores_in_words_and_urls_are_not_italic():
    out = fmt.to_slack_mrkdwn("snake_case_word and [doi](https://doi.org/10.1/x_y_z)")
    assert out == "snake_case_word and <https://doi.org/10.1/x_y_z|doi>"


def test_slack_link_text_cannot_break_out_of_the_link():
    out = fmt.to_slack_mrkdwn("[a>b|c](https://x.org/p|q)")
    assert out == "<https://x.org/p%7Cq|a&gt;b|c>"


# -- Telegram HTML ---------------------------------------------------------------------------------------
class _Strict(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack.pop() == tag


def parse(html_text: str) -> list:
    parser = _Strict()
    parser.feed(html_text)
    parser.close()
    assert parser.stack == []
    return parser.tags


def test_telegram_html_escapes_first_then_marks_up():
    out = fmt.to_telegram_html(SOURCES)
    assert out.startswith("<b>Sources for Butyrate</b>\n\n• Smith J")
    assert "Fibre &amp; SCFA &lt;review&gt;" in out
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/123/">PMID 123</a>' in out
    assert '<a href="https://doi.org/10.1/x_y?a=1&amp;b=2">doi:10.1/x_y</a>' in out
    assert "<i>Systematic review</i>" in out and "Butyrate_levels" in out
    tags = parse(out)
    assert {t for t, _ in tags} == {"b", "a", "i"}
    assert [a["href"] for t, a in tags if t == "a"][1] == "https://doi.org/10.1/x_y?a=1&b=2"


def test_telegram_html_user_text_cannot_inject_tags():
    out = fmt.to_telegram_html('<script>alert(1)</script> [x](https://e.org/"onmouseover=") **<b>**')
    assert "<script>" not in out
    tags = parse(out)
    assert [t for t, _ in tags] == ["a", "b"]
    assert tags[0][1]["href"] == 'https://e.org/"onmouseover="'


def test_bold_may_contain_italic_and_links():
    assert (
        fmt.to_telegram_html("**see _this_ [x](https://x.org)**")
        == '<b>see <i>this</i> <a href="https://x.org">x</a></b>'
    )


def test_unbalanced_markers_stay_literal():
    assert fmt.to_telegram_html("2 ** 3 and a_b and _ x_") == "2 ** 3 and a_b and _ x_"


# -- plain text ----------------------------------------------------------------------------------------
def test_plain_text_drops_markers_and_spells_out_links():
    out = fmt.to_plain_text(SOURCES)
    assert out.startswith("Sources for Butyrate\n\n• Smith J")
    assert "PMID 123 (https://pubmed.ncbi.nlm.nih.gov/123/) Systematic review" in out
    assert "*" not in out and "](" not in out and "_Cohort" not in out


def test_plain_link_whose_text_is_the_url_is_not_repeated():
    assert fmt.to_plain_text("[https://x.org](https://x.org)") == "https://x.org"


# -- splitting -------------------------------------------------------------------------------------------
def test_short_text_is_one_part_and_empty_text_none():
    assert fmt.split_text(TOPIC, 4096) == [TOPIC]
    assert fmt.split_text("  \n\n ", 10) == []


def test_split_prefers_paragraph_boundaries():
    paragraphs = [f"Paragraph {i} " + "word " * 30 for i in range(6)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = fmt.split_text(text, 400)
    assert len(parts) > 1
    assert all(len(p) <= 400 for p in parts)
    for part in parts:  # every part is whole paragraphs
        for paragraph in part.split("\n\n"):
            assert paragraph.startswith("Paragraph ") and paragraph.endswith("word")
    assert "\n\n".join(parts) == text


def test_split_falls_back_to_lines_then_words_then_characters():
    lines = "\n".join(f"- bullet {i} " + "x" * 40 for i in range(20))
    parts = fmt.split_text(lines, 200)
    assert all(len(p) <= 200 for p in parts)
    assert all(line.startswith("- bullet ") for p in parts for line in p.split("\n"))

    words = " ".join(["lorem"] * 100)
    parts = fmt.split_text(words, 50)
    assert all(len(p) <= 50 and not p.startswith(" ") for p in parts)
    assert " ".join(parts) == words

    blob = "a" * 25
    assert fmt.split_text(blob, 10) == ["a" * 10, "a" * 10, "a" * 5]


def test_split_uses_the_measure_of_the_rendered_text():
    text = "\n\n".join(["& & & & &"] * 10)  # 9 characters, 29 once escaped
    parts = fmt.split_text(text, 60, lambda s: len(fmt.to_telegram_html(s)))
    assert all(len(fmt.to_telegram_html(p)) <= 60 for p in parts)
    assert len(parts) == 5  # two paragraphs of 29 plus a break fit, three do not


def test_split_rejects_a_useless_limit():
    with pytest.raises(ValueError):
        fmt.split_text("x", 0)


def test_telegram_messages_fit_4096_utf16_units_and_are_valid_html():
    paragraph = "**Key point** with a [link](https://example.org/a_b) & <data> 🦠 " * 12
    text = "\n\n".join([paragraph.strip()] * 20)
    parts = fmt.telegram_messages(text)
    assert len(parts) > 1
    assert all(fmt.utf16_length(p) <= fmt.TELEGRAM_TEXT_LIMIT for p in parts)
    for part in parts:
        parse(part)
        assert part.startswith("<b>Key point</b>")
    visible = "".join(html.unescape(p) for p in parts)
    assert visible.count("🦠") == 12 * 20


def test_utf16_length_counts_astral_characters_twice():
    assert fmt.utf16_length("a🦠") == 3


# -- buttons ---------------------------------------------------------------------------------------------
BUTTONS = [
    {"title": "Tell me more", "payload": "/more_detail"},
    {"title": "Sources", "payload": "/sources"},
    {"title": "Butyrate", "payload": '/ask_topic{"topic":"butyrate"}'},
]


def test_slack_messages_with_buttons_are_a_section_and_actions():
    [message] = fmt.slack_messages(TOPIC, BUTTONS)
    section, actions = message["blocks"]
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": fmt.to_slack_mrkdwn(TOPIC)}}
    assert message["text"] == fmt.to_slack_mrkdwn(TOPIC)
    assert actions["type"] == "actions"
    assert [(e["type"], e["text"]["text"], e["value"]) for e in actions["elements"]] == [
        ("button", b["title"], b["payload"]) for b in BUTTONS
    ]
    assert len({e["action_id"] for e in actions["elements"]}) == 3


def test_slack_messages_without_buttons_have_no_blocks():
    assert fmt.slack_messages(TOPIC) == [{"text": fmt.to_slack_mrkdwn(TOPIC)}]
    assert fmt.slack_messages("") == []


def test_slack_long_text_is_split_and_buttons_go_last():
    text = "\n\n".join(["A paragraph of text. " * 20] * 12)  # about 5000 characters
    messages = fmt.slack_messages(text, BUTTONS)
    assert len(messages) >= 2
    assert all("blocks" not in m for m in messages[:-1])
    assert messages[-1]["blocks"][-1]["type"] == "actions"
    assert all(len(m["text"]) <= fmt.SLACK_TEXT_LIMIT for m in messages)


def test_slack_button_limits():
    many = [{"title": f"Topic number {i} " + "x" * 80, "payload": f"/t{i}"} for i in range(30)]
    blocks = fmt.slack_button_blocks(many)
    assert [len(b["elements"]) for b in blocks] == [25, 5]
    assert all(len(e["text"]["text"]) <= 75 and e["text"]["text"].endswith("…") for b in blocks for e in b["elements"])
    assert len({e["action_id"] for b in blocks for e in b["elements"]}) == 30


def test_slack_buttons_without_text_still_have_fallback_text():
    [message] = fmt.slack_messages(None, BUTTONS[:1])
    assert message["text"] == "Tell me more"
    assert [b["type"] for b in message["blocks"]] == ["actions"]


def test_telegram_keyboard_rows_and_callback_data():
    keyboard = fmt.telegram_inline_keyboard(BUTTONS)
    assert keyboard == {
        "inline_keyboard": [
            [
                {"text": "Tell me more", "callback_data": "/more_detail"},
                {"text": "Sources", "callback_data": "/sources"},
            ],
            [{"text": "Butyrate", "callback_data": '/ask_topic{"topic":"butyrate"}'}],
        ]
    }
    long_titles = fmt.telegram_inline_keyboard(
        [{"title": "a) A rather long answer option", "payload": "/a"}, {"title": "b) Another one", "payload": "/b"}]
    )
    assert [len(row) for row in long_titles["inline_keyboard"]] == [1, 1]


def test_telegram_callback_data_over_64_bytes_falls_back_to_the_title():
    long_payload = '/ask_topic{"topic":"' + "x" * 60 + '"}'
    key = fmt.telegram_inline_keyboard([{"title": "Näher erklären " * 6, "payload": long_payload}])
    data = key["inline_keyboard"][0][0]["callback_data"]
    assert len(data.encode()) <= 64 and data.startswith("Näher erklären")
