"""Review dates: which topics and answers a curator should re-check against their sources, overdue first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .content import Content


@dataclass(frozen=True)
class ReviewItem:
    kind: str  # "topic" or "answer"
    key: str  # slug or answer id
    title: str
    last_reviewed: dt.date
    next_review: dt.date

    def days_late(self, today: dt.date) -> int:
        return (today - self.next_review).days


def review_items(content: Content) -> list[ReviewItem]:
    """Every topic and specific answer with its review dates, the longest overdue first."""
    items = [
        ReviewItem("topic", slug, topic.title, topic.last_reviewed, topic.next_review or topic.last_reviewed)
        for slug, topic in content.topics.items()
    ]
    items += [
        ReviewItem("answer", a.id, a.question, a.last_reviewed or dt.date.min, a.next_review or dt.date.min)
        for a in content.answers
    ]
    return sorted(items, key=lambda item: (item.next_review, item.kind, item.key))


def due(content: Content, today: dt.date, within_days: int = 0) -> list[ReviewItem]:
    """Items whose next review falls on or before `today` + `within_days`, the longest overdue first."""
    limit = today + dt.timedelta(days=within_days)
    return [item for item in review_items(content) if item.next_review <= limit]


def print_due(content: Content, today: dt.date, within_days: int) -> int:
    items = due(content, today, within_days)
    horizon = today + dt.timedelta(days=within_days)
    print(f"{len(items)} of {len(review_items(content))} topics and answers due for review by {horizon}")
    for item in items:
        late = item.days_late(today)
        status = f"{late} days overdue" if late > 0 else ("due today" if late == 0 else f"due in {-late} days")
        print(f"  {item.next_review}  {status:<18} {item.kind:<7} {item.key}  (reviewed {item.last_reviewed})")
    return 0
