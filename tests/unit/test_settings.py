"""The settings module (knowledge/settings.py): typed, validated, the one place the environment is read."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from knowledge import settings
from knowledge.settings import SettingError

ROOT = Path(__file__).resolve().parents[2]
APPLICATION_DIRS = ("actions", "rasa_ext", "safety", "knowledge", "scripts", "deploy", "benchmarks")


def test_defaults_when_nothing_is_set():
    assert settings.channels({}).max_message_chars == 2000
    assert settings.storage({}).tracker_cache_size == 200
    assert settings.storage({}).knowledge_url.endswith("/build/knowledge.db")
    assert settings.retention({}) == settings.Retention(conversation_days=30.0, unanswered_days=90.0)
    assert settings.servers({}) == settings.Servers(
        action_server_host="127.0.0.1", allow_model_replacement=False, rasa_patches_off=""
    )
    assert settings.scaled({}).edge_port is None and settings.scaled({}).rasa_processes == 2
    assert settings.load({}).log == Path("load.jsonl")
    assert not settings.channels({}).slack.enabled and not settings.dashboard({}).enabled


def test_values_are_read_and_typed():
    env = {"MAX_MESSAGE_CHARS": " 500 ", "EDGE_PORT": "8000", "CONVERSATION_RETENTION_DAYS": "7.5", "SANIC_HOST": ""}
    assert settings.channels(env).max_message_chars == 500
    assert settings.scaled(env).edge_port == 8000
    assert settings.retention(env).conversation_days == 7.5
    assert settings.servers(env).action_server_host == "127.0.0.1"  # blank counts as unset
    assert settings.dashboard({"CURATOR_TOKEN_FILE": "/run/token"}).token_file == Path("/run/token")


@pytest.mark.parametrize(
    "area, name, value, message",
    [
        (
            settings.channels,
            "MAX_MESSAGE_CHARS",
            "2k",
            "MAX_MESSAGE_CHARS must be a whole number of at least 1, got '2k'",
        ),
        (settings.storage, "TRACKER_CACHE_SIZE", "0", "TRACKER_CACHE_SIZE must be a whole number of at least 1, got 0"),
        (settings.scaled, "TICKET_LOCK_LIFETIME", "30s", "TICKET_LOCK_LIFETIME must be a whole number of at least 1"),
        (settings.scaled, "EDGE_PORT", "-1", "EDGE_PORT must be a whole number of at least 0, got -1"),
        (settings.load, "LOAD_SECONDS", "1.5", "LOAD_SECONDS must be a whole number"),
        (
            settings.retention,
            "CONVERSATION_RETENTION_DAYS",
            "-3",
            "CONVERSATION_RETENTION_DAYS must be a number greater",
        ),
        (settings.retention, "UNANSWERED_RETENTION_DAYS", "ninety", "UNANSWERED_RETENTION_DAYS must be a number"),
        (settings.retention, "UNANSWERED_RETENTION_DAYS", "nan", "UNANSWERED_RETENTION_DAYS must be a number"),
        (settings.servers, "ALLOW_MODEL_REPLACEMENT", "maybe", "ALLOW_MODEL_REPLACEMENT must be 1, true or yes"),
    ],
)
def test_a_bad_value_says_which_variable_and_what_it_expected(area, name, value, message):
    with pytest.raises(SettingError, match="^" + message.replace("(", r"\(").replace(".", r"\.")):
        area({name: value})


@pytest.mark.parametrize("value, allowed", [("1", True), ("TRUE", True), (" yes ", True), ("0", False), ("", False)])
def test_flags(value, allowed):
    assert settings.servers({"ALLOW_MODEL_REPLACEMENT": value}).allow_model_replacement is allowed


def test_channels_turn_on_only_with_all_they_need():
    slack = {"SLACK_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert settings.channels(slack).slack.enabled and not settings.channels({"SLACK_TOKEN": "xoxb-1"}).slack.enabled
    telegram = {"TELEGRAM_TOKEN": "t", "TELEGRAM_BOT_NAME": "b", "TELEGRAM_WEBHOOK_URL": "https://x/webhook"}
    assert settings.channels(telegram).telegram.enabled
    assert not settings.channels({**telegram, "TELEGRAM_BOT_NAME": ""}).telegram.enabled


def test_settings_are_frozen_and_read_the_environment_when_asked(monkeypatch: pytest.MonkeyPatch):
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.channels({}).max_message_chars = 1  # type: ignore[misc]
    monkeypatch.setenv("UNANSWERED_RETENTION_DAYS", "14")
    assert settings.unanswered_retention_days() == 14
    monkeypatch.setenv("UNANSWERED_RETENTION_DAYS", "bad")
    with pytest.raises(SettingError):
        settings.unanswered_retention_days()


def test_the_settings_module_imports_no_rasa_and_no_heavy_library():
    tree = ast.parse((ROOT / "knowledge" / "settings.py").read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported <= {"__future__", "os", "collections.abc", "dataclasses", "pathlib"}, imported


def _environment_reads(path: Path) -> list[str]:
    """os.environ[...], os.environ.get(...), os.getenv(...) in the file: reads that bypass the settings."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        text = ast.unparse(node) if isinstance(node, ast.Call | ast.Subscript) else ""
        if text.startswith(("os.environ.get(", "os.environ[", "os.getenv(", "environ.get(")):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:60]}")
    return found


def test_the_application_reads_the_environment_only_through_the_settings():
    # Building a child process's environment ({**os.environ, "NAME": ...}) is not a read, and stays allowed.
    paths = [p for d in APPLICATION_DIRS for p in sorted((ROOT / d).rglob("*.py")) if "node_modules" not in p.parts]
    reads = [line for path in paths if path != ROOT / "knowledge" / "settings.py" for line in _environment_reads(path)]
    assert not reads, "read these through knowledge/settings.py:\n" + "\n".join(reads)
