"""The model's name is a fingerprint of what training reads: a change to a trained component's code retrains."""

from __future__ import annotations

from pathlib import Path

import yaml

from scripts import model

ROOT = Path(__file__).resolve().parents[2]


def test_every_module_of_a_component_in_the_pipeline_is_in_the_fingerprint():
    files = set(model.training_files())
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    ours = [step["name"] for step in pipeline if step["name"].startswith("rasa_ext.")]
    assert ours, "the pipeline names the project's components by module path"
    for name in ours:
        module = ROOT / (name.rsplit(".", 1)[0].replace(".", "/") + ".py")
        assert module in files, name
    assert ROOT / "safety" / "model.py" in files  # the safety net's learned model is trained into the Rasa model
    assert all(path.exists() for path in files)


def test_a_changed_component_changes_the_model_name(monkeypatch):
    before = model.model_path()
    changed, read_bytes = ROOT / "rasa_ext" / "components" / "topic_model.py", Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read_bytes(path) + (b"#" if path == changed else b""))
    assert model.model_path() != before
