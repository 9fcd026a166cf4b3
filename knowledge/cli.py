"""python -m knowledge build|check|due|search|show|report"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

from .builder import build
from .content import ContentError, load_content
from .fingerprint import content_fingerprint
from .report import print_report
from .review import print_due
from .settings import CONTENT_DIR, SENTENCE_VECTORS_DIR, database_url
from .snapshot import Snapshot
from .store import KnowledgeStore, KnowledgeStoreUnavailable


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__)
    parser.add_argument(
        "--database-url", default=None, help="defaults to $KNOWLEDGE_DATABASE_URL or build/knowledge.db"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="validate the content and (re)build the database")
    build_cmd.add_argument("path", nargs="?", type=Path, default=CONTENT_DIR)
    check_cmd = commands.add_parser("check", help="validate a content folder without writing anything")
    check_cmd.add_argument("path", nargs="?", type=Path, default=CONTENT_DIR)
    due_cmd = commands.add_parser("due", help="topics and answers due for review, overdue first")
    due_cmd.add_argument("path", nargs="?", type=Path, default=CONTENT_DIR)
    due_cmd.add_argument("--within", type=int, default=30, metavar="DAYS", help="also list what falls due soon")
    due_cmd.add_argument("--today", type=dt.date.fromisoformat, default=None, help="a date like 2027-06-01")
    search_cmd = commands.add_parser("search", help="topics matching a message, best first")
    search_cmd.add_argument("text")
    show_cmd = commands.add_parser("show", help="one topic with its texts and sources")
    show_cmd.add_argument("slug")
    show_cmd.add_argument("--json", action="store_true")
    commands.add_parser("report", help="review dates, sources per topic, uncited sources, feedback, unanswered")
    return parser


def _show(store: KnowledgeStore, slug: str, as_json: bool) -> int:
    topic = store.topic(slug)
    if topic is None:
        print(f"no topic '{slug}'; known topics: {', '.join(s for s, _ in store.topics())}", file=sys.stderr)
        return 1
    sources, related = store.sources(topic.sources), store.related(topic)
    if as_json:
        data = {
            **dataclasses.asdict(topic),
            "last_reviewed": topic.last_reviewed.isoformat(),
            "next_review": topic.next_review.isoformat() if topic.next_review else None,
            "related": [{"slug": slug, "title": title} for slug, title in related],
            "sources": [dict(dataclasses.asdict(s), citation=s.citation(), link=s.link) for s in sources],
        }
        data.pop("examples")
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"{topic.title} [{topic.slug}] (reviewed {topic.last_reviewed}; evidence: {topic.evidence_level})\n")
    for heading, body in (
        ("Short", topic.short_answer),
        ("Detailed", topic.detailed_answer),
        ("Plain", topic.plain_answer),
        ("Evidence", topic.evidence_summary),
    ):
        print(f"## {heading}\n{body}\n")
    print("## Key points\n" + "\n".join(f"- {p}" for p in topic.key_points) + "\n")
    print("## Related: " + ", ".join(topic.related) + "\n")
    print("## Sources\n" + "\n".join(f"- {s.citation()} {s.link or ''}" for s in sources))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = args.database_url or database_url()
    try:
        if args.command == "check":
            content = load_content(args.path)
            print(
                f"{args.path}: OK ({len(content.topics)} topics, {len(content.sources)} sources, "
                f"{len(content.myths)} myths, {len(content.quiz)} quiz questions)"
            )
            return 0
        if args.command == "due":
            today = args.today or dt.date.today()
            # content long overdue is what `due` reports: it must not stop the report
            return print_due(load_content(args.path, check_stale=False), today, args.within)
        if args.command == "build":
            content = build(args.path, url)
            print(
                f"built {url} from {args.path}: {len(content.topics)} topics, {len(content.sources)} sources, "
                f"{len(content.myths)} myths, {len(content.quiz)} quiz questions"
            )
            # the wordings' sentence vectors, so that the action server does not embed them at its start
            if Snapshot(content, content_fingerprint(args.path)).load_meanings():
                print(f"sentence vectors ready in {SENTENCE_VECTORS_DIR}")
            return 0
        store = KnowledgeStore(url)
        if args.command == "search":
            for slug in store.match_topics(args.text):
                print(f"glossary  {slug}")
            for hit in store.search(args.text, limit=5):
                print(f"{hit.score:8.3f}  {hit.slug}  ({hit.title})")
            return 0
        if args.command == "show":
            return _show(store, args.slug, args.json)
        return print_report(store)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 2
    except KnowledgeStoreUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
