"""Copy in one place (issue 25): every sentence a user reads is a domain response or the domain's `copy` section
(domain.yml), or content (data/); none is written in actions/. The actions' source is parsed, and a string literal
where user-facing text goes fails: a literal or f-string text= of utter_message, a literal button title, an
f-string with words in it. Keys of the copy the actions name (label("more_detail"), layout("topic")) must exist.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTIONS_DIR = ROOT / "actions"
COPY = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["copy"]
WORDS = re.compile(r"[A-Za-z]+ [A-Za-z]+")  # two words in a row: a sentence or a heading, not "topic:" or "/help"
# Where a literal is the title a user reads: the keyword, or the positional argument, of these calls.
TITLE_ARGUMENTS = {"titled_button": 0, "topic_button": 1}
REGEX = re.compile(r"\\[bswd]|\(\?")  # a pattern's f-string (r"\b(?:...)"), not text
COPY_KEYS = {"label": "buttons", "button": "buttons", "layout": "layouts"}


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _in_log_call(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Call) and "log" in ast.unparse(node.func).lower():
            return True
    return False


def user_facing_literals(source: str, filename: str = "<source>") -> list[str]:
    """Where user-facing text is written in the source (line: what), and copy keys the domain lacks."""
    tree = ast.parse(source, filename=filename)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found: list[str] = []

    def report(node: ast.AST, what: str) -> None:
        where = f"{filename}:{getattr(node, 'lineno', '?')}: "
        if not any(line.startswith(where) for line in found):  # one report a line
            found.append(where + what)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node)
            texts = [k.value for k in node.keywords if k.arg in ("text", "title")]
            if name in TITLE_ARGUMENTS and len(node.args) > TITLE_ARGUMENTS[name]:
                texts.append(node.args[TITLE_ARGUMENTS[name]])
            report_all = [t for t in texts if _literal(t)]
            for text in report_all:
                report(node, f"{name}() with the literal {ast.unparse(text)}")
            if name in COPY_KEYS and node.args and isinstance(node.args[0], ast.Constant):
                section, key = COPY_KEYS[name], node.args[0].value
                if key not in COPY[section]:
                    report(node, f"{name}({key!r}): domain.yml has no copy {section}.{key}")
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value in ("title", "text") and _literal(value):
                    report(node, f"a {key.value!r} written as the literal {ast.unparse(value)}")
        elif isinstance(node, ast.JoinedStr) and not _in_log_call(node, parents):
            words = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if WORDS.search(words) and not REGEX.search(words):
                report(node, f"the f-string {ast.unparse(node)}")
    return found


def test_no_user_facing_text_is_written_in_the_actions():
    found = [
        line for path in sorted(ACTIONS_DIR.glob("*.py")) for line in user_facing_literals(path.read_text(), path.name)
    ]
    assert not found, "user-facing text belongs in domain.yml (a response or the copy section):\n" + "\n".join(found)


def test_the_scan_finds_each_kind_of_literal():
    source = """
dispatcher.utter_message(text="Sorry, no.")
dispatcher.utter_message(text=f"**{title}**: what it means")
buttons = [replies.titled_button("Tell me more", "more_detail"), replies.topic_button("early_life", "Early life")]
b = {"title": "Next", "payload": "/tour_next"}
heading = f"Sources for {title}"
replies.label("no_such_button")
logger.info(f"answered {slug} in full")
key = f"topic:{slug}"
"""
    found = user_facing_literals(source)
    assert len(found) == 6, found
    assert any("no_such_button" in line for line in found)
    assert not [line for line in found if "answered" in line or "topic:" in line]


def test_every_myth_verdict_has_its_words_in_the_copy():
    from knowledge.content import VERDICTS

    assert set(VERDICTS) <= set(COPY["verdicts"]), sorted(set(VERDICTS) - set(COPY["verdicts"]))
