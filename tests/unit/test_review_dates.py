"""Review dates: every topic and answer has a last and a next review date, `python -m knowledge due` lists what
is due (overdue first), and the content check fails on a next review date more than a year past."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge.cli import main
from knowledge.content import REVIEW_INTERVAL, ContentError, load_content
from knowledge.review import due, review_items
from tests.unit.conftest import edit_yaml

TODAY = dt.date(2026, 12, 6)


def topic_file(content_dir: Path, slug: str = "fibre") -> Path:
    return content_dir / "topics" / f"{slug}.yml"


def answers_file(content_dir: Path) -> Path:
    return content_dir / "answers" / "fibre.yml"


def problems(content_dir: Path, today: dt.date = TODAY) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_content(content_dir, today=today)
    return raised.value.problems


def test_next_review_defaults_to_a_year_after_the_last(content_dir: Path):
    edit_yaml(topic_file(content_dir), lambda d: d.pop("next_review"))
    edit_yaml(answers_file(content_dir), lambda d: d["answers"][0].pop("next_review"))
    content = load_content(content_dir, today=TODAY)
    topic, [answer] = content.topics["fibre"], content.answers
    assert topic.next_review == topic.last_reviewed + REVIEW_INTERVAL == dt.date(2027, 1, 15)
    assert answer.next_review == answer.last_reviewed + REVIEW_INTERVAL


def test_an_answer_needs_its_review_date(content_dir: Path):
    edit_yaml(answers_file(content_dir), lambda d: d["answers"][0].pop("last_reviewed"))
    assert any(p.startswith("fibre.yml: answers[0].last_reviewed: missing") for p in problems(content_dir))


def test_next_review_before_the_last_review_is_rejected(content_dir: Path):
    edit_yaml(topic_file(content_dir), lambda d: d.update({"next_review": "2025-01-01"}))
    assert any("next_review" in p and "before last_reviewed" in p for p in problems(content_dir))


def test_a_review_more_than_a_year_overdue_fails_the_check(content_dir: Path):
    edit_yaml(topic_file(content_dir), lambda d: d.update({"last_reviewed": "2024-01-01", "next_review": "2025-01-01"}))
    edit_yaml(
        answers_file(content_dir),
        lambda d: d["answers"][0].update({"last_reviewed": "2025-01-01", "next_review": "2025-06-01"}),
    )
    found = problems(content_dir, today=dt.date(2026, 1, 2))
    stale = "fibre.yml: next_review: 2025-01-01 is more than a year past"
    assert [p for p in found if p.startswith(stale)]
    assert not [p for p in found if "fibre_for_toddlers" in p], "five months overdue is due, not stale"
    assert load_content(content_dir, today=dt.date(2025, 12, 31)).topics["fibre"]  # less than a year: passes
    assert load_content(content_dir, today=dt.date(2030, 1, 1), check_stale=False).topics["fibre"]


def test_due_lists_overdue_first_and_what_falls_due_soon(content_dir: Path):
    edit_yaml(topic_file(content_dir), lambda d: d.update({"next_review": "2026-11-01"}))
    edit_yaml(topic_file(content_dir, "skin"), lambda d: d.update({"next_review": "2026-12-20"}))
    content = load_content(content_dir, today=TODAY)
    assert [i.key for i in due(content, TODAY)] == ["fibre"]
    soon = due(content, TODAY, within_days=30)
    assert [i.key for i in soon] == ["fibre", "skin"] and soon[0].days_late(TODAY) == 35
    assert len(review_items(content)) == len(content.topics) + len(content.answers)


def test_the_due_command_prints_each_item_with_its_dates(content_dir: Path, capsys: pytest.CaptureFixture[str]):
    edit_yaml(topic_file(content_dir), lambda d: d.update({"next_review": "2026-11-01"}))
    assert main(["due", str(content_dir), "--today", "2026-12-06", "--within", "0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 of 4 topics and answers due for review by 2026-12-06")
    assert "2026-11-01  35 days overdue" in out and "topic   fibre  (reviewed 2026-01-15)" in out


def test_real_content_is_not_past_its_review_dates(real_content):
    assert all(item.next_review >= dt.date.today() - REVIEW_INTERVAL for item in review_items(real_content))


def test_a_stale_folder_still_builds(content_dir: Path, tmp_path: Path):
    """Review dates stop `check` and the tests, not a running bot: the database is still built."""
    from knowledge.builder import build

    edit_yaml(topic_file(content_dir), lambda d: d.update({"last_reviewed": "2020-01-01", "next_review": "2021-01-01"}))
    with pytest.raises(ContentError):
        load_content(content_dir)
    assert "fibre" in build(content_dir, f"sqlite:///{tmp_path / 'stale.db'}").topics
