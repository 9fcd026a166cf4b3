"""Load and validate the curated YAML content. Every error names the file and the field."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# libyaml when PyYAML has it (it does on PyPI wheels): the same safe loading, ten times faster
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
VERDICTS = ("false", "unproven", "partly true")
MIN_EXAMPLES = 5  # per topic; the curated content has 30+ (tests/unit/test_content_quality.py)

# Every key a content file may hold: anything else is a typo that would silently drop content.
TOPIC_KEYS = (
    "slug",
    "title",
    "last_reviewed",
    "next_review",
    "evidence_level",
    "short_answer",
    "detailed_answer",
    "plain_answer",
    "evidence_summary",
    "children_note",
    "adults_note",
    "key_points",
    "related",
    "glossary",
    "sources",
    "examples",
)
GLOSSARY_KEYS = ("term", "synonyms", "definition")
SOURCE_KEYS = (
    "id",
    "authors",
    "authors_unknown",
    "year",
    "title",
    "journal",
    "pmid",
    "doi",
    "url",
    "study_design",
    "evidence_note",
    "verification",
)  # verification: how a curator checked it
MYTH_KEYS = ("id", "claim", "phrasings", "verdict", "correction", "topic", "sources")
QUESTION_KEYS = ("id", "topic", "question", "choices", "answer", "explanation")
ANSWER_KEYS = (
    "id",
    "topic",
    "question",
    "asks",
    "audience",
    "answer",
    "why",
    "sources",
    "last_reviewed",
    "next_review",
)
# A curator re-checks each topic and answer against its sources at least this often: next_review defaults to
# this long after last_reviewed, and the content check fails on one more than STALE_AFTER past (knowledge/review.py).
REVIEW_INTERVAL = dt.timedelta(days=365)
STALE_AFTER = dt.timedelta(days=365)
# Who a specific answer is written for; "any" fits everyone (the conversation's audience picks between close ones).
AUDIENCES = ("any", "parent", "teen", "adult", "pregnant")
MIN_ASKS = 3  # other wordings of a specific answer's question: they are how the bot finds it
ANSWER_WORDS = (30, 160)  # a specific answer is short: it answers one question
MENU_GROUP_KEYS = ("id", "title", "topics")
MENU_TITLE_MAX = 40  # a group title is a button label: long ones are cut off on phones and in Slack
# The files the loader reads; anything else in the content folder would be ignored without a word.
CONTENT_FILES = {
    "sources.yml": "sources",
    "myths.yml": "myths",
    "quiz.yml": "questions",
    "tour.yml": "tour",
    "menu.yml": "menu",
}
TOPICS_DIR = "topics"
ANSWERS_DIR = "answers"  # specific answers, any number of files, each a list under `answers:`

# The topic contract shared with the dialogue, the tests and later content.
TOPIC_SLUGS = (
    "atopic_dermatitis",
    "gut_skin_axis",
    "gut_microbiota",
    "dysbiosis",
    "leaky_gut",
    "immune_regulation",
    "scfa",
    "butyrate",
    "dietary_fiber",
    "prebiotics",
    "probiotics",
    "probiotics_treatment",
    "probiotics_prevention",
    "probiotic_strains",
    "synbiotics",
    "postbiotics",
    "fmt",
    "early_life",
    "skin_microbiome",
    "diet_and_eczema",
    "standard_care",
    "emerging_research",
    # added with the content issue: what parents and patients ask beyond the seed's story
    "infant_formula",
    "vitamin_d",
    "fish_oil",
    "emollients_prevention",
    "fermented_foods",
    "antibiotics",
    "diet_fads",
    "natural_remedies",
    "steroid_worries",
    "itch_sleep_stress",
    # added with the everyday-care issue (23): what people ask most, beyond the standard-care overview
    "emollient_use",
    "washing_and_bathing",
    "topical_steroids",
    "newer_medicines",
    "itch_relief",
    "everyday_triggers",
    "when_to_see_doctor",
    "weaning_allergy_foods",
    "darker_skin",
)


def reflow(text: str) -> str:
    """Join hard-wrapped lines; keep blank lines (paragraphs) and lines that start a bullet."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(re.sub(r"\n(?!\s*[-*] )\s*", " ", p.strip()) for p in paragraphs)


