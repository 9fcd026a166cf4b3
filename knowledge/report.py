"""The curators' report: review dates, sources per topic, uncited sources, feedback, unanswered questions."""

from __future__ import annotations

from .curation import CurationStore
from .store import KnowledgeStore


def print_report(store: KnowledgeStore, curation: CurationStore | None = None) -> int:
    content = store.snapshot()
    topics = sorted(
        (t for slug, _ in content.menu if (t := content.topic(slug)) is not None),
        key=lambda t: (t.next_review or t.last_reviewed, t.slug),
    )
    cited = {s for t in topics for s in t.sources} | {s for m in content.myths() for s in m.sources}
    uncited = sorted(s.id for s in content.all_sources() if s.id not in cited)
    curation = curation or CurationStore()
    feedback = curation.feedback_summary()

    print(f"{'topic':<24}{'last reviewed':<15}{'next review':<13}{'sources':>8}{'helpful':>9}{'not':>5}")
    for topic in topics:
        up, down = feedback.get(topic.slug, (0, 0))
        dates = f"{topic.last_reviewed.isoformat():<15}{str(topic.next_review):<13}"
        print(f"{topic.slug:<24}{dates}{len(topic.sources):>8}{up:>9}{down:>5}")
    print(f"\nsources cited by no topic or myth: {len(uncited)}")
    for source_id in uncited:
        print(f"  - {source_id}")
    unanswered = curation.frequent_unanswered()
    print(f"\nmost frequent unanswered questions: {len(unanswered)}")
    for text, count in unanswered:
        print(f"  {count:>4}  {text}")
    return 0
