"""Check the pinned dependencies of both environments (constraints.txt, constraints-actions.txt) against the
reviewed advisory file (docs/security/advisories.yml).

Fails (exit 1) when a pinned version lies inside the affected range of a recorded advisory that has no verdict
(`reaches` and `why`), or when the advisory file is malformed. Otherwise prints one line per pinned package that
has advisories in range, with their verdicts. Then runs pip-audit when it is installed and PyPI's vulnerability
API answers; these machines have no such network, so that step says it was skipped and why, and never fails the
audit for lack of network.

Usage: python scripts/audit.py [--constraints FILE] [--advisories FILE] [--max-age-days N] [--offline]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import re
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"
# The two environments: the Rasa server's (.venv, Python 3.10) and the action server's (.venv-actions)
ALL_CONSTRAINTS = (CONSTRAINTS, ROOT / "constraints-actions.txt")
ADVISORIES = ROOT / "docs" / "security" / "advisories.yml"
# A review older than this many days fails the audit (0: no limit). Off by default so that CI does not start
# failing on a calendar date alone; `make audit ARGS=--max-age-days=180` or the flag turns it on.
MAX_REVIEW_AGE_DAYS = 0
VERDICTS = ("yes", "no", "partly")
ID_PATTERN = re.compile(r"^(GHSA(-[23456789cfghjmpqrvwx]{4}){3}|CVE-\d{4}-\d{4,}|PYSEC-\d{4}-\d+)$")
PIN_PATTERN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")
PYPI_PROBE = "https://pypi.org/pypi/pip/json"


class AuditError(Exception):
    """The advisory file or the pins cannot be read as they should be: the audit cannot vouch for anything."""


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    affected: tuple[SpecifierSet, ...]  # the version is affected when any of these contains it
    affected_text: str
    fixed: str
    reaches: str | None
    why: str | None

    @property
    def has_verdict(self) -> bool:
        return self.reaches in VERDICTS and bool(self.why)

    def contains(self, version: Version) -> bool:
        return any(spec.contains(version, prereleases=True) for spec in self.affected)


@dataclass(frozen=True)
class Review:
    reviewed: dt.date
    packages: dict[str, list[Advisory]]


def normalise(name: str) -> str:
    """PEP 503 name: `PyJWT`, `pyjwt` and `py_jwt` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> dict[str, Version]:
    """`name==version` lines of a pip requirements or constraints file (comments, options and -r lines skipped)."""
    pins: dict[str, Version] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise AuditError(f"cannot read the pins in {path}: {error}") from None
    for number, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = PIN_PATTERN.match(line)
        if not match:
            continue  # an unpinned requirement: nothing to look up
        name, text = match.groups()
        name = re.sub(r"\[.*\]$", "", name)
        try:
            pins[normalise(name)] = Version(text)
        except InvalidVersion:
            raise AuditError(f"{path.name}:{number}: {text!r} is not a version") from None
    return pins


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise AuditError(f"{where}: `{key}` must be a non-empty string, found {value!r}")
    return value.strip()


def _verdict(value: Any, where: str) -> str | None:
    # YAML 1.1 reads a bare yes/no as a boolean: accept it as the word it was meant to be.
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.strip().lower() in VERDICTS:
        return value.strip().lower()
    raise AuditError(f"{where}: `reaches` must be one of {', '.join(VERDICTS)}, found {value!r}")


def _advisory(entry: Any, where: str) -> Advisory:
    if not isinstance(entry, dict):
        raise AuditError(f"{where}: an advisory must be a mapping, found {entry!r}")
    advisory_id = _text(entry, "id", where)
    where = f"{where} {advisory_id}"
    if not ID_PATTERN.match(advisory_id):
        raise AuditError(f"{where}: `id` must be a GHSA, CVE or PYSEC id")
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and ID_PATTERN.match(a) for a in aliases):
        raise AuditError(f"{where}: `aliases` must be a list of GHSA, CVE or PYSEC ids, found {aliases!r}")
    ranges = entry.get("affected")
    texts = [ranges] if isinstance(ranges, str) else ranges
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) and t.strip() for t in texts):
        raise AuditError(f"{where}: `affected` must be a PEP 440 specifier (or a list of them), found {ranges!r}")
    try:
        specs = tuple(SpecifierSet(t) for t in texts)
    except InvalidSpecifier as error:
        raise AuditError(f"{where}: `affected` is not a PEP 440 specifier: {error}") from None
    if any(len(spec) == 0 for spec in specs):
        raise AuditError(f"{where}: `affected` must not be empty (an empty specifier matches every version)")
    fixed = entry.get("fixed")
    if not isinstance(fixed, str) or not fixed.strip():
        raise AuditError(f"{where}: `fixed` must be the fixed version(s) as a string, or 'none' when unfixed")
    why = entry.get("why")
    if why is not None and not isinstance(why, str):
        raise AuditError(f"{where}: `why` must be a string, found {why!r}")
    _text(entry, "summary", where)
    return Advisory(
        id=advisory_id,
        aliases=tuple(aliases),
        affected=specs,
        affected_text=" or ".join(texts),
        fixed=fixed.strip(),
        reaches=_verdict(entry.get("reaches"), where),
        why=why.strip() if why else None,
    )


