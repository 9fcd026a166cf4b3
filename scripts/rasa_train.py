"""`rasa train` without Rasa's training cache, which cost more than the training itself (scripts/model.py runs this).

Rasa fingerprints the output of every pipeline step so a later training can reuse it: for this project's
NLU data that meant serialising every token and every sparse feature matrix after each featurizer, about
55 of the 170 s a training took here. scripts/model.py already trains only when an input changed, so the
cache never saves anything: it is left out (`--force` skips Rasa's fingerprint run, the hook below its
caching). `--skip-validation`: `rasa data validate` runs in the test suite (tests/test_rasa_project.py).
Usage: python scripts/rasa_train.py <arguments of rasa train>
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rasa_ext.patches.rasa_version import UnsupportedRasaVersion, require_supported_rasa  # noqa: E402


def main(argv: list[str]) -> None:
    from rasa.engine.graph import ExecutionContext, GraphNodeHook
    from rasa.engine.training import graph_trainer

    try:  # the hook below replaces a class of this version's training code
        require_supported_rasa("scripts/rasa_train.py (check graph_trainer.TrainingHook)")
    except UnsupportedRasaVersion as error:
        raise SystemExit(f"error: {error}") from None

    class NoCacheHook(GraphNodeHook):
        def __init__(self, **_: Any) -> None:  # takes TrainingHook's cache, model_storage, pruned_schema
            pass

        def on_before_node(
            self,
            node_name: str,
            execution_context: ExecutionContext,
            config: dict[str, Any],
            received_inputs: dict[str, Any],
        ) -> dict:
            return {}

        def on_after_node(
            self,
            node_name: str,
            execution_context: ExecutionContext,
            config: dict[str, Any],
            output: Any,
            input_hook_data: dict,
        ) -> None:
            return None

    graph_trainer.TrainingHook = NoCacheHook
    # Rasa's recipe validator looks for RulePolicy by exact class and warns that restart and back will not work.
    # LatestStatesRulePolicy is a RulePolicy: it answers them (tests/unit/test_rule_policy.py) and runs the
    # validator's fallback-action check itself when it trains. The warning is false here, so it is not shown.
    # (Rasa's own list of expected warnings: it installs its filters after this point, so a filter here would lose)
    import rasa.utils.common

    rasa.utils.common.EXPECTED_WARNINGS.append((UserWarning, "'RulePolicy' is not included in the model's policy"))
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "train", *argv, "--force", "--skip-validation"]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
