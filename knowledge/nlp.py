"""The project's spaCy pipeline, loaded once per process.

spaCy's thinc imports TensorFlow and h5py when they are installed (Rasa installs both), which costs about
460 MB and two seconds in processes that never use them (action server, command line). Unless TensorFlow is
already loaded (as in the Rasa server), spaCy is imported with both hidden; only thinc's optional TensorFlow
and MXNet wrappers and their HDF5 files are lost, which this project does not use.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

# The project's packaged pipeline (tokenizer + lookup lemmatizer, no vectors); built by scripts/build_spacy.py.
PIPELINE_PACKAGE = "en_gsa_lookup"


def _import_spacy():
    if "spacy" in sys.modules or "tensorflow" in sys.modules:
        import spacy

        return spacy
    hidden = [name for name in ("tensorflow", "h5py") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import <name>` raise ImportError inside thinc
    try:
        import spacy
    finally:
        for name in hidden:
            del sys.modules[name]
    return spacy


spacy = _import_spacy()


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The installed project pipeline, or an equivalent built on the fly (blank English + lookup lemmas)."""
    try:
        return spacy.load(PIPELINE_PACKAGE)
    except OSError:
        nlp = spacy.blank("en")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        return nlp
