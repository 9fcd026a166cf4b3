"""Build the project's spaCy pipeline (blank English tokenizer + lookup lemmatizer) as a pip package.

No model can be downloaded here, so the pipeline is made from spaCy itself and spacy-lookups-data, then
packaged as `en_gsa_lookup` so that config.yml can name it independently of the current directory.
Usage: python scripts/build_spacy.py OUTPUT_DIR   (prints the package folder to pip install)
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy
from spacy.cli.package import package

NAME, VERSION = "gsa_lookup", "1.0.0"


def main(output: Path) -> int:
    pipeline_dir = output / "pipeline"
    pipeline_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta.update(
        {
            "name": NAME,
            "version": VERSION,
            "description": "Tokenizer and lookup lemmatizer for the gut-skin axis assistant",
        }
    )
    nlp.to_disk(pipeline_dir)
    packages = output / "packages"
    packages.mkdir(parents=True, exist_ok=True)
    # spaCy's CLI entry point breaks with the click version Rasa pulls in; its function works.
    package(pipeline_dir, packages, name=NAME, version=VERSION, create_sdist=False, force=True, silent=True)
    print(packages / f"en_{NAME}-{VERSION}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve()))
