"""The curators' report: review dates, sources per topic, uncited sources, feedback, unanswered questions."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .curation import CurationStore
from .models import MythSourceRow, SourceRow, TopicRow, TopicSourceRow
from .store import KnowledgeStore


def print_report(store: KnowledgeStore, curation: CurationStore | None = None) -> int:
    with Session(store.engine) as session:
        topics = session.execute(
            select(TopicRow.slug, TopicRow.last_reviewed, func.count(TopicSourceRow.source_id))
            .join(TopicSourceRow, TopicSourceRow.topic_slug == TopicRow.slug, isouter=True)
            .group_by(TopicRow.slug, TopicRow.last_reviewed).order_by(TopicRow.last_reviewed, TopicRow.slug)).all()
        cited = set(session.execute(select(TopicSourceRow.source_id)).scalars()) | set(
            session.execute(select(MythSourceRow.source_id)).scalars())
        uncited = [s for s in session.execute(select(SourceRow.id).order_by(SourceRow.id)).scalars() if s not in cited]
    curation = curation or CurationStore()
    feedback = curation.feedback_summary()

    print(f"{'topic':<24}{'last reviewed':<15}{'sources':>8}{'helpful':>9}{'not':>5}")
    for slug, reviewed, count in topics:
        up, down = feedback.get(slug, (0, 0))
        print(f"{slug:<24}{reviewed.isoformat():<15}{count:>8}{up:>9}{down:>5}")
    print(f"\nsources cited by no topic or myth: {len(uncited)}")
    for source_id in uncited:
        print(f"  - {source_id}")
    unanswered = curation.frequent_unanswered()
    print(f"\nmost frequent unanswered questions: {len(unanswered)}")
    for text, count in unanswered:
        print(f"  {count:>4}  {text}")
    return 0
