"""The one place where channel-specific formatting lives. Pure functions, no Rasa imports.

The actions write one channel-neutral format (see actions/replies.py), "markdown-lite":
`**bold**`, `_italic_`, lines starting with `- ` as bullets, `[text](url)` links and blank lines between
paragraphs; buttons are `{"title": ..., "payload": ...}`. This module renders that format as

- Slack mrkdwn (`*bold*`, `_italic_`, `<url|text>`, `• ` bullets; `&`, `<`, `>` escaped) and Block Kit
  messages (a section with the text plus `actions` blocks of buttons),
- Telegram HTML (`&`, `<`, `>` escaped first, then `<b>`, `<i>`, `<a href>`) and inline keyboards,
- plain text (markers removed, links as `text (url)`),

and splits long text at paragraph, line or word boundaries so that every rendered part fits a channel's limit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

Button = Mapping[str, str]
Measure = Callable[[str], int]

# Channel limits (characters unless said otherwise).
SLACK_TEXT_LIMIT = 3000  # text of a section block; Slack advises < 4000 for a message's text
SLACK_BUTTON_TEXT_LIMIT = 75  # plain_text of a button
SLACK_BUTTON_VALUE_LIMIT = 2000  # value of a button
SLACK_ACTIONS_PER_BLOCK = 25  # elements of an actions block
TELEGRAM_TEXT_LIMIT = 4096  # message text, counted in UTF-16 code units
TELEGRAM_CALLBACK_DATA_BYTES = 64  # callback_data of an inline button, in UTF-8 bytes
TELEGRAM_SHORT_TITLE = 20  # buttons with titles up to this length go two to a row

# [text](url): the url may contain balanced parentheses, e.g. Wikipedia links.
LINK = re.compile(r"\[([^\]\n]+)\]\(\s*((?:https?://|mailto:)(?:[^\s()]|\([^\s()]*\))+)\s*\)")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
ITALIC = re.compile(r"(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)")
BULLET = re.compile(r"^([ \t]*)- (?=\S)")
PLACEHOLDER = re.compile("\x00(\\d+)\x00")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


# -- rendering ---------------------------------------------------------------------------------------------
def _render(
    text: str,
    *,
    escape: Callable[[str], str],
    bold: Callable[[str], str],
    italic: Callable[[str], str],
    link: Callable[[str, str], str],
    bullet: str,
) -> str:
    return "\n".join(_render_line(line, escape, bold, italic, link, bullet) for line in text.split("\n"))


def _render_line(line: str, escape, bold, italic, link, bullet: str) -> str:
    prefix = ""
    match = BULLET.match(line)
    if match:
        prefix, line = match.group(1) + bullet, line[match.end() :]
    # Links become placeholders first, so that underscores or asterisks in URLs are never read as emphasis
    # and the URL is escaped for its own context.
    links: list[str] = []

    def hold(m: re.Match) -> str:
        links.append(link(m.group(1).strip(), m.group(2)))
        return f"\x00{len(links) - 1}\x00"

    body = escape(LINK.sub(hold, line.replace("\x00", "")))
    body = BOLD.sub(lambda m: bold(m.group(1)), body)
    body = ITALIC.sub(lambda m: italic(m.group(1)), body)
    body = PLACEHOLDER.sub(lambda m: links[int(m.group(1))], body)
    return prefix + body


def slack_escape(text: str) -> str:
    """Slack's three control characters: https://api.slack.com/reference/surfaces/formatting#escaping."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(text: str, url: str) -> str:
    label = slack_escape(text)
    target = slack_escape(url).replace("|", "%7C")
    return f"<{target}>" if label == target else f"<{target}|{label}>"


def to_slack_mrkdwn(text: str) -> str:
    """Markdown-lite as Slack mrkdwn: *bold*, _italic_, <url|text>, '• ' bullets."""
    return _render(
        text or "",
        escape=slack_escape,
        bold=lambda s: f"*{s}*",
        italic=lambda s: f"_{s}_",
        link=_slack_link,
        bullet="• ",
    )


def telegram_escape(text: str) -> str:
    return html.escape(text, quote=False)


def _telegram_link(text: str, url: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{telegram_escape(text)}</a>'


def to_telegram_html(text: str) -> str:
    """Markdown-lite as Telegram HTML (parse_mode HTML): text escaped first, then <b>, <i>, <a href>."""
    return _render(
        text or "",
        escape=telegram_escape,
        bold=lambda s: f"<b>{s}</b>",
        italic=lambda s: f"<i>{s}</i>",
        link=_telegram_link,
        bullet="• ",
    )


def _plain_link(text: str, url: str) -> str:
    bare = url.removeprefix("mailto:")
    return url if text in (url, bare) else f"{text} ({bare})"


def to_plain_text(text: str) -> str:
    """Markdown-lite without markup: emphasis markers dropped, links as 'text (url)', '• ' bullets."""
    return _render(text or "", escape=lambda s: s, bold=lambda s: s, italic=lambda s: s, link=_plain_link, bullet="• ")


# -- splitting ---------------------------------------------------------------------------------------------
def utf16_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, measure: Measure = len) -> list[str]:
    """Split text into parts with measure(part) <= limit, preferring paragraph, then line, then word boundaries.

    `measure` is applied to candidate parts of the *source* text; pass e.g. the length of the rendered part so
    that the limit holds after rendering. Parts are stripped; empty text gives no parts."""
    if limit < 1:
        raise ValueError("limit must be positive")
    text = (text or "").strip()
    if not text:
        return []
    parts = _split(text, limit, measure, 0)
    return [p.strip() for p in parts if p.strip()]


