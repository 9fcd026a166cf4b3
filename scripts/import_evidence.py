"""Convert ../shared/evidence/evidence.yaml into data/knowledge/sources.yml.

Run once when the evidence base changes; the output is curated content and is committed.
Only citation data is carried over (never the evidence base's prose findings).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVIDENCE = ROOT.parent / "shared" / "evidence" / "evidence.yaml"
OUTPUT = ROOT / "data" / "knowledge" / "sources.yml"


def _identifier(raw: object, pattern: str) -> str | None:
    match = re.search(pattern, str(raw or ""))
    return match.group(0) if match else None


def convert(entry: dict) -> dict:
    citation = entry.get("citation", {})
    pmid = _identifier(entry.get("pmid"), r"\b\d{5,9}\b")
    doi = _identifier(entry.get("doi"), r"10\.\d{4,9}/\S+")
    if doi:
        doi = doi.rstrip(".,;)")
    url: str | None
    if doi:
        url = f"https://doi.org/{doi}"
    elif pmid:
        url = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    else:
        url = entry.get("url")
    year = citation.get("year")
    return {
        "id": entry["id"],
        "authors": citation.get("authors"),
        "year": year if isinstance(year, int) else None,
        "title": citation.get("title"),
        "journal": citation.get("journal"),
        "pmid": pmid,
        "doi": doi,
        "url": url,
        "study_design": entry.get("study_design"),
        "evidence_note": entry.get("evidence_strength"),
        "verification": entry.get("verification"),
    }


def main(argv: list[str]) -> int:
    evidence_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_EVIDENCE
    entries = yaml.safe_load(evidence_path.read_text(encoding="utf-8"))
    sources = [convert(e) for e in entries if e.get("verification") != "unverified"]
    header = (
        "# Citation data for every source the content rests on.\n"
        "# Generated from the project's verified evidence base by scripts/import_evidence.py,\n"
        "# then curated by hand. Unverified entries of the evidence base are left out.\n"
    )
    OUTPUT.write_text(
        header + yaml.safe_dump({"sources": sources}, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8"
    )
    print(f"wrote {len(sources)} sources to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
