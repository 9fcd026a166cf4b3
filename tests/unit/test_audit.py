"""scripts/audit.py (`make audit`): the pins of both environments against docs/security/advisories.yml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts import audit

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "audit.py"

# A reviewed range with one advisory that has a verdict and one that has none.
ADVISORIES = """\
reviewed: 2026-12-01
packages:
  aiohttp:
    advisories:
      - id: GHSA-5m98-qgg9-wh84
        aliases: [CVE-2024-30251]
        affected: "<3.9.4"
        fixed: "3.9.4"
        summary: server loop on a malformed multipart POST
      - id: GHSA-8495-4g3g-x7pr
        affected: "<3.10.11"
        fixed: "3.10.11"
        summary: request smuggling in the pure-Python parser
        reaches: "no"
        why: no aiohttp server runs
"""


def run(tmp_path: Path, pins: str, advisories: str = ADVISORIES) -> subprocess.CompletedProcess[str]:
    (tmp_path / "constraints.txt").write_text(pins, encoding="utf-8")
    (tmp_path / "advisories.yml").write_text(advisories, encoding="utf-8")
    command = [sys.executable, str(SCRIPT), "--offline", "--constraints", str(tmp_path / "constraints.txt")]
    command += ["--advisories", str(tmp_path / "advisories.yml")]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)


def test_the_real_pins_pass_against_the_real_review():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--offline"], capture_output=True, text=True, timeout=60, cwd="/"
    )
    assert result.returncode == 0, result.stderr
    assert "aiohttp" in result.stdout and "reviewed 20" in result.stdout
    # both environments: the Rasa server's and the action server's
    assert "constraints.txt:" in result.stdout and "constraints-actions.txt:" in result.stdout


def test_a_pin_without_a_verdict_in_the_action_servers_environment_fails_too(tmp_path: Path):
    (tmp_path / "rasa.txt").write_text("aiohttp==3.9.5\n", encoding="utf-8")
    (tmp_path / "actions.txt").write_text("aiohttp==3.9.1\n", encoding="utf-8")
    (tmp_path / "advisories.yml").write_text(ADVISORIES, encoding="utf-8")
    command = [sys.executable, str(SCRIPT), "--offline", "--advisories", str(tmp_path / "advisories.yml")]
    for pins in ("rasa.txt", "actions.txt"):
        command += ["--constraints", str(tmp_path / pins)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "actions.txt: aiohttp==3.9.1" in result.stderr, result.stderr
    assert "GHSA-5m98-qgg9-wh84" in result.stderr and "rasa.txt:" not in result.stderr


def test_every_reviewed_advisory_in_range_of_a_real_pin_has_a_verdict():
    pins = audit.read_pins(audit.CONSTRAINTS)
    review = audit.read_review(audit.ADVISORIES)
    findings, problems = audit.check(pins, review)
    assert not problems
    assert findings, "the review records advisories in range of at least one pin"
    for finding in findings:
        assert all(a.reaches in audit.VERDICTS and a.why for a in finding.in_range)


def test_a_pin_inside_a_range_without_a_verdict_fails_naming_the_advisory(tmp_path: Path):
    result = run(tmp_path, "aiohttp==3.9.3\nrequests==2.34.2\n")
    assert result.returncode == 1
    assert "GHSA-5m98-qgg9-wh84" in result.stderr and "aiohttp==3.9.3" in result.stderr
    assert "no verdict" in result.stderr


def test_a_pin_in_range_only_of_advisories_with_verdicts_passes(tmp_path: Path):
    result = run(tmp_path, "aiohttp==3.9.5  # comment\n")
    assert result.returncode == 0, result.stderr
    assert "aiohttp  3.9.5   1" in result.stdout


def test_a_pin_past_every_fix_passes(tmp_path: Path):
    assert run(tmp_path, "aiohttp==3.13.3\n").returncode == 0


def test_a_verdict_without_a_reason_is_no_verdict(tmp_path: Path):
    advisories = ADVISORIES.replace("        why: no aiohttp server runs\n", "")
    result = run(tmp_path, "aiohttp==3.9.5\n", advisories)
    assert result.returncode == 1 and "GHSA-8495-4g3g-x7pr" in result.stderr


def test_names_are_compared_normalised(tmp_path: Path):
    result = run(tmp_path, "AioHTTP==3.9.0\n")
    assert result.returncode == 1 and "GHSA-5m98-qgg9-wh84" in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("reviewed: 2026-12-01", "reviewed: last week"), "`reviewed`"),
        (("reviewed: 2026-12-01", "reviewed: 2999-01-01"), "in the future"),
        (('affected: "<3.9.4"', 'affected: "before 3.9.4"'), "PEP 440"),
        (('affected: "<3.9.4"', 'affected: ""'), "`affected`"),
        (("id: GHSA-5m98-qgg9-wh84", "id: BUG-1"), "GHSA, CVE or PYSEC"),
        (('reaches: "no"', "reaches: maybe"), "`reaches`"),
        (('        fixed: "3.9.4"\n', ""), "`fixed`"),
        (("    advisories:\n", "    notes:\n"), "`advisories` list"),
        (("packages:", "packages: [\n"), "not valid YAML"),
    ],
)
def test_a_malformed_advisory_file_fails_with_a_clear_message(tmp_path: Path, change: tuple[str, str], message: str):
    advisories = ADVISORIES.replace(*change, 1)
    assert advisories != ADVISORIES
    result = run(tmp_path, "aiohttp==3.13.3\n", advisories)
    assert result.returncode == 1
    assert message in result.stderr, result.stderr


def test_a_missing_advisory_file_fails(tmp_path: Path):
    (tmp_path / "constraints.txt").write_text("aiohttp==3.13.3\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--offline", "--constraints", str(tmp_path / "constraints.txt"),
         "--advisories", str(tmp_path / "absent.yml")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1 and "cannot read the advisory file" in result.stderr


def test_the_review_age_limit_is_a_setting(tmp_path: Path):
    (tmp_path / "constraints.txt").write_text("aiohttp==3.13.3\n", encoding="utf-8")
    (tmp_path / "advisories.yml").write_text(ADVISORIES.replace("2026-12-01", "2020-01-01"), encoding="utf-8")
    base = [sys.executable, str(SCRIPT), "--offline", "--constraints", str(tmp_path / "constraints.txt")]
    base += ["--advisories", str(tmp_path / "advisories.yml")]
    assert subprocess.run(base, capture_output=True, text=True, timeout=60).returncode == 0
    limited = subprocess.run([*base, "--max-age-days", "180"], capture_output=True, text=True, timeout=60)
    assert limited.returncode == 1 and "days old" in limited.stderr


def test_pip_audit_is_skipped_with_a_reason_when_unavailable(monkeypatch: pytest.MonkeyPatch, capsys):
    review = audit.read_review(audit.ADVISORIES)
    monkeypatch.setattr(audit.importlib.util, "find_spec", lambda name: None)
    assert audit.run_pip_audit(audit.CONSTRAINTS, review) == 0
    assert "pip-audit: skipped (not installed" in capsys.readouterr().out
