"""Train a Rasa model only when none matches the current training inputs; print the model's path.

The model is named after a fingerprint of everything training reads (config, domain, NLU and dialogue
data, the NLU data generated from the knowledge store, the custom NLU components), so an up-to-date model is
reused as is.
Usage: python scripts/model.py path|train
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.fingerprint import files_fingerprint  # noqa: E402

MODELS = ROOT / "models"
TRAINING_DATA = [ROOT / "data" / "nlu", ROOT / "data" / "dialogue", ROOT / "build" / "nlu"]
PREFIX = "gsa-"


def training_files() -> list[Path]:
    # the pipeline's own trained components are code whose output the model stores: a change needs a new model
    # (every module of rasa_ext/components: the classifiers, how they are saved, the safety net)
    files = [
        ROOT / "config.yml",
        ROOT / "domain.yml",
        *sorted((ROOT / "rasa_ext" / "components").glob("*.py")),
        ROOT / "safety" / "model.py",  # the safety net's learned model, trained into the Rasa model
        ROOT / "data" / "safety" / "examples.yml",
        ROOT / "data" / "safety" / "paraphrases.yml",
    ]
    for folder in TRAINING_DATA:
        files += sorted(folder.rglob("*.yml"))
    return files


def model_path() -> Path:
    return MODELS / f"{PREFIX}{files_fingerprint(training_files(), ROOT)[:16]}.tar.gz"


def train_into(out: Path, name: str, quiet: bool = False) -> float:
    """Train a model from scratch into out/<name>.tar.gz (scripts/rasa_train.py: no Rasa cache); the seconds."""
    started = time.monotonic()
    command = [
        sys.executable,
        str(ROOT / "scripts" / "rasa_train.py"),
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        *(str(p.relative_to(ROOT)) for p in TRAINING_DATA),
        "--out",
        str(out),
        "--fixed-model-name",
        name,
    ]
    subprocess.run(
        command,
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.DEVNULL if quiet else None,
    )
    return time.monotonic() - started


def train() -> Path:
    target = model_path()
    if target.exists():
        print(f"model up to date: {target.relative_to(ROOT)}", file=sys.stderr)
        return target
    print(f"training {target.relative_to(ROOT)} (takes a few minutes)...", file=sys.stderr)
    seconds = train_into(MODELS, target.name.removesuffix(".tar.gz"))
    print(f"trained in {seconds:.0f} s", file=sys.stderr)
    for old in MODELS.glob(f"{PREFIX}*.tar.gz"):  # keep only the current model
        if old != target:
            old.unlink()
    return target


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in ("path", "train"):
        print(__doc__, file=sys.stderr)
        return 2
    print(model_path() if argv[1] == "path" else train())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