# Nearly every question here mentions eczema: its topic is named only when no other topic is.
BACKGROUND_TOPIC = "atopic_dermatitis"


class ContentError(Exception):
    """Raised with every problem found in a content folder, each naming file and field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid content:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Source:
    id: str
    authors: str
    year: int | None
    title: str
    journal: str | None
    pmid: str | None
    doi: str | None
    url: str | None
    study_design: str
    evidence_note: str

    @property
    def link(self) -> str | None:
        return self.url or (f"https://doi.org/{self.doi}" if self.doi else None)

    def reference(self) -> str:
        """Authors (Year). Title. Journal. Without known authors: Title (Year). Journal."""
        year = f" ({self.year})" if self.year else ""
        title = self.title.rstrip(".")
        parts = [f"{self.authors}{year}.", f"{title}."] if self.authors else [f"{title}{year}."]
        if self.journal:
            parts.append(f"{self.journal.rstrip('.')}.")
        return " ".join(parts)

    def citation(self) -> str:
        """A one-line reference with identifiers: Authors (Year). Title. Journal. PMID/DOI."""
        parts = [self.reference()]
        if self.pmid:
            parts.append(f"PMID {self.pmid}.")
        if self.doi:
            parts.append(f"doi:{self.doi}")
        return " ".join(parts)


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    synonyms: tuple[str, ...]
    definition: str | None


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    last_reviewed: dt.date
    evidence_level: str
    short_answer: str
    detailed_answer: str
    plain_answer: str
    evidence_summary: str
    children_note: str | None
    adults_note: str | None
    key_points: tuple[str, ...]
    related: tuple[str, ...]
    glossary: tuple[GlossaryTerm, ...]
    sources: tuple[str, ...]
    examples: tuple[str, ...] = ()  # questions people ask about the topic: NLU training data
    next_review: dt.date | None = None  # when a curator checks it again (load_content fills in the default)


@dataclass(frozen=True)
class Myth:
    id: str
    claim: str
    phrasings: tuple[str, ...]
    verdict: str
    correction: str
    topic: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """A short answer to one specific question, inside a topic: "should I give her egg?" rather than the
    whole of early life. Found by its question's wordings; the topic card stays the answer to the rest."""

    id: str
    topic: str
    question: str
    asks: tuple[str, ...]  # other wordings of the same question
    answer: str
    sources: tuple[str, ...]
    audience: str = "any"
    why: str | None = None  # the reason behind the answer, for "why?"
    last_reviewed: dt.date | None = None
    next_review: dt.date | None = None  # when a curator checks it again (load_content fills in the default)

    @property
    def wordings(self) -> tuple[str, ...]:
        return (self.question, *self.asks)


@dataclass(frozen=True)
class QuizQuestion:
    id: str
    topic: str
    question: str
    choices: tuple[tuple[str, str], ...]
    answer: str
    explanation: str


@dataclass(frozen=True)
class MenuGroup:
    """One button of the topic menu: the topics it opens, in teaching order."""

    id: str
    title: str
    topics: tuple[str, ...]


@dataclass
class Content:
    topics: dict[str, Topic] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    myths: list[Myth] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    quiz: list[QuizQuestion] = field(default_factory=list)
    tour: list[str] = field(default_factory=list)
    menu_groups: list[MenuGroup] = field(default_factory=list)

    @property
    def menu(self) -> list[str]:
        """Every topic of the menu in menu order: the groups' topics one after the other."""
        return [slug for group in self.menu_groups for slug in group.topics]


def topic_questions(content: Content) -> list[tuple[str, str]]:
    """(question, topic slug) to learn topics from: each topic's examples. The wordings of specific answers are
    not among them: added, they tilted the topic classifier towards the topics with the most answers (held-out
    topic accuracy 0.93 against 0.95 without them)."""
    return [(e, t.slug) for t in content.topics.values() for e in t.examples]


