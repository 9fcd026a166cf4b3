"""Content validation: every problem is reported, and each message names the file and the field.

Broken folders are copies of tests/fixtures/content (a minimal valid folder) with one thing changed.
Problems have the form "<file>: <field path>: <message>".
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from knowledge.content import TOPIC_SLUGS, VERDICTS, ContentError, load_content
from knowledge.settings import CONTENT_DIR
from tests.unit.conftest import FIXTURE_CONTENT, edit_yaml, read_yaml, write_yaml


def problems_of(content_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_content(content_dir)
    problems = raised.value.problems
    assert problems, "ContentError must list at least one problem"
    for problem in problems:  # the exception text lists every problem too
        assert problem in str(raised.value)
    return problems


def assert_problem(problems: list[str], file: str, field: str, *words: str) -> str:
    """Exactly one kind of problem must name `file` and `field` (in that order) and contain every word."""
    prefix = f"{file}: {field}: "
    found = [p for p in problems if p.startswith(prefix) and all(w in p for w in words)]
    assert found, f"no problem starting with {prefix!r} containing {words!r} in:\n" + "\n".join(problems)
    return found[0]


def topic_file(content_dir: Path, slug: str) -> Path:
    return content_dir / "topics" / f"{slug}.yml"


# -- the fixture itself --------------------------------------------------------------------------------


def test_fixture_content_is_valid_and_complete():
    content = load_content(FIXTURE_CONTENT)
    assert set(content.topics) == {"fibre", "microbes", "skin"}
    assert len(content.sources) == 3
    assert [m.id for m in content.myths] == ["fibre_cures_eczema"]
    assert [q.id for q in content.quiz] == ["fibre_fate", "skin_basis"]
    assert content.tour == ["microbes", "fibre"]
    assert content.menu == ["microbes", "skin", "fibre"]
    fibre = content.topics["fibre"]
    assert fibre.last_reviewed == dt.date(2026, 1, 15)
    assert fibre.related == ("microbes", "skin")
    assert fibre.glossary[0].synonyms == ("fiber", "dietary fibre", "roughage")
    assert content.topics["skin"].children_note is None


def test_text_is_reflowed_but_paragraphs_are_kept():
    fibre = load_content(FIXTURE_CONTENT).topics["fibre"]
    assert "\n" not in fibre.short_answer  # folded '>-' text: one line
    paragraphs = fibre.detailed_answer.split("\n\n")
    assert len(paragraphs) == 2 and all("\n" not in p for p in paragraphs)
    assert paragraphs[0].startswith("Fibre reaches the large bowel undigested, where gut microbes ferment it into")


# -- files that are not YAML or not shaped right -------------------------------------------------------


@pytest.mark.parametrize("relative", ["topics/fibre.yml", "sources.yml", "myths.yml", "quiz.yml", "menu.yml"])
def test_invalid_yaml_names_the_file_and_the_line(content_dir: Path, relative: str):
    path = content_dir / relative
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "\tbroken: a tab cannot start a YAML token")  # becomes line 3
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = assert_problem(problems_of(content_dir), path.name, "line 3", "invalid YAML")
    assert "\\t" in problem or "tab" in problem or "token" in problem


def test_unterminated_list_reports_the_line_where_yaml_gives_up(content_dir: Path):
    path = topic_file(content_dir, "microbes")
    text = path.read_text(encoding="utf-8").replace("related: [fibre, skin]", "related: [fibre, skin")
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("related:")) + 1
    assert_problem(problems_of(content_dir), "microbes.yml", f"line {line}", "invalid YAML")


def test_topic_that_is_not_a_mapping(content_dir: Path):
    write_yaml(topic_file(content_dir, "skin"), ["just", "a", "list"])
    assert_problem(problems_of(content_dir), "skin.yml", "(top level)", "must be a mapping", "list")


def test_sources_file_without_the_top_level_list(content_dir: Path):
    write_yaml(content_dir / "sources.yml", {"references": []})
    assert_problem(problems_of(content_dir), "sources.yml", "sources", "missing", "top-level list")


def test_missing_sources_file_is_reported(content_dir: Path):
    (content_dir / "sources.yml").unlink()
    problems = problems_of(content_dir)
    assert any(p.startswith("sources.yml: cannot read") for p in problems), problems


def test_folder_without_topic_files(content_dir: Path):
    shutil.rmtree(content_dir / "topics")
    problems = problems_of(content_dir)
    assert any(p.startswith("content/topics: ") and "no topic files" in p for p in problems), problems


def test_missing_content_folder(tmp_path: Path):
    missing = tmp_path / "nowhere"
    problems = problems_of(missing)
    assert problems == [f"{missing}: content folder not found"]


# -- required and empty fields ---------------------------------------------------------------------------

TOPIC_TEXT_FIELDS = [
    "slug",
    "title",
    "evidence_level",
    "short_answer",
    "detailed_answer",
    "plain_answer",
    "evidence_summary",
]


@pytest.mark.parametrize("field", TOPIC_TEXT_FIELDS)
def test_topic_missing_required_text_field(content_dir: Path, field: str):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.pop(field))
    assert_problem(problems_of(content_dir), "fibre.yml", field, "missing or empty")


@pytest.mark.parametrize("field", TOPIC_TEXT_FIELDS)
@pytest.mark.parametrize("empty", ["", "   ", None])
def test_topic_empty_text_field(content_dir: Path, field: str, empty):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.update({field: empty}))
    assert_problem(problems_of(content_dir), "fibre.yml", field, "missing or empty")


def test_optional_children_note_may_be_missing(content_dir: Path):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.pop("children_note"))
    assert load_content(content_dir).topics["fibre"].children_note is None


@pytest.mark.parametrize("field", ["key_points", "related", "sources"])
def test_topic_missing_required_list(content_dir: Path, field: str):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.pop(field))
    assert_problem(problems_of(content_dir), "fibre.yml", field, "missing")


@pytest.mark.parametrize("field, words", [("key_points", "at least one key point"), ("sources", "at least one source")])
def test_topic_empty_required_list(content_dir: Path, field: str, words: str):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.update({field: []}))
    assert_problem(problems_of(content_dir), "fibre.yml", field, words)


@pytest.mark.parametrize("bad", ["one point as plain text", ["fine", ""], ["fine", {"nested": "mapping"}]])
def test_topic_list_with_wrong_items(content_dir: Path, bad):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.update({"key_points": bad}))
    assert_problem(problems_of(content_dir), "fibre.yml", "key_points", "list of non-empty texts")


@pytest.mark.parametrize("bad", ["2026-13-45", "last tuesday"])
def test_topic_bad_review_date(content_dir: Path, bad):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.update({"last_reviewed": bad}))
    assert_problem(problems_of(content_dir), "fibre.yml", "last_reviewed", "must be a date")


def test_topic_without_review_date(content_dir: Path):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.update({"last_reviewed": None}))
    assert_problem(problems_of(content_dir), "fibre.yml", "last_reviewed", "missing", "a date like")


def test_topic_text_field_of_wrong_type(content_dir: Path):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.update({"title": ["a", "list"]}))
    assert_problem(problems_of(content_dir), "fibre.yml", "title", "must be text", "list")


@pytest.mark.parametrize("glossary", [None, [], "fibre"])
def test_topic_glossary_missing_or_empty(content_dir: Path, glossary):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.update({"glossary": glossary}))
    assert_problem(problems_of(content_dir), "fibre.yml", "glossary", "non-empty list")


def test_glossary_entry_without_term(content_dir: Path):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d["glossary"][1].update({"term": " "}))
    assert_problem(problems_of(content_dir), "fibre.yml", "glossary[1].term", "missing or empty")


def test_glossary_synonyms_must_be_texts(content_dir: Path):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d["glossary"][0].update({"synonyms": "fiber"}))
    assert_problem(problems_of(content_dir), "fibre.yml", "glossary[0].synonyms", "list of non-empty texts")


@pytest.mark.parametrize("field", ["id", "authors", "title", "study_design", "evidence_note"])
def test_source_missing_required_field(content_dir: Path, field: str):
    edit_yaml(content_dir / "sources.yml", lambda d: d["sources"][1].pop(field))
    assert_problem(problems_of(content_dir), "sources.yml", f"sources[1].{field}", "missing or empty")


def test_source_may_declare_its_authors_unknown_instead_of_guessing(content_dir: Path):
    def unknown_authors(data):
        data["sources"][1].pop("authors")
        data["sources"][1]["authors_unknown"] = True

    edit_yaml(content_dir / "sources.yml", unknown_authors)
    content = load_content(content_dir)
    source = list(content.sources.values())[1]
    assert source.authors == ""


@pytest.mark.parametrize("field", ["authors", "title", "evidence_note"])
def test_source_empty_required_field(content_dir: Path, field: str):
    edit_yaml(content_dir / "sources.yml", lambda d: d["sources"][2].update({field: ""}))
    assert_problem(problems_of(content_dir), "sources.yml", f"sources[2].{field}", "missing or empty")


@pytest.mark.parametrize("index", [0, 1, 2])
def test_source_without_pmid_doi_or_url(content_dir: Path, index: int):
    def strip_identifiers(data):
        for key in ("pmid", "doi", "url"):
            data["sources"][index].pop(key, None)

    edit_yaml(content_dir / "sources.yml", strip_identifiers)
    assert_problem(problems_of(content_dir), "sources.yml", f"sources[{index}].pmid", "PMID", "DOI", "URL")


def test_source_with_empty_identifiers_counts_as_without(content_dir: Path):
    edit_yaml(content_dir / "sources.yml", lambda d: d["sources"][2].update({"url": "  ", "doi": None}))
    assert_problem(problems_of(content_dir), "sources.yml", "sources[2].pmid", "needs a PMID, a DOI or a URL")


@pytest.mark.parametrize("field", ["id", "claim", "verdict", "correction", "topic"])
def test_myth_missing_required_field(content_dir: Path, field: str):
    edit_yaml(content_dir / "myths.yml", lambda d: d["myths"][0].pop(field))
    assert_problem(problems_of(content_dir), "myths.yml", f"myths[0].{field}", "missing")


@pytest.mark.parametrize("field", ["phrasings", "sources"])
def test_myth_missing_required_list(content_dir: Path, field: str):
    edit_yaml(content_dir / "myths.yml", lambda d: d["myths"][0].pop(field))
    assert_problem(problems_of(content_dir), "myths.yml", f"myths[0].{field}", "missing")


@pytest.mark.parametrize("field", ["id", "topic", "question", "answer", "explanation"])
def test_quiz_missing_required_field(content_dir: Path, field: str):
    edit_yaml(content_dir / "quiz.yml", lambda d: d["questions"][1].pop(field))
    assert_problem(problems_of(content_dir), "quiz.yml", f"questions[1].{field}", "missing")


# -- slugs and ids ----------------------------------------------------------------------------------------


def test_slug_must_equal_file_name(content_dir: Path):
    edit_yaml(topic_file(content_dir, "skin"), lambda d: d.update({"slug": "skin_care"}))
    assert_problem(problems_of(content_dir), "skin.yml", "slug", "'skin_care'", "file name 'skin'")


def test_two_files_declaring_the_same_slug(content_dir: Path):
    # fibre_copy.yml declares slug 'fibre', as fibre.yml does: a duplicate, and a slug that is not its file name.
    shutil.copy(topic_file(content_dir, "fibre"), topic_file(content_dir, "fibre_copy"))
    problems = problems_of(content_dir)
    assert_problem(problems, "fibre_copy.yml", "slug", "duplicate slug 'fibre'")
    assert_problem(problems, "fibre_copy.yml", "slug", "'fibre' must equal the file name 'fibre_copy'")
    assert not any(p.startswith("fibre.yml: slug:") for p in problems), "the first file to claim a slug is fine"


def test_slug_must_be_lower_case_snake(content_dir: Path):
    path = topic_file(content_dir, "Fibre-Basics")
    shutil.copy(topic_file(content_dir, "fibre"), path)
    edit_yaml(path, lambda d: d.update({"slug": "Fibre-Basics"}))
    assert_problem(problems_of(content_dir), "Fibre-Basics.yml", "slug", "lower case letters")


def test_duplicate_source_id(content_dir: Path):
    edit_yaml(content_dir / "sources.yml", lambda d: d["sources"][2].update({"id": "smith2020_fibre_trial"}))
    assert_problem(problems_of(content_dir), "sources.yml", "sources", "duplicate id 'smith2020_fibre_trial'")


def test_duplicate_myth_id(content_dir: Path):
    edit_yaml(content_dir / "myths.yml", lambda d: d["myths"].append(dict(d["myths"][0])))
    assert_problem(problems_of(content_dir), "myths.yml", "myths", "duplicate id 'fibre_cures_eczema'")


def test_duplicate_quiz_id(content_dir: Path):
    edit_yaml(content_dir / "quiz.yml", lambda d: d["questions"][1].update({"id": "fibre_fate"}))
    assert_problem(problems_of(content_dir), "quiz.yml", "questions", "duplicate id 'fibre_fate'")


# -- references between files ------------------------------------------------------------------------------


def test_topic_citing_unknown_source(content_dir: Path):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d["sources"].append("nobody2001_made_up"))
    assert_problem(problems_of(content_dir), "fibre.yml", "sources[2]", "unknown source 'nobody2001_made_up'")


def test_related_topic_that_does_not_exist(content_dir: Path):
    edit_yaml(topic_file(content_dir, "skin"), lambda d: d.update({"related": ["microbes", "hair"]}))
    assert_problem(problems_of(content_dir), "skin.yml", "related[1]", "unknown topic 'hair'")


def test_topic_related_to_itself(content_dir: Path):
    edit_yaml(topic_file(content_dir, "skin"), lambda d: d.update({"related": ["skin"]}))
    assert_problem(problems_of(content_dir), "skin.yml", "related[0]", "itself")


def test_myth_with_unknown_topic(content_dir: Path):
    edit_yaml(content_dir / "myths.yml", lambda d: d["myths"][0].update({"topic": "hair"}))
    assert_problem(problems_of(content_dir), "myths.yml", "myths[0].topic", "unknown topic 'hair'")


def test_myth_with_unknown_source(content_dir: Path):
    edit_yaml(
        content_dir / "myths.yml", lambda d: d["myths"][0].update({"sources": ["smith2020_fibre_trial", "ghost2000"]})
    )
    assert_problem(problems_of(content_dir), "myths.yml", "myths[0].sources[1]", "unknown source 'ghost2000'")


@pytest.mark.parametrize("verdict", ["true", "maybe", "False"])
def test_myth_with_bad_verdict(content_dir: Path, verdict: str):
    edit_yaml(content_dir / "myths.yml", lambda d: d["myths"][0].update({"verdict": verdict}))
    problem = assert_problem(problems_of(content_dir), "myths.yml", "myths[0].verdict", f"'{verdict}'")
    assert all(v in problem for v in VERDICTS)


def test_myth_with_unquoted_false_verdict_is_rejected(content_dir: Path):
    # Bare `false` is a YAML boolean, not the text "false" (the README warns about it).
    path = content_dir / "myths.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('verdict: "false"', "verdict: false"), encoding="utf-8")
    assert read_yaml(path)["myths"][0]["verdict"] is False
    assert_problem(problems_of(content_dir), "myths.yml", "myths[0].verdict", "must be one of")


@pytest.mark.parametrize("answer", ["c", "A", "gut microbes ferment it"])
def test_quiz_answer_not_among_choices(content_dir: Path, answer: str):
    edit_yaml(content_dir / "quiz.yml", lambda d: d["questions"][0].update({"answer": answer}))
    assert_problem(problems_of(content_dir), "quiz.yml", "questions[0].answer", f"'{answer}'", "not one of the choices")


@pytest.mark.parametrize("choices", [{"a": "only one"}, ["a", "b"], None])
def test_quiz_needs_two_choices(content_dir: Path, choices):
    edit_yaml(content_dir / "quiz.yml", lambda d: d["questions"][1].update({"choices": choices}))
    assert_problem(problems_of(content_dir), "quiz.yml", "questions[1].choices", "at least two")


def test_quiz_question_with_unknown_topic(content_dir: Path):
    edit_yaml(content_dir / "quiz.yml", lambda d: d["questions"][1].update({"topic": "hair"}))
    assert_problem(problems_of(content_dir), "quiz.yml", "questions[1].topic", "unknown topic 'hair'")


def test_tour_with_unknown_topic(content_dir: Path):
    edit_yaml(content_dir / "tour.yml", lambda d: d["tour"].append("hair"))
    index = len(read_yaml(content_dir / "tour.yml")["tour"]) - 1
    assert_problem(problems_of(content_dir), "tour.yml", f"tour[{index}]", "unknown topic 'hair'")


# -- the topic menu: groups of topics ---------------------------------------------------------------------


def test_fixture_menu_groups():
    groups = load_content(FIXTURE_CONTENT).menu_groups
    assert [(g.id, g.title, g.topics) for g in groups] == [
        ("microbes_and_skin", "Microbes and skin", ("microbes", "skin")),
        ("food", "Food", ("fibre",)),
    ]


def test_menu_with_unknown_topic(content_dir: Path):
    edit_yaml(content_dir / "menu.yml", lambda d: d["menu"][1]["topics"].append("hair"))
    problems = problems_of(content_dir)
    assert_problem(problems, "menu.yml", "menu[1].topics[1]", "unknown topic 'hair'")
    assert len(problems) == 1


def test_topic_missing_from_every_menu_group(content_dir: Path):
    edit_yaml(content_dir / "menu.yml", lambda d: d["menu"][0]["topics"].remove("skin"))
    problems = problems_of(content_dir)
    assert_problem(problems, "menu.yml", "menu", "topic 'skin' is in no group", "cannot reach it")
    assert len(problems) == 1


@pytest.mark.parametrize("key", ["id", "title", "topics"])
def test_menu_group_without_a_required_field(content_dir: Path, key: str):
    edit_yaml(content_dir / "menu.yml", lambda d: d["menu"][1].pop(key))
    problems = problems_of(content_dir)
    assert_problem(problems, "menu.yml", f"menu[1].{key}", "missing")
    if key != "topics":  # the group's topics still count: they are not also reported as unreachable
        assert len(problems) == 1


def test_menu_group_with_no_topics(content_dir: Path):
    edit_yaml(content_dir / "menu.yml", lambda d: d["menu"].append({"id": "empty", "title": "Empty", "topics": []}))
    assert_problem(problems_of(content_dir), "menu.yml", "menu[2].topics", "at least one topic")


def test_duplicate_menu_group_id(content_dir: Path):
    edit_yaml(content_dir / "menu.yml", lambda d: d["menu"][1].update(id="microbes_and_skin"))
    problems = problems_of(content_dir)
    assert_problem(problems, "menu.yml", "menu[1].id", "duplicate group id 'microbes_and_skin'")
    assert len(problems) == 1


def test_topic_in_two_menu_groups(content_dir: Path):
    edit_yaml(content_dir / "menu.yml", lambda d: d["menu"][1]["topics"].insert(0, "skin"))
    problems = problems_of(content_dir)
    assert_problem(problems, "menu.yml", "menu[1].topics[0]", "'skin'", "already in group 'microbes_and_skin'")
    assert len(problems) == 1


def test_menu_group_id_must_be_a_slug(content_dir: Path):
    edit_yaml(content_dir / "menu.yml", lambda d: d["menu"][1].update(id="Food and diet"))
    assert_problem(problems_of(content_dir), "menu.yml", "menu[1].id", "lower case letters")


def test_menu_group_title_is_a_short_button_label(content_dir: Path):
    edit_yaml(content_dir / "menu.yml", lambda d: d["menu"][1].update(title="Food, " * 10))
    assert_problem(problems_of(content_dir), "menu.yml", "menu[1].title", "button label", "at most")


def test_unknown_menu_group_key_is_named(content_dir: Path):
    edit_yaml(content_dir / "menu.yml", lambda d: d["menu"][0].update(topic=["skin"]))
    problem = assert_problem(problems_of(content_dir), "menu.yml", "menu[0].topic", "unknown key")
    assert "topics" in problem


def test_the_old_flat_menu_is_named_as_such(content_dir: Path):
    write_yaml(content_dir / "menu.yml", {"menu": ["microbes", "skin", "fibre"]})
    problem = assert_problem(problems_of(content_dir), "menu.yml", "menu[0]", "'microbes' is a topic")
    assert "id, title, topics" in problem


def test_every_problem_is_reported_not_only_the_first(content_dir: Path):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.update({"title": "", "related": ["hair"]}))
    edit_yaml(content_dir / "quiz.yml", lambda d: d["questions"][0].update({"answer": "z"}))
    edit_yaml(content_dir / "sources.yml", lambda d: d["sources"][0].pop("pmid"))
    problems = problems_of(content_dir)
    assert_problem(problems, "fibre.yml", "title", "missing or empty")
    assert_problem(problems, "fibre.yml", "related[0]", "unknown topic 'hair'")
    assert_problem(problems, "quiz.yml", "questions[0].answer", "'z'")
    assert_problem(problems, "sources.yml", "sources[0].pmid", "needs a PMID")
    assert len(problems) == 4


# -- keys and files the loader would not read ------------------------------------------------------------


def test_misspelt_topic_key_is_named_with_the_key_it_resembles(content_dir: Path):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.update(childrens_note="Babies too."))
    problem = assert_problem(problems_of(content_dir), "fibre.yml", "childrens_note", "unknown key")
    assert "children_note" in problem


@pytest.mark.parametrize(
    "file, key, index_path, extra",
    [
        ("sources.yml", "sources", "sources[0]", "pubmed_id"),
        ("myths.yml", "myths", "myths[0]", "verdikt"),
        ("quiz.yml", "questions", "questions[0]", "answers"),
    ],
)
def test_unknown_keys_in_sources_myths_and_quiz_are_named(content_dir: Path, file, key, index_path, extra):
    edit_yaml(content_dir / file, lambda d: d[key][0].update({extra: "x"}))
    assert_problem(problems_of(content_dir), file, f"{index_path}.{extra}", "unknown key")


def test_unknown_glossary_key_is_named(content_dir: Path):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d["glossary"][0].update(synonym=["fibres"]))
    problem = assert_problem(problems_of(content_dir), "fibre.yml", "glossary[0].synonym", "unknown key")
    assert "synonyms" in problem


def test_unknown_top_level_key_of_a_list_file_is_named(content_dir: Path):
    edit_yaml(content_dir / "myths.yml", lambda d: d.update(myth=[]))
    assert_problem(problems_of(content_dir), "myths.yml", "myth", "unknown top-level key")


def test_source_may_record_how_it_was_verified(content_dir: Path):
    edit_yaml(content_dir / "sources.yml", lambda d: d["sources"][0].update(verification="checked on PubMed"))
    assert load_content(content_dir).sources


def test_topic_file_outside_the_topics_folder_is_named(content_dir: Path):
    shutil.copy(topic_file(content_dir, "fibre"), content_dir / "fibre.yml")
    problem = assert_problem(problems_of(content_dir), "content/fibre.yml", "(file)", "this is not read")
    assert "topics/" in problem


@pytest.mark.parametrize("name", ["fibre.yaml", "fibre.yml.bak", "old/fibre.yml"])
def test_files_in_the_topics_folder_that_are_not_read_are_named(content_dir: Path, name: str):
    target = content_dir / "topics" / name
    target.parent.mkdir(exist_ok=True)
    shutil.copy(topic_file(content_dir, "skin"), target)
    assert_problem(problems_of(content_dir), f"topics/{name.split('/')[0]}", "(file)", "this is not read")


def test_optional_files_may_be_absent(content_dir: Path):
    for name in ("myths.yml", "quiz.yml", "tour.yml", "menu.yml"):
        (content_dir / name).unlink()
    content = load_content(content_dir)
    assert (content.myths, content.quiz, content.tour, content.menu_groups, content.menu) == ([], [], [], [], [])
    assert len(content.topics) == 3


# -- the project's real content -----------------------------------------------------------------------------


def test_real_content_validates_with_every_contract_topic():
    content = load_content(CONTENT_DIR)
    assert len(TOPIC_SLUGS) == 41 and len(set(TOPIC_SLUGS)) == 41
    assert set(content.topics) == set(TOPIC_SLUGS)
    assert sorted(content.menu) == sorted(TOPIC_SLUGS)
    assert set(content.tour) <= set(TOPIC_SLUGS)
    for slug, topic in content.topics.items():
        assert (CONTENT_DIR / "topics" / f"{slug}.yml").is_file()
        assert topic.glossary and topic.sources and topic.key_points, slug
        assert len(topic.related) >= 2, f"{slug}: the README asks for at least two related topics"


@pytest.mark.parametrize("relative", ["topics/fibre.yml", "sources.yml", "myths.yml"])
def test_empty_file_is_reported(content_dir: Path, relative: str):
    target = content_dir / relative
    target.write_text("")
    assert_problem(problems_of(content_dir), target.name, "(top level)", "empty")


# -- example questions (NLU training data for the topic classifier) -----------------------------------------


def test_topic_without_examples_is_reported(content_dir: Path):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.pop("examples"))
    assert_problem(problems_of(content_dir), "fibre.yml", "examples", "missing")


def test_topic_with_too_few_examples_is_reported(content_dir: Path):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.update(examples=["what is fibre"]))
    assert_problem(problems_of(content_dir), "fibre.yml", "examples", "at least")


def test_the_same_example_in_two_topics_is_reported(content_dir: Path):
    shared = read_yaml(topic_file(content_dir, "fibre"))["examples"][0]
    edit_yaml(topic_file(content_dir, "skin"), lambda d: d["examples"].append(shared.upper()))
    assert_problem(problems_of(content_dir), "skin.yml", "examples[5]", "also an example of 'fibre'")


def test_optional_adults_note_reaches_the_topic(content_dir: Path):
    edit_yaml(topic_file(content_dir, "fibre"), lambda d: d.update(adults_note="Adults: little is known."))
    assert load_content(content_dir).topics["fibre"].adults_note == "Adults: little is known."


# -- specific answers (answers/*.yml) ---------------------------------------------------------------------


def answers_file(content_dir: Path) -> Path:
    return content_dir / "answers" / "fibre.yml"


def test_fixture_answers_are_read():
    content = load_content(FIXTURE_CONTENT)
    [answer] = content.answers
    assert answer.id == "fibre_for_toddlers" and answer.topic == "fibre" and answer.audience == "parent"
    assert answer.wordings[0] == answer.question and len(answer.asks) == 3
    assert answer.why is not None and "\n" not in answer.answer


@pytest.mark.parametrize("field", ["id", "topic", "question", "answer"])
def test_answer_missing_required_field(content_dir: Path, field: str):
    edit_yaml(answers_file(content_dir), lambda d: d["answers"][0].pop(field))
    assert_problem(problems_of(content_dir), "fibre.yml", f"answers[0].{field}", "missing")


def test_answer_with_too_few_wordings(content_dir: Path):
    edit_yaml(answers_file(content_dir), lambda d: d["answers"][0].update({"asks": ["fibre?"]}))
    assert_problem(problems_of(content_dir), "fibre.yml", "answers[0].asks", "at least 3")


def test_answer_too_long(content_dir: Path):
    edit_yaml(answers_file(content_dir), lambda d: d["answers"][0].update({"answer": "word " * 200}))
    assert_problem(problems_of(content_dir), "fibre.yml", "answers[0].answer", "got 200")


def test_answer_for_an_unknown_audience(content_dir: Path):
    edit_yaml(answers_file(content_dir), lambda d: d["answers"][0].update({"audience": "grandparents"}))
    assert_problem(problems_of(content_dir), "fibre.yml", "answers[0].audience", "grandparents")


def test_answer_with_unknown_topic_and_source(content_dir: Path):
    edit_yaml(answers_file(content_dir), lambda d: d["answers"][0].update({"topic": "hair", "sources": ["ghost2000"]}))
    problems = problems_of(content_dir)
    assert_problem(problems, "answers", "answer 'fibre_for_toddlers': topic", "unknown topic 'hair'")
    assert_problem(problems, "answers", "answer 'fibre_for_toddlers': sources[0]", "unknown source 'ghost2000'")


def test_answer_ids_are_unique_across_files(content_dir: Path):
    (content_dir / "answers" / "copy.yml").write_text(answers_file(content_dir).read_text(encoding="utf-8"))
    assert_problem(problems_of(content_dir), "answers", "answers", "duplicate id 'fibre_for_toddlers'")