def read_review(path: Path) -> Review:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise AuditError(f"cannot read the advisory file {path}: {error}") from None
    except yaml.YAMLError as error:
        raise AuditError(f"{path.name} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise AuditError(f"{path.name}: expected a mapping with `reviewed` and `packages`")
    reviewed = data.get("reviewed")
    if isinstance(reviewed, str):
        try:
            reviewed = dt.date.fromisoformat(reviewed)
        except ValueError:
            pass
    if not isinstance(reviewed, dt.date):
        raise AuditError(f"{path.name}: `reviewed` must be the review's date (YYYY-MM-DD), found {reviewed!r}")
    packages = data.get("packages")
    if not isinstance(packages, dict) or not packages:
        raise AuditError(f"{path.name}: `packages` must map each checked package to its advisories")
    review: dict[str, list[Advisory]] = {}
    for name, entry in packages.items():
        where = f"{path.name}: {name}"
        if not isinstance(entry, dict) or not isinstance(entry.get("advisories"), list):
            raise AuditError(f"{where}: expected a mapping with an `advisories` list (empty when none was found)")
        key = normalise(str(name))
        if key in review:
            raise AuditError(f"{where}: the package is listed twice")
        advisories = [_advisory(a, where) for a in entry["advisories"]]
        ids = [a.id for a in advisories]
        if len(ids) != len(set(ids)):
            raise AuditError(f"{where}: an advisory id is listed twice")
        review[key] = advisories
    return Review(reviewed=reviewed, packages=review)


@dataclass(frozen=True)
class Finding:
    package: str
    version: Version
    in_range: tuple[Advisory, ...]


def check(pins: dict[str, Version], review: Review) -> tuple[list[Finding], list[str]]:
    """The pinned packages with advisories in range, and the problems (an advisory in range without a verdict)."""
    findings: list[Finding] = []
    problems: list[str] = []
    for package, version in sorted(pins.items()):
        in_range = tuple(a for a in review.packages.get(package, []) if a.contains(version))
        if not in_range:
            continue
        findings.append(Finding(package, version, in_range))
        for advisory in in_range:
            if not advisory.has_verdict:
                problems.append(
                    f"{package}=={version} is inside the affected range {advisory.affected_text!r} of {advisory.id} "
                    f"(fixed in {advisory.fixed}), which has no verdict: record `reaches` "
                    f"({'/'.join(VERDICTS)}) and `why`, or move the pin"
                )
    return findings, problems


def print_table(findings: list[Finding], pins: dict[str, Version], review: Review) -> None:
    rows = [("package", "pinned", "in range", "verdicts (yes/partly/no)")]
    for finding in findings:
        counts = [sum(a.reaches == v for a in finding.in_range) for v in ("yes", "partly", "no")]
        rows.append((finding.package, str(finding.version), str(len(finding.in_range)), "/".join(map(str, counts))))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    checked = sum(1 for p in pins if p in review.packages)
    print(
        f"{len(findings)} pinned packages have reviewed advisories in range; {checked} of {len(pins)} pins were "
        f"checked against the advisory file (reviewed {review.reviewed.isoformat()})"
    )


def pypi_reachable(timeout: float = 3.0) -> str | None:
    """None when PyPI's JSON API answers, else why not."""
    try:
        with urllib.request.urlopen(PYPI_PROBE, timeout=timeout) as response:  # noqa: S310 (a fixed https URL)
            response.read(1)
        return None
    except Exception as error:  # any failure means "no network here"; the reason is shown to the user
        return f"PyPI's API did not answer ({type(error).__name__}: {error})"


def run_pip_audit(constraints: Path, review: Review) -> int:
    """pip-audit over the pins, ignoring the advisories already reviewed; 0 when skipped."""
    if importlib.util.find_spec("pip_audit") is None:
        print("pip-audit: skipped (not installed in this environment)")
        return 0
    reason = pypi_reachable()
    if reason:
        print(f"pip-audit: skipped ({reason})")
        return 0
    command = [sys.executable, "-m", "pip_audit", "-r", str(constraints), "--no-deps", "--disable-pip"]
    command += ["--progress-spinner", "off"]
    for advisories in review.packages.values():
        for advisory in advisories:
            if advisory.has_verdict:
                for known in (advisory.id, *advisory.aliases):
                    command += ["--ignore-vuln", known]
    print("pip-audit: running (reviewed advisories ignored)")
    return subprocess.run(command, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--constraints", type=Path, action="append", help="a pins file (repeatable; default: both environments')"
    )
    parser.add_argument("--advisories", type=Path, default=ADVISORIES)
    parser.add_argument("--max-age-days", type=int, default=MAX_REVIEW_AGE_DAYS, help="0: no limit")
    parser.add_argument("--offline", action="store_true", help="skip pip-audit")
    args = parser.parse_args(argv)
    constraints_files: list[Path] = args.constraints or list(ALL_CONSTRAINTS)
    try:
        review = read_review(args.advisories)
        pins_by_file = {path: read_pins(path) for path in constraints_files}
    except AuditError as error:
        print(f"audit: FAILED: {error}", file=sys.stderr)
        return 1
    problems: list[str] = []
    for path, pins in pins_by_file.items():
        findings, file_problems = check(pins, review)
        print(f"{path.name}:")
        print_table(findings, pins, review)
        problems += [f"{path.name}: {problem}" for problem in file_problems]
    age = (dt.date.today() - review.reviewed).days
    if age < 0:
        problems.append(f"the review date {review.reviewed} is in the future")
    elif args.max_age_days and age > args.max_age_days:
        problems.append(f"the review is {age} days old (limit {args.max_age_days}): review the advisories again")
    if problems:
        for problem in problems:
            print(f"audit: FAILED: {problem}", file=sys.stderr)
        return 1
    if args.offline:
        print("pip-audit: skipped (--offline)")
        return 0
    if any(run_pip_audit(path, review) != 0 for path in constraints_files):
        print("audit: FAILED: pip-audit reports advisories that the advisory file has not reviewed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
