"""Channel-neutral reply texts: citation lines say where their link goes."""

from __future__ import annotations

import pytest

from actions.replies import source_line
from knowledge.content import Source


def source(**fields) -> Source:
    base = dict(
        id="s",
        authors="Doe J",
        year=2020,
        title="A study.",
        journal="J Skin",
        pmid=None,
        doi=None,
        url=None,
        study_design="cohort",
        evidence_note="small",
    )
    return Source(**{**base, **fields})


@pytest.mark.parametrize(
    "fields, label, url",
    [
        (dict(doi="10.1/x", url="https://doi.org/10.1/x", pmid="123"), "doi:10.1/x", "https://doi.org/10.1/x"),
        (
            dict(pmid="123", url="https://pubmed.ncbi.nlm.nih.gov/123/"),
            "PubMed",
            "https://pubmed.ncbi.nlm.nih.gov/123/",
        ),
        (dict(url="https://www.nice.org.uk/guidance/ng190"), "source page", "https://www.nice.org.uk/guidance/ng190"),
        (dict(doi="10.1/y"), "doi:10.1/y", "https://doi.org/10.1/y"),
    ],
)
def test_citation_line_links_with_a_truthful_label(fields, label, url):
    line = source_line(source(**fields))
    assert line.startswith("- Doe J (2020). A study. J Skin.")
    assert f"[{label}]({url})" in line and line.endswith("_cohort_")
    assert ("PMID 123." in line) == bool(fields.get("pmid"))


def test_citation_line_without_any_link_has_no_brackets():
    assert "](" not in source_line(source(pmid="123"))


def test_a_source_with_unknown_authors_is_cited_by_its_title():
    assert source(authors="").reference() == "A study (2020). J Skin."
    assert source(authors="", year=None).reference() == "A study. J Skin."
