"""SequentialGraphRunner gives DaskGraphRunner's results: same outputs, same errors, only the needed nodes run."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage

from rasa_ext.patches.graph_runner import SequentialGraphRunner
from tests.support.patches import requires_patch

pytestmark = requires_patch("graph_runner")

CALLS: list[str] = []


class Step(GraphComponent):
    """Joins its inputs and its own label, and records that it ran."""

    def __init__(self, config: dict[str, Any]):
        self.label = config["label"]

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: Any, resource: Any, execution_context: Any) -> Step:
        return cls(config)

    def join(self, **inputs: Any) -> str:
        CALLS.append(self.label)
        if "boom" in inputs.values():
            raise ValueError("a node failed")
        return "(" + " ".join(f"{k}={inputs[k]}" for k in sorted(inputs)) + f" -> {self.label})"


def node(label: str, **needs: str) -> SchemaNode:
    return SchemaNode(needs=needs, uses=Step, constructor_name="create", fn="join", config={"label": label})


# Like Rasa's prediction graph: a diamond, a chain and a node no target needs.
SCHEMA = GraphSchema(
    {
        "tokens": node("tokens", text="__message__"),
        "words": node("words", tokens="tokens"),
        "chars": node("chars", tokens="tokens"),
        "intent": node("intent", words="words", chars="chars"),
        "topic": node("topic", words="words", intent="intent"),
        "policy": node("policy", tracker="__tracker__", intent="intent"),
        "unused": node("unused", tokens="tokens"),
    }
)


def runners(tmp_path) -> tuple[DaskGraphRunner, SequentialGraphRunner]:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(SCHEMA, "test")
    return DaskGraphRunner(SCHEMA, storage, context), SequentialGraphRunner(SCHEMA, storage, context)


@pytest.mark.parametrize(
    "inputs, targets",
    [
        ({"__message__": "hello"}, ["topic"]),
        ({"__message__": "hi", "__tracker__": "t1"}, ["policy", "topic"]),
        ({"__message__": "hi"}, ["intent", "chars"]),
    ],
)
def test_it_gives_dasks_results_running_only_what_the_targets_need(tmp_path, inputs: dict, targets: list[str]):
    dask_runner, sequential = runners(tmp_path)
    CALLS.clear()
    expected = dask_runner.run(inputs=inputs, targets=targets)
    dask_ran = sorted(CALLS)
    CALLS.clear()
    assert sequential.run(inputs=inputs, targets=targets) == expected
    assert sorted(CALLS) == dask_ran and "unused" not in CALLS
    for later, earlier in (("intent", "words"), ("intent", "chars"), ("topic", "intent"), ("words", "tokens")):
        if later in CALLS:
            assert CALLS.index(earlier) < CALLS.index(later)


def test_a_failing_node_a_missing_input_and_a_clashing_one_raise_what_dask_raises(tmp_path):
    dask_runner, sequential = runners(tmp_path)
    for runner in (dask_runner, sequential):
        with pytest.raises(GraphComponentException, match="for node tokens") as failed:
            runner.run(inputs={"__message__": "boom"}, targets=["words"])
        assert "a node failed" in str(failed.value.__cause__)
        with pytest.raises(GraphRunError, match="Missing input to run node 'policy'"):
            runner.run(inputs={"__message__": "hi"}, targets=["policy"])
        with pytest.raises(GraphRunError, match="clashes with a node name"):
            runner.run(inputs={"__message__": "words"}, targets=["topic"])


def test_the_start_up_step_makes_the_rasa_server_load_models_with_it(monkeypatch: pytest.MonkeyPatch):
    import rasa.core.processor

    from rasa_ext.patches import graph_runner

    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", DaskGraphRunner)
    graph_runner.install()
    assert rasa.core.processor.DaskGraphRunner is SequentialGraphRunner
