"""The project's spaCy pipeline, loaded once per process.

spaCy's thinc imports TensorFlow when it is installed (Rasa installs it), which costs about 450 MB and two
seconds in processes that never use it (action server, command line). Unless TensorFlow is already loaded
(as in the Rasa server), spaCy is imported with TensorFlow hidden; only thinc's optional TensorFlow
wrappers are lost, which this project does not use.
"""
from __future__ import annotations

import sys
from functools import lru_cache

# The project's packaged pipeline (tokenizer + lookup lemmatizer, no vectors); built by scripts/build_spacy.py.
PIPELINE_PACKAGE = "en_gsa_lookup"


def _import_spacy():
    if "spacy" in sys.modules or "tensorflow" in sys.modules:
        import spacy
        return spacy
    sys.modules["tensorflow"] = None  # makes `import tensorflow` raise ImportError inside thinc
    try:
        import spacy
    finally:
        del sys.modules["tensorflow"]
    return spacy


spacy = _import_spacy()


@lru_cache(maxsize=1)
def load_pipeline() -> "spacy.language.Language":
    """The installed project pipeline, or an equivalent built on the fly (blank English + lookup lemmas)."""
    try:
        return spacy.load(PIPELINE_PACKAGE)
    except OSError:
        nlp = spacy.blank("en")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        return nlp