class _Reader:
    """Typed access to one mapping of one file; records problems instead of stopping at the first."""

    def __init__(self, problems: list[str], file: Path, where: str, data: Any):
        self.problems, self.file, self.where = problems, file, where
        self.data = data if isinstance(data, dict) else {}
        if not isinstance(data, dict):
            self.fail("", f"must be a mapping, got {type(data).__name__}")

    def fail(self, key: str, message: str) -> None:
        path = ".".join(p for p in (self.where, key) if p)
        self.problems.append(f"{self.file.name}: {path or '(top level)'}: {message}")

    def only(self, allowed: tuple[str, ...]) -> None:
        """Reject keys the loader does not know, suggesting the nearest known one."""
        for key in self.data:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else f" (known keys: {', '.join(allowed)})"
                self.fail(str(key), f"unknown key{hint}")

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(key, "missing or empty")
            return None
        if not isinstance(value, str | int | float):
            self.fail(key, f"must be text, got {type(value).__name__}")
            return None
        return reflow(str(value))

    def text_list(self, key: str, required: bool = True) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(key, "missing")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str | int) and str(v).strip() for v in value):
            self.fail(key, "must be a list of non-empty texts")
            return ()
        return tuple(str(v).strip() for v in value)

    def date(self, key: str) -> dt.date:
        value = self.data.get(key)
        if value is None:
            self.fail(key, "missing (a date like 2026-11-24)")
            return dt.date.min
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(key, f"must be a date like 2026-11-24, got {value!r}")
            return dt.date.min


