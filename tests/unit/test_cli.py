"""`python -m knowledge` as curators run it, in subprocesses, on temporary databases.

Each subprocess spends about three seconds importing spaCy, so the module runs its commands once, in
parallel, in the `runs` fixture, and the tests check the recorded results. Further paths are checked
in-process through `cli.main`, the same entry point.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from knowledge import cli as knowledge_cli
from knowledge.content import Content
from knowledge.curation import CurationStore
from scripts.processes import base_env
from tests.unit.conftest import FIXTURE_CONTENT, ROOT, edit_yaml, sqlite_url


@dataclass
class Paths:
    root: Path
    database: Path  # built by `build` from the real content
    curation: Path  # seeded with feedback and unanswered questions before the report
    never: Path  # a database URL that `check` must not create
    check_cwd: Path  # empty working directory for `check`
    broken: Path  # an invalid copy of the fixture content


def run_cli(*args: str, database: Path, curation: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = base_env(KNOWLEDGE_DATABASE_URL=sqlite_url(database), CURATION_DATABASE_URL=sqlite_url(curation))
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    root = tmp_path_factory.mktemp("cli")
    p = Paths(
        root=root,
        database=root / "db" / "knowledge.db",
        curation=root / "db" / "curation.db",
        never=root / "never" / "never.db",
        check_cwd=root / "cwd",
        broken=root / "broken",
    )
    p.check_cwd.mkdir()
    (root / "never").mkdir()
    shutil.copytree(FIXTURE_CONTENT, p.broken)
    edit_yaml(p.broken / "myths.yml", lambda d: d["myths"][0].update({"verdict": "maybe"}))
    edit_yaml(p.broken / "topics" / "skin.yml", lambda d: d.pop("plain_answer"))
    store = CurationStore(sqlite_url(p.curation))
    for helpful in (True, True, False):
        store.record_feedback("butyrate", helpful)
    for text in ("What about goat milk?", "what about  GOAT milk?", "what about goat milk?"):
        store.record_unanswered(text)
    store.dispose()
    return p


@pytest.fixture(scope="module")
def runs(paths: Paths) -> dict[str, subprocess.CompletedProcess]:
    p = paths
    never = dict(database=p.never, curation=p.never.with_name("never-curation.db"))
    built = dict(database=p.database, curation=p.curation)
    with ThreadPoolExecutor(max_workers=4) as pool:
        first = {
            "build": pool.submit(run_cli, "build", **built),
            "check_valid": pool.submit(run_cli, "check", str(FIXTURE_CONTENT), cwd=p.check_cwd, **never),
            "check_invalid": pool.submit(run_cli, "check", str(p.broken), cwd=p.check_cwd, **never),
        }
        results = {name: future.result() for name, future in first.items()}
        assert results["build"].returncode == 0, results["build"].stderr
        second = {
            "search": pool.submit(run_cli, "search", "what is butyrate made from", **built),
            "show_json": pool.submit(run_cli, "show", "leaky_gut", "--json", **built),
            "show_unknown": pool.submit(run_cli, "show", "no_such_topic", "--json", **built),
            "report": pool.submit(run_cli, "report", **built),
        }
        results.update({name: future.result() for name, future in second.items()})
    return results


# -- build -----------------------------------------------------------------------------------------------


def test_build(runs, paths: Paths, real_content: Content):
    result = runs["build"]
    assert result.returncode == 0, result.stderr
    assert paths.database.is_file()
    assert f"{len(real_content.topics)} topics, {len(real_content.sources)} sources" in result.stdout
    assert sqlite_url(paths.database) in result.stdout
    assert sorted(p.name for p in paths.database.parent.iterdir()) == ["curation.db", "knowledge.db"]


# -- check -----------------------------------------------------------------------------------------------


def test_check_valid_folder_writes_nothing(runs, paths: Paths):
    result = runs["check_valid"]
    assert result.returncode == 0, result.stderr
    assert "OK (3 topics, 3 sources, 1 myths, 2 quiz questions)" in result.stdout
    assert result.stderr.count("invalid content") == 0
    assert list(paths.never.parent.iterdir()) == []
    assert list(paths.check_cwd.iterdir()) == []


def test_check_invalid_folder_names_file_and_field(runs, paths: Paths):
    result = runs["check_invalid"]
    assert result.returncode != 0
    assert "OK" not in result.stdout
    assert "myths.yml: myths[0].verdict: must be one of" in result.stderr
    assert "skin.yml: plain_answer: missing or empty" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(paths.never.parent.iterdir()) == []


# -- search and show -------------------------------------------------------------------------------------


def test_search(runs, real_content: Content):
    result = runs["search"]
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "glossary  butyrate"
    ranked = [line for line in lines if not line.startswith("glossary")]
    assert ranked and "butyrate" in [line.split()[1] for line in ranked]
    scores = [float(line.split()[0]) for line in ranked]
    assert scores == sorted(scores, reverse=True)
    assert f"butyrate  ({real_content.topics['butyrate'].title})" in result.stdout


def test_show_json(runs, real_content: Content):
    result = runs["show_json"]
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    expected = real_content.topics["leaky_gut"]
    assert data["slug"] == "leaky_gut" and data["title"] == expected.title
    for field in ("short_answer", "detailed_answer", "plain_answer", "evidence_summary", "children_note"):
        assert data[field] == getattr(expected, field)
    assert data["key_points"] == list(expected.key_points)
    assert [r["slug"] for r in data["related"]] == list(expected.related)
    assert [s["id"] for s in data["sources"]] == list(expected.sources)
    for source in data["sources"]:
        expected = real_content.sources[source["id"]]
        assert source["citation"].startswith(expected.authors or expected.title.rstrip("."))
        assert source["title"].rstrip(".") in source["citation"]


def test_show_unknown_slug(runs):
    result = runs["show_unknown"]
    assert result.returncode != 0
    assert result.stdout == ""
    assert "no topic 'no_such_topic'" in result.stderr
    assert "butyrate" in result.stderr  # lists the known topics


# -- report ------------------------------------------------------------------------------------------------


def test_report(runs, real_content: Content):
    result = runs["report"]
    assert result.returncode == 0, result.stderr
    rows = {
        line.split()[0]: line.split()
        for line in result.stdout.splitlines()
        if line.split() and line.split()[0] in real_content.topics
    }
    assert set(rows) == set(real_content.topics)
    for slug, columns in rows.items():
        topic = real_content.topics[slug]
        assert columns[1:3] == [topic.last_reviewed.isoformat(), str(topic.next_review)]
        assert int(columns[3]) == len(topic.sources)
    assert rows["butyrate"][4:] == ["2", "1"]  # helpful, not helpful
    assert rows["fmt"][4:] == ["0", "0"]
    cited = {s for t in real_content.topics.values() for s in t.sources} | {
        s for m in real_content.myths for s in m.sources
    }
    uncited = sorted(set(real_content.sources) - cited)
    match = re.search(r"sources cited by no topic or myth: (\d+)", result.stdout)
    assert match and int(match.group(1)) == len(uncited)
    assert all(f"  - {source_id}" in result.stdout for source_id in uncited)
    assert re.search(r"^\s+3  what about goat milk\?$", result.stdout, re.MULTILINE)


# -- in-process: the same entry point, other paths ---------------------------------------------------------


def test_show_text(real_db_url: str, real_content: Content, capsys: pytest.CaptureFixture):
    assert knowledge_cli.main(["--database-url", real_db_url, "show", "butyrate"]) == 0
    out = capsys.readouterr().out
    topic = real_content.topics["butyrate"]
    assert out.startswith(f"{topic.title} [butyrate]")
    assert topic.evidence_summary in out
    assert all(f"- {point}" in out for point in topic.key_points)


def test_database_url_option_overrides_the_environment(real_db_url: str, capsys: pytest.CaptureFixture):
    # the autouse fixture points KNOWLEDGE_DATABASE_URL at a missing file
    assert knowledge_cli.main(["--database-url", real_db_url, "search", "butyrate"]) == 0
    assert "glossary  butyrate" in capsys.readouterr().out


def test_build_of_an_invalid_folder_fails_and_keeps_the_database(
    tmp_path: Path, content_dir: Path, capsys: pytest.CaptureFixture
):
    url = sqlite_url(tmp_path / "knowledge.db")
    assert knowledge_cli.main(["--database-url", url, "build", str(content_dir)]) == 0
    before = (tmp_path / "knowledge.db").read_bytes()
    edit_yaml(content_dir / "tour.yml", lambda d: d["tour"].append("hair"))
    assert knowledge_cli.main(["--database-url", url, "build", str(content_dir)]) != 0
    assert "tour.yml: tour[2]: unknown topic 'hair'" in capsys.readouterr().err
    assert (tmp_path / "knowledge.db").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "knowledge.db"]


def test_commands_without_a_database_explain_how_to_build(tmp_path: Path, capsys: pytest.CaptureFixture):
    missing = tmp_path / "missing.db"
    assert knowledge_cli.main(["--database-url", sqlite_url(missing), "show", "butyrate"]) != 0
    assert "python -m knowledge build" in capsys.readouterr().err
    assert not missing.exists()


def test_check_of_the_real_content_by_default(capsys: pytest.CaptureFixture, real_content: Content):
    assert knowledge_cli.main(["check"]) == 0
    assert f"OK ({len(real_content.topics)} topics" in capsys.readouterr().out
