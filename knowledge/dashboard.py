"""The data of the curators' dashboard (scripts/dashboard.py shows it): each page is a list of tables.

Read-only queries over three databases, each opened per call with its own short session:
- the curation database (CURATION_DATABASE_URL): unanswered questions, clustered (knowledge/clusters.py), and
  feedback per topic and per specific answer;
- the knowledge database (KNOWLEDGE_DATABASE_URL): review dates and sources of every topic and answer;
- Rasa's tracker store (TRACKER_STORE_URL, the `events` table): use per day and channel, counted in SQL. Only
  counts leave this module: the data of urgent messages is read to find their tier, never returned.
SQLite and PostgreSQL both work (the JSON fields are read with json_extract or json_extract_path_text).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .clusters import cluster_texts
from .content import Content, Source
from .curation import CurationStore, FeedbackRow, UnansweredRow
from .database import make_engine
from .review import review_items
from .settings import tracker_store_url
from .store import KnowledgeStore

EXAMPLES_PER_CLUSTER = 3
USE_DAYS = 30  # the use page covers this many days (conversations are kept CONVERSATION_RETENTION_DAYS, 30)
URGENT_INTENTS = ("red_flag", "self_harm")  # the safety net's intents; the tier is its `safety_tier` entity
TIERS = ("emergency", "same_day", "self_harm", "self_harm_child")
# Actions that answer from content (domain.yml): a turn they ran is answered unless they asked back or said
# they did not know (the replies below, found by their response name in the bot event's metadata).
CONTENT_ACTIONS = (
    "action_answer_topic",
    "action_more_detail",
    "action_simpler",
    "action_sources",
    "action_related_topics",
    "action_evidence",
    "action_children",
    "action_adults",
    "action_define_term",
    "action_check_myth",
    "action_what_to_do",
    "action_why",
    "action_search_fallback",
)
CLARIFYING = ("utter_which_topic", "utter_did_you_mean", "utter_which_of_two", "utter_repair_choices")
OUT_OF_SCOPE = ("utter_out_of_scope", "utter_out_of_scope_again")
DONT_KNOW = ("utter_dont_know",)
SECONDS_PER_DAY = 86400

EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("intent_name", sa.String),
    sa.column("action_name", sa.String),
    sa.column("data", sa.Text),
)


@dataclass
class Table:
    """One table of a page (and one CSV): column headings and rows of plain values."""

    name: str  # the CSV's file name, without .csv
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


# -- unanswered questions ---------------------------------------------------------------------------------------


def unanswered_table(curation: CurationStore, store: KnowledgeStore | None) -> Table:
    """Clusters of the stored unanswered questions (retention applies at storage), largest then newest first."""
    with Session(curation.engine) as session:
        rows = session.execute(
            sa.select(UnansweredRow.text, UnansweredRow.created_at).order_by(UnansweredRow.created_at.desc())
        ).all()
    newest: dict[str, dt.datetime] = {}
    for text, created in rows:
        newest.setdefault(text, created)
    table = Table("unanswered", ("questions", "latest", "examples", "nearest_topic_or_answer", "nearest_similarity"))
    clusters = cluster_texts(text for text, _ in rows)
    latest = {id(c): max(newest[t] for t, _ in c.texts) for c in clusters}
    clusters.sort(key=lambda c: (-c.size, -latest[id(c)].timestamp()))
    for cluster in clusters:
        nearest, score = _nearest(store, cluster.label)
        table.rows.append(
            (
                cluster.size,
                latest[id(cluster)].strftime("%Y-%m-%d %H:%M"),
                " | ".join(cluster.examples(EXAMPLES_PER_CLUSTER)),
                nearest,
                round(score, 2),
            )
        )
    return table


def _nearest(store: KnowledgeStore | None, text: str) -> tuple[str, float]:
    if store is None:
        return "", 0.0
    matches = store.find_answers(text, limit=1)
    if not matches:
        return "", 0.0
    match = matches[0]
    if match.answer is not None:
        return f"answer {match.answer.id}: {match.answer.question}", match.score
    topic = store.topic(match.topic)
    return f"topic {match.topic}: {topic.title if topic else ''}", match.score


# -- feedback ---------------------------------------------------------------------------------------------------


def feedback_tables(curation: CurationStore, store: KnowledgeStore | None) -> tuple[Table, Table]:
    """Per topic and per specific answer (worst rate first), and per week (oldest first)."""
    with Session(curation.engine) as session:
        rows = session.execute(
            sa.select(FeedbackRow.topic_slug, FeedbackRow.answer_id, FeedbackRow.helpful, FeedbackRow.created_at)
        ).all()
    counts: dict[tuple[str, str], list[int]] = {}
    weeks: dict[dt.date, list[int]] = {}
    for slug, answer_id, helpful, created in rows:
        keys = [("topic", slug)] + ([("answer", answer_id)] if answer_id else [])
        for item in keys:
            counts.setdefault(item, [0, 0])[0 if helpful else 1] += 1
        monday = created.date() - dt.timedelta(days=created.weekday())
        weeks.setdefault(monday, [0, 0])[0 if helpful else 1] += 1
    items = Table("feedback", ("kind", "id", "title", "helpful", "not_helpful", "helpful_rate"))
    for (kind, name), (up, down) in counts.items():
        items.rows.append((kind, name, _title(store, kind, name), up, down, round(up / (up + down), 2)))
    items.rows.sort(key=lambda r: (r[5], -r[4], r[0], r[1]))
    weekly = Table("feedback_weekly", ("week_starting", "helpful", "not_helpful", "helpful_rate"))
    for monday in sorted(weeks):
        up, down = weeks[monday]
        weekly.rows.append((monday.isoformat(), up, down, round(up / (up + down), 2)))
    return items, weekly


def _title(store: KnowledgeStore | None, kind: str, key: str) -> str:
    if store is None:
        return ""
    if kind == "answer":
        answer = store.answer(key)
        return answer.question if answer else ""
    topic = store.topic(key)
    return topic.title if topic else ""


# -- content review ---------------------------------------------------------------------------------------------


def missing_fields(source: Source) -> list[str]:
    """What a complete reference has and this source lacks: authors (authors_unknown), a year, a PMID, DOI or URL."""
    missing = [name for name in ("authors", "year") if not getattr(source, name)]
    if not (source.pmid or source.doi or source.url):
        missing.append("pmid, doi or url")
    return missing


def review_tables(store: KnowledgeStore, today: dt.date | None = None) -> tuple[Table, Table]:
    """Every topic and answer with its review dates, overdue first; every source, incomplete ones first."""
    today = today or dt.date.today()
    snapshot = store.snapshot()
    topics = {slug: t for slug, _ in snapshot.menu if (t := snapshot.topic(slug)) is not None}
    answers = [a for slug in topics for a in snapshot.answers_of(slug)]
    sources = {s.id: s for s in snapshot.all_sources()}
    cites = {("topic", t.slug): t.sources for t in topics.values()} | {("answer", a.id): a.sources for a in answers}
    review = Table(
        "review",
        ("kind", "id", "title", "last_reviewed", "next_review", "days_overdue", "sources", "incomplete_sources"),
    )
    for item in review_items(Content(topics=topics, answers=answers)):
        cited = cites.get((item.kind, item.key), ())
        incomplete = [s for s in cited if s in sources and missing_fields(sources[s])]
        review.rows.append(
            (
                item.kind,
                item.key,
                item.title,
                item.last_reviewed.isoformat() if item.last_reviewed != dt.date.min else "",
                item.next_review.isoformat() if item.next_review != dt.date.min else "",
                max(item.days_late(today), 0),
                len(cited),
                " ".join(incomplete),
            )
        )
    cited_by: dict[str, list[str]] = {}
    for (kind, key), ids in cites.items():
        for source_id in ids:
            cited_by.setdefault(source_id, []).append(f"{kind} {key}")
    table = Table("sources", ("id", "reference", "missing", "cited_by"))
    for source in sources.values():
        missing = missing_fields(source)
        table.rows.append((source.id, source.reference(), ", ".join(missing), len(cited_by.get(source.id, []))))
    table.rows.sort(key=lambda r: (not r[2], r[0]))
    return review, table


# -- use (tracker store) ----------------------------------------------------------------------------------------


def _json_text(engine: Engine, column: Any, *path: str) -> Any:
    if engine.dialect.name == "postgresql":
        return sa.func.json_extract_path_text(sa.cast(column, sa.JSON), *path)
    return sa.func.json_extract(column, "$." + ".".join(path))


def _day(engine: Engine, column: Any) -> Any:
    days = column / SECONDS_PER_DAY
    return sa.func.floor(days) if engine.dialect.name == "postgresql" else sa.cast(days, sa.Integer)


def use_tables(tracker_url: str | None = None, days: int = USE_DAYS, now: float | None = None) -> tuple[Table, Table]:
    """Conversations and messages per day and channel, and the totals of the last `days` days (counts only)."""
    engine = make_engine(tracker_url or tracker_store_url())
    since = (dt.datetime.now().timestamp() if now is None else now) - days * SECONDS_PER_DAY
    e = EVENTS.c
    try:
        if not sa.inspect(engine).has_table("events"):
            return Table("use_daily", ()), Table("use_totals", ())
        day, channel = _day(engine, e.timestamp).label("day"), _json_text(engine, e.data, "input_channel")
        with engine.connect() as connection:
            daily_rows = connection.execute(
                sa.select(day, channel, sa.func.count(), sa.func.count(sa.distinct(e.sender_id)))
                .where(e.type_name == "user", e.timestamp >= since)
                .group_by(day, channel)
                .order_by(day, channel)
            ).all()
            replies = dict(
                connection.execute(
                    sa.select(utter := _json_text(engine, e.data, "metadata", "utter_action"), sa.func.count())
                    .where(e.type_name == "bot", e.timestamp >= since)
                    .group_by(utter)
                ).all()
            )
            content_actions = connection.execute(
                sa.select(sa.func.count()).where(
                    e.type_name == "action", e.action_name.in_(CONTENT_ACTIONS), e.timestamp >= since
                )
            ).scalar_one()
            conversations = connection.execute(
                sa.select(sa.func.count(sa.distinct(e.sender_id))).where(e.type_name == "user", e.timestamp >= since)
            ).scalar_one()
            tiers: Counter[str] = Counter()
            for intent, data in connection.execute(
                sa.select(e.intent_name, e.data).where(
                    e.type_name == "user", e.intent_name.in_(URGENT_INTENTS), e.timestamp >= since
                )
            ):
                tiers[_tier(intent, data)] += 1
    finally:
        engine.dispose()
    daily = Table("use_daily", ("day", "channel", "messages", "conversations"))
    for day_number, channel_name, messages, senders in daily_rows:
        date = dt.date(1970, 1, 1) + dt.timedelta(days=int(day_number))
        daily.rows.append((date.isoformat(), channel_name or "unknown", messages, senders))
    messages = sum(r[2] for r in daily.rows)
    count = lambda names: sum(int(replies.get(n, 0)) for n in names)  # noqa: E731
    answered = max(int(content_actions) - count(DONT_KNOW) - count(CLARIFYING), 0)
    totals = Table("use_totals", ("measure", "count", "share_of_messages"))
    for measure, value in (
        ("conversations", int(conversations)),
        ("messages", messages),
        ("answered from content", answered),
        ("clarifying questions", count(CLARIFYING)),
        ("out-of-scope replies", count(OUT_OF_SCOPE)),
        ("don't-know replies", count(DONT_KNOW)),
        *((f"urgent replies: {tier}", tiers.get(tier, 0)) for tier in TIERS),
    ):
        share = round(value / messages, 3) if messages and measure != "conversations" else ""
        totals.rows.append((measure, value, share))
    return daily, totals


def _tier(intent: str, data: str | None) -> str:
    """The urgent tier of a user event: its safety_tier entity (the safety net sets it), else its intent."""
    try:
        entities = json.loads(data or "{}").get("parse_data", {}).get("entities", [])
    except (ValueError, AttributeError):
        entities = []
    for entity in entities:
        if entity.get("entity") == "safety_tier" and entity.get("value") in TIERS:
            return str(entity["value"])
    return "self_harm" if intent == "self_harm" else "emergency"