def _read_yaml(path: Path, problems: list[str]) -> Any:
    """The parsed file, or None after recording why it cannot be used (invalid, empty, unreadable)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        if data is None:
            problems.append(f"{path.name}: (top level): the file is empty")
        return data
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        problems.append(f"{path.name}: {where}: invalid YAML ({getattr(error, 'problem', error)})")
    except OSError as error:
        problems.append(f"{path.name}: cannot read ({error.strerror})")
    return None


def _items(problems: list[str], path: Path, key: str) -> list[Any]:
    data = _read_yaml(path, problems)
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(f"{path.name}: {key}: missing (expected a top-level list named '{key}')")
        return []
    for extra in sorted(set(data) - {key}, key=str):
        problems.append(f"{path.name}: {extra}: unknown top-level key (only '{key}' is read)")
    return data[key]


def _parse_source(r: _Reader) -> Source | None:
    r.only(SOURCE_KEYS)
    # A source whose author list could not be verified says so (authors_unknown: true) rather than guess.
    authors = r.text("authors", required=r.data.get("authors_unknown") is not True) or ""
    source = Source(
        id=r.text("id") or "",
        authors=authors,
        year=r.data.get("year"),
        title=r.text("title") or "",
        journal=r.text("journal", required=False),
        pmid=r.text("pmid", required=False),
        doi=r.text("doi", required=False),
        url=r.text("url", required=False),
        study_design=r.text("study_design") or "",
        evidence_note=r.text("evidence_note") or "",
    )
    if not (source.pmid or source.doi or source.url):
        r.fail("pmid", "a source needs a PMID, a DOI or a URL")
    return source if source.id else None


def _parse_glossary(r: _Reader) -> tuple[GlossaryTerm, ...]:
    entries = r.data.get("glossary")
    if not isinstance(entries, list) or not entries:
        r.fail("glossary", "must be a non-empty list of terms")
        return ()
    terms = []
    for index, entry in enumerate(entries):
        er = _Reader(r.problems, r.file, f"glossary[{index}]", entry)
        er.only(GLOSSARY_KEYS)
        term = er.text("term")
        if term:
            terms.append(
                GlossaryTerm(term, er.text_list("synonyms", required=False), er.text("definition", required=False))
            )
    return tuple(terms)


def _next_review(r: _Reader, last_reviewed: dt.date) -> dt.date:
    """The stated next review date, or REVIEW_INTERVAL after the last review; never before the last review."""
    if "next_review" not in r.data:
        return last_reviewed + REVIEW_INTERVAL
    next_review = r.date("next_review")
    if next_review < last_reviewed:
        r.fail("next_review", f"{next_review} is before last_reviewed {last_reviewed}")
    return next_review


def _parse_topic(path: Path, problems: list[str]) -> Topic | None:
    data = _read_yaml(path, problems)
    if data is None:
        return None
    r = _Reader(problems, path, "", data)
    r.only(TOPIC_KEYS)
    slug = r.text("slug")
    if slug and slug != path.stem:
        r.fail("slug", f"'{slug}' must equal the file name '{path.stem}'")
    if slug and not SLUG_PATTERN.match(slug):
        r.fail("slug", f"'{slug}' must be lower case letters, digits and underscores")
    last_reviewed = r.date("last_reviewed")
    topic = Topic(
        slug=slug or path.stem,
        title=r.text("title") or "",
        last_reviewed=last_reviewed,
        evidence_level=r.text("evidence_level") or "",
        short_answer=r.text("short_answer") or "",
        detailed_answer=r.text("detailed_answer") or "",
        plain_answer=r.text("plain_answer") or "",
        evidence_summary=r.text("evidence_summary") or "",
        children_note=r.text("children_note", required=False),
        adults_note=r.text("adults_note", required=False),
        key_points=r.text_list("key_points"),
        related=r.text_list("related"),
        glossary=_parse_glossary(r),
        sources=r.text_list("sources"),
        examples=r.text_list("examples"),
        next_review=_next_review(r, last_reviewed),
    )
    if r.data and not topic.key_points:
        r.fail("key_points", "needs at least one key point")
    if r.data and not topic.sources:
        r.fail("sources", "needs at least one source")
    if r.data and topic.examples and len(topic.examples) < MIN_EXAMPLES:
        r.fail("examples", f"needs at least {MIN_EXAMPLES} example questions, got {len(topic.examples)}")
    return topic if slug else None


def _parse_myth(r: _Reader) -> Myth | None:
    r.only(MYTH_KEYS)
    verdict = r.text("verdict") or ""
    if verdict and verdict not in VERDICTS:
        r.fail("verdict", f"must be one of {', '.join(VERDICTS)}, got '{verdict}'")
    myth = Myth(
        id=r.text("id") or "",
        claim=r.text("claim") or "",
        phrasings=r.text_list("phrasings"),
        verdict=verdict,
        correction=r.text("correction") or "",
        topic=r.text("topic") or "",
        sources=r.text_list("sources"),
    )
    return myth if myth.id else None


def _parse_answer(r: _Reader) -> Answer | None:
    r.only(ANSWER_KEYS)
    audience = r.text("audience", required=False) or "any"
    if audience not in AUDIENCES:
        r.fail("audience", f"must be one of {', '.join(AUDIENCES)}, got '{audience}'")
    last_reviewed = r.date("last_reviewed")
    answer = Answer(
        id=r.text("id") or "",
        topic=r.text("topic") or "",
        question=r.text("question") or "",
        asks=r.text_list("asks"),
        answer=r.text("answer") or "",
        sources=r.text_list("sources"),
        audience=audience,
        why=r.text("why", required=False),
        last_reviewed=last_reviewed,
        next_review=_next_review(r, last_reviewed),
    )
    if r.data and len(answer.asks) < MIN_ASKS:
        r.fail("asks", f"needs at least {MIN_ASKS} other wordings of the question, got {len(answer.asks)}")
    words = len(answer.answer.split())
    if answer.answer and not ANSWER_WORDS[0] <= words <= ANSWER_WORDS[1]:
        r.fail("answer", f"must be {ANSWER_WORDS[0]}-{ANSWER_WORDS[1]} words, got {words}")
    return answer if answer.id else None


def _parse_question(r: _Reader) -> QuizQuestion | None:
    r.only(QUESTION_KEYS)
    choices = r.data.get("choices")
    if not isinstance(choices, dict) or len(choices) < 2:
        r.fail("choices", "must map at least two keys (a, b, ...) to answer texts")
        choices = {}
    answer = r.text("answer") or ""
    if choices and answer not in {str(k) for k in choices}:
        r.fail("answer", f"'{answer}' is not one of the choices")
    question = QuizQuestion(
        id=r.text("id") or "",
        topic=r.text("topic") or "",
        question=r.text("question") or "",
        choices=tuple((str(k), str(v)) for k, v in choices.items()),
        answer=answer,
        explanation=r.text("explanation") or "",
    )
    return question if question.id else None


def _parse_menu_group(r: _Reader) -> MenuGroup | None:
    r.only(MENU_GROUP_KEYS)
    group_id = r.text("id")
    if group_id and not SLUG_PATTERN.match(group_id):
        r.fail("id", f"'{group_id}' must be lower case letters, digits and underscores")
    title = r.text("title") or ""
    if len(title) > MENU_TITLE_MAX:
        r.fail("title", f"is a button label: at most {MENU_TITLE_MAX} characters, got {len(title)}")
    topics = r.text_list("topics")
    if isinstance(r.data.get("topics"), list) and not r.data["topics"]:
        r.fail("topics", "needs at least one topic")
    # A group without an id still counts for the topic checks: its topics are not reported missing twice.
    return MenuGroup(group_id or "", title, topics) if r.data else None


def _read_menu(problems: list[str], path: Path) -> list[MenuGroup]:
    groups = []
    for index, item in enumerate(_items(problems, path, "menu")):
        if isinstance(item, str):  # the flat list of slugs menu.yml used to be
            problems.append(
                f"{path.name}: menu[{index}]: '{item}' is a topic, but the menu lists groups, each with "
                f"{', '.join(MENU_GROUP_KEYS)} (see data/knowledge/README.md)"
            )
            continue
        group = _parse_menu_group(_Reader(problems, path, f"menu[{index}]", item))
        if group is not None:
            groups.append(group)
    return groups


def _collect(problems: list[str], path: Path, key: str, parse: Callable[[_Reader], Any]) -> list[Any]:
    parsed = []
    for index, item in enumerate(_items(problems, path, key)):
        value = parse(_Reader(problems, path, f"{key}[{index}]", item))
        if value is not None:
            parsed.append(value)
    return parsed


def _check_unique(problems: list[str], file_name: str, kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for identifier in ids:
        if identifier in seen:
            problems.append(f"{file_name}: {kind}: duplicate id '{identifier}'")
        seen.add(identifier)


def _check_examples(content: Content, problems: list[str]) -> None:
    """One example question teaches one topic: the same question in two topics would teach both."""
    owner: dict[str, str] = {}
    for topic in content.topics.values():
        for index, example in enumerate(topic.examples):
            key = " ".join(example.lower().split())
            if key in owner and owner[key] != topic.slug:
                problems.append(
                    f"{topic.slug}.yml: examples[{index}]: '{example}' is also an example of " f"'{owner[key]}'"
                )
            owner.setdefault(key, topic.slug)


def _check_references(content: Content, problems: list[str]) -> None:
    for topic in content.topics.values():
        file_name = f"{topic.slug}.yml"
        for index, source_id in enumerate(topic.sources):
            if source_id not in content.sources:
                problems.append(f"{file_name}: sources[{index}]: unknown source '{source_id}'")
        for index, related in enumerate(topic.related):
            if related not in content.topics:
                problems.append(f"{file_name}: related[{index}]: unknown topic '{related}'")
            elif related == topic.slug:
                problems.append(f"{file_name}: related[{index}]: a topic cannot be related to itself")
    for index, myth in enumerate(content.myths):
        if myth.topic not in content.topics:
            problems.append(f"myths.yml: myths[{index}].topic: unknown topic '{myth.topic}'")
        for s_index, source_id in enumerate(myth.sources):
            if source_id not in content.sources:
                problems.append(f"myths.yml: myths[{index}].sources[{s_index}]: unknown source '{source_id}'")
    for answer in content.answers:
        where = f"{ANSWERS_DIR}: answer '{answer.id}'"
        if answer.topic not in content.topics:
            problems.append(f"{where}: topic: unknown topic '{answer.topic}'")
        for s_index, source_id in enumerate(answer.sources):
            if source_id not in content.sources:
                problems.append(f"{where}: sources[{s_index}]: unknown source '{source_id}'")
    for index, question in enumerate(content.quiz):
        if question.topic not in content.topics:
            problems.append(f"quiz.yml: questions[{index}].topic: unknown topic '{question.topic}'")
    for index, slug in enumerate(content.tour):
        if slug not in content.topics:
            problems.append(f"tour.yml: tour[{index}]: unknown topic '{slug}'")


def _check_menu(content: Content, problems: list[str]) -> None:
    """Each group once, each topic in exactly one group: a topic in no group cannot be reached."""
    group_of: dict[str, str] = {}
    group_ids: set[str] = set()
    for index, group in enumerate(content.menu_groups):
        if group.id and group.id in group_ids:
            problems.append(f"menu.yml: menu[{index}].id: duplicate group id '{group.id}'")
        group_ids.add(group.id)
        for t_index, slug in enumerate(group.topics):
            where = f"menu.yml: menu[{index}].topics[{t_index}]"
            if slug not in content.topics:
                problems.append(f"{where}: unknown topic '{slug}'")
            elif slug in group_of:
                problems.append(f"{where}: topic '{slug}' is already in group '{group_of[slug]}'")
            group_of.setdefault(slug, group.id or f"menu[{index}]")
    if content.menu_groups:
        for slug in sorted(set(content.topics) - set(group_of)):
            problems.append(f"menu.yml: menu: topic '{slug}' is in no group of the menu, so users cannot reach it")


def _check_layout(content_dir: Path, problems: list[str]) -> None:
    """Name every file the loader would not read: a topic copied to the wrong folder must not vanish quietly."""
    for path in sorted(content_dir.iterdir()):
        if path.name.startswith(".") or path.name == "README.md" or path.name in CONTENT_FILES:
            continue
        if path.is_dir() and path.name in (TOPICS_DIR, ANSWERS_DIR):
            continue
        hint = "topic files go in topics/" if path.suffix in (".yml", ".yaml") else "not a content file"
        problems.append(
            f"{content_dir.name}/{path.name}: (file): this is not read ({hint}; the folder holds "
            f"{', '.join(CONTENT_FILES)} and {TOPICS_DIR}/)"
        )
    topics_dir = content_dir / TOPICS_DIR
    if topics_dir.is_dir():
        for path in sorted(topics_dir.iterdir()):
            if not path.name.startswith(".") and not (path.is_file() and path.suffix == ".yml"):
                problems.append(
                    f"{TOPICS_DIR}/{path.name}: (file): this is not read (one topic per <slug>.yml file "
                    f"directly in {TOPICS_DIR}/)"
                )


def _check_review_dates(content: Content, today: dt.date, problems: list[str]) -> None:
    """Content nobody has re-checked for a year after its review was due fails: guidance moves on."""
    for slug, topic in content.topics.items():
        if topic.next_review and topic.next_review < today - STALE_AFTER:
            problems.append(f"{slug}.yml: next_review: {topic.next_review} is more than a year past; review it")
    for answer in content.answers:
        if answer.next_review and answer.next_review < today - STALE_AFTER:
            problems.append(f"{ANSWERS_DIR}: {answer.id}: next_review: {answer.next_review} is more than a year past")


def load_content(content_dir: Path, today: dt.date | None = None, check_stale: bool = True) -> Content:
    """Read and validate a content folder; raise ContentError listing every problem found. Review dates are
    checked against `today` (the real date unless a test fixes it) unless check_stale is off."""
    content_dir = Path(content_dir)
    problems: list[str] = []
    if not content_dir.is_dir():
        raise ContentError([f"{content_dir}: content folder not found"])
    content = Content()
    _check_layout(content_dir, problems)

    sources = _collect(problems, content_dir / "sources.yml", "sources", _parse_source)
    _check_unique(problems, "sources.yml", "sources", [s.id for s in sources])
    content.sources = {s.id: s for s in sources}

    topic_files = sorted((content_dir / TOPICS_DIR).glob("*.yml"))
    if not topic_files:
        problems.append(f"{content_dir.name}/topics: no topic files found")
    for path in topic_files:
        topic = _parse_topic(path, problems)
        if topic is None:
            continue
        if topic.slug in content.topics:
            problems.append(f"{path.name}: slug: duplicate slug '{topic.slug}'")
        content.topics[topic.slug] = topic

    for optional_file, key, parse in (("myths.yml", "myths", _parse_myth), ("quiz.yml", "questions", _parse_question)):
        path = content_dir / optional_file
        if path.exists():
            items = _collect(problems, path, key, parse)
            _check_unique(problems, optional_file, key, [item.id for item in items])
            setattr(content, "myths" if key == "myths" else "quiz", items)
    for path in sorted((content_dir / ANSWERS_DIR).glob("*.yml")):
        content.answers.extend(_collect(problems, path, "answers", _parse_answer))
    _check_unique(problems, ANSWERS_DIR, "answers", [answer.id for answer in content.answers])
    if (content_dir / "tour.yml").exists():
        content.tour = [str(s) for s in _items(problems, content_dir / "tour.yml", "tour")]
    if (content_dir / "menu.yml").exists():
        content.menu_groups = _read_menu(problems, content_dir / "menu.yml")

    _check_references(content, problems)
    _check_menu(content, problems)
    _check_examples(content, problems)
    if check_stale:
        _check_review_dates(content, today or dt.date.today(), problems)
    if problems:
        raise ContentError(problems)
    return content