_SEPARATORS = ("\n\n", "\n", " ")


def _pieces(text: str, level: int) -> list[str]:
    if level == 0:
        return [p for p in PARAGRAPH_BREAK.split(text) if p.strip()]
    return [p for p in text.split(_SEPARATORS[level]) if p.strip()]


def _split(text: str, limit: int, measure: Measure, level: int) -> list[str]:
    if measure(text) <= limit:
        return [text]
    if level == len(_SEPARATORS):
        return _hard_split(text, limit, measure)
    separator = _SEPARATORS[level]
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, level):
        candidate = f"{current}{separator}{piece}" if current else piece
        if measure(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        if measure(piece) <= limit:
            current = piece
        else:
            sub = _split(piece.strip(), limit, measure, level + 1)
            parts.extend(sub[:-1])
            current = sub[-1]
    if current:
        parts.append(current)
    return parts


def _hard_split(text: str, limit: int, measure: Measure) -> list[str]:
    """Cut a text without usable boundaries into the longest prefixes that fit (at least one character)."""
    parts = []
    while text:
        low, high = 1, len(text)
        while low < high:  # the longest prefix that fits
            middle = (low + high + 1) // 2
            if measure(text[:middle]) <= limit:
                low = middle
            else:
                high = middle - 1
        parts.append(text[:low])
        text = text[low:]
    return parts


# -- Slack -------------------------------------------------------------------------------------------------
def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slack_button_blocks(buttons: Sequence[Button]) -> list[dict]:
    """Buttons as Block Kit `actions` blocks (up to 25 buttons each); the payload is the button's value."""
    elements = [
        {
            "type": "button",
            "action_id": f"button_{index}",
            "text": {
                "type": "plain_text",
                "text": _truncate(str(b["title"]) or "…", SLACK_BUTTON_TEXT_LIMIT),
                "emoji": True,
            },
            "value": str(b["payload"]),
        }
        for index, b in enumerate(buttons)
        if len(str(b.get("payload") or "")) <= SLACK_BUTTON_VALUE_LIMIT and b.get("payload")
    ]
    return [
        {"type": "actions", "elements": elements[i : i + SLACK_ACTIONS_PER_BLOCK]}
        for i in range(0, len(elements), SLACK_ACTIONS_PER_BLOCK)
    ]


def slack_messages(text: str | None, buttons: Sequence[Button] = ()) -> list[dict]:
    """The chat.postMessage arguments (text, and blocks when there are buttons) for one bot reply.

    Text longer than a section allows becomes several messages; the buttons go with the last part."""
    parts = [to_slack_mrkdwn(p) for p in split_text(text or "", SLACK_TEXT_LIMIT, lambda s: len(to_slack_mrkdwn(s)))]
    button_blocks = slack_button_blocks(buttons)
    if not button_blocks:
        return [{"text": p} for p in parts]
    messages: list[dict[str, Any]] = [{"text": p} for p in parts[:-1]]
    last = parts[-1] if parts else ""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": last}}] if last else []
    fallback = last or ", ".join(to_plain_text(str(b["title"])) for b in buttons)
    messages.append({"text": fallback, "blocks": blocks + button_blocks})
    return messages


# -- Telegram ----------------------------------------------------------------------------------------------
def _telegram_measure(text: str) -> int:
    return utf16_length(to_telegram_html(text))


def telegram_messages(text: str | None, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """The HTML texts of the Telegram messages for one bot reply, each within the limit once rendered."""
    return [to_telegram_html(p) for p in split_text(text or "", limit, _telegram_measure)]


def _cut_utf8(text: str, max_bytes: int) -> str:
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def telegram_callback_data(button: Button) -> str:
    """The payload, or (when it exceeds Telegram's 64 bytes) the title, which the bot then reads as typed text."""
    payload = str(button.get("payload") or "")
    if payload and len(payload.encode("utf-8")) <= TELEGRAM_CALLBACK_DATA_BYTES:
        return payload
    return _cut_utf8(str(button["title"]), TELEGRAM_CALLBACK_DATA_BYTES)


def telegram_inline_keyboard(buttons: Iterable[Button]) -> dict:
    """Buttons as a Telegram InlineKeyboardMarkup: two to a row when all titles are short, else one per row."""
    keys = [{"text": str(b["title"]), "callback_data": telegram_callback_data(b)} for b in buttons]
    per_row = 2 if all(len(k["text"]) <= TELEGRAM_SHORT_TITLE for k in keys) else 1
    return {"inline_keyboard": [keys[i : i + per_row] for i in range(0, len(keys), per_row)]}
