"""What the Rasa server is started with: endpoints that keep Redis's password and TLS, files only their owner
reads, and start options that would load a model from elsewhere refused."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from rasa_ext.patches import server_guards, settings
from scripts import endpoints
from scripts.secret_files import read_secret_file, write_secret_file
from tests.support.patches import requires_patch

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://10.0.0.5:6380/2", {"url": "10.0.0.5", "port": 6380, "db": 2, "password": None, "use_ssl": False}),
        (
            "rediss://bot:p%40ss%2Fword@redis.internal/0",
            {
                "url": "redis.internal",
                "port": 6379,
                "db": 0,
                "username": "bot",
                "password": "p@ss/word",
                "use_ssl": True,
            },
        ),
    ],
)
def test_the_lock_store_keeps_redis_password_and_tls(monkeypatch: pytest.MonkeyPatch, url: str, expected: dict):
    monkeypatch.setenv("REDIS_URL", url)
    lock_store = endpoints.endpoints(5055)["lock_store"]
    assert {k: lock_store[k] for k in expected} == expected


def test_the_endpoints_and_credentials_files_are_written_owner_only(tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "REDIS_URL": "redis://:secret@127.0.0.1:6379/0", "SLACK_TOKEN": "xoxb-1",
           "SLACK_SIGNING_SECRET": "s3cret"}  # fmt: skip
    for script, output in (("endpoints.py", tmp_path / "e.yml"), ("credentials.py", tmp_path / "c.yml")):
        output.write_text("old")
        output.chmod(0o644)  # an older file with a wider mode is narrowed, not kept
        extra = ["5055"] if script == "endpoints.py" else []
        subprocess.run([sys.executable, str(ROOT / "scripts" / script), str(output), *extra], env=env, check=True)
        assert stat.S_IMODE(output.stat().st_mode) == 0o600, script
    assert yaml.safe_load((tmp_path / "e.yml").read_text())["lock_store"]["password"] == "secret"


def test_a_secret_file_readable_by_others_is_refused(tmp_path: Path):
    path = tmp_path / "token"
    write_secret_file(path, "abc\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and read_secret_file(path) == "abc"
    path.chmod(0o640)
    with pytest.raises(ValueError, match="chmod 600"):
        read_secret_file(path)
    path.chmod(0o600)
    path.write_text("  \n")
    with pytest.raises(ValueError, match="empty"):
        read_secret_file(path)


@requires_patch("server_guards")
def test_model_sources_other_than_the_own_file_are_refused_unless_allowed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(server_guards.ALLOW_MODEL_REPLACEMENT, raising=False)
    assert server_guards.refused_start_options(["run", "-m", "models/x.tar.gz"], {"action_endpoint": {}}) is None
    assert "model server" in (server_guards.refused_start_options(["run"], {"models": {"url": "http://m"}}) or "")
    assert "--remote-storage" in (server_guards.refused_start_options(["run", "--remote-storage", "aws"], None) or "")
    monkeypatch.setenv(server_guards.ALLOW_MODEL_REPLACEMENT, "1")
    assert server_guards.refused_start_options(["run", "--remote-storage", "aws"], {"models": {"url": "x"}}) is None


def test_rasa_patches_off_names_patches_or_all_and_refuses_a_typo(monkeypatch: pytest.MonkeyPatch):
    assert settings.patches_off({}) == frozenset()
    assert settings.patches_off({settings.PATCHES_OFF_ENV: " Graph_Runner, action_calls ,"}) == {
        "graph_runner",
        "action_calls",
    }
    assert settings.patches_off({settings.PATCHES_OFF_ENV: "all"}) == frozenset(settings.PATCHES)
    with pytest.raises(ValueError, match="unknown patch graphrunner"):
        settings.patches_off({settings.PATCHES_OFF_ENV: "graphrunner"})
    from scripts import rasa_server

    monkeypatch.setenv(settings.PATCHES_OFF_ENV, "graphrunner")
    with pytest.raises(SystemExit, match="unknown patch graphrunner"):
        rasa_server.main(["run", "--help"])


def test_without_the_action_calls_patch_the_action_endpoint_sends_the_domain(monkeypatch: pytest.MonkeyPatch):
    """rasa-sdk >= 3.8 refuses a call without the domain's digest under a selective domain (HTTP 449)."""
    monkeypatch.delenv(settings.PATCHES_OFF_ENV, raising=False)
    assert endpoints.endpoints(5055)["action_endpoint"]["enable_selective_domain"] is True
    monkeypatch.setenv(settings.PATCHES_OFF_ENV, "action_calls")
    assert endpoints.endpoints(5055)["action_endpoint"]["enable_selective_domain"] is False
