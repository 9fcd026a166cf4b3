"""A content folder N times the real one, for the knowledge store's benchmark.

Copy k of every topic, source, myth and quiz question gets ids ending in `_x<k>`, and its glossary phrases,
myth wording and example questions end in ` v<k>`, so every copy is valid content of its own (unique ids,
phrases and examples) that shares the real content's vocabulary: lookups meet N times as many candidates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _read(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)


def _write(path: Path, data: Any) -> None:
    path.write_text(yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _copy_topic(topic: dict, k: int) -> dict:
    suffix, words = f"_x{k}", f" v{k}"
    return {
        **topic,
        "slug": topic["slug"] + suffix,
        "title": f"{topic['title']} (copy {k})",
        "related": [s + suffix for s in topic.get("related", [])],
        "sources": [s + suffix for s in topic.get("sources", [])],
        "examples": [e + words for e in topic.get("examples", [])],
        "glossary": [
            {**g, "term": f"{g['term']}{words}", "synonyms": [f"{s}{words}" for s in g.get("synonyms", [])]}
            for g in topic.get("glossary", [])
        ],
    }


def write_scaled_content(source: Path, target: Path, factor: int) -> int:
    """Write `factor` copies of the content folder `source` into `target`; the number of topics written."""
    (target / "topics").mkdir(parents=True, exist_ok=True)
    topics = [_read(path) for path in sorted((source / "topics").glob("*.yml"))]
    menu = _read(source / "menu.yml")["menu"]
    sources = _read(source / "sources.yml")["sources"]
    myths = _read(source / "myths.yml")["myths"]
    questions = _read(source / "quiz.yml")["questions"]
    all_sources, all_myths, all_questions, all_menu = [], [], [], []
    for k in range(factor):
        suffix, words = (f"_x{k}", f" v{k}") if k else ("", "")
        for topic in topics:
            copy = _copy_topic(topic, k) if k else topic
            _write(target / "topics" / f"{copy['slug']}.yml", copy)
        all_menu += [{**g, "id": g["id"] + suffix, "topics": [t + suffix for t in g["topics"]]} for g in menu]
        all_sources += [{**s, "id": s["id"] + suffix} for s in sources]
        all_myths += [
            {
                **m,
                "id": m["id"] + suffix,
                "topic": m["topic"] + suffix,
                "claim": m["claim"] + words,
                "phrasings": [p + words for p in m.get("phrasings", [])],
                "sources": [s + suffix for s in m.get("sources", [])],
            }
            for m in myths
        ]
        all_questions += [{**q, "id": q["id"] + suffix, "topic": q["topic"] + suffix} for q in questions]
    _write(target / "sources.yml", {"sources": all_sources})
    _write(target / "myths.yml", {"myths": all_myths})
    _write(target / "quiz.yml", {"questions": all_questions})
    _write(target / "menu.yml", {"menu": all_menu})
    _write(target / "tour.yml", _read(source / "tour.yml"))
    return len(topics) * factor
