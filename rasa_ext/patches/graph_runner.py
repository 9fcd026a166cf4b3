"""The Rasa server runs its model graphs node after node in a fixed order, instead of through dask.

Rasa 3.6 runs three graphs per turn (understanding the message, then choosing an action twice) with dask's
local scheduler: each run rebuilds the dask graph and its minimal schema, formats a debug line holding the whole
tracker even when debug logging is off, and lets dask order and dispatch a dozen nodes. Measured here, that
was about a tenth of a turn. The nodes are pure functions of their inputs, run one at a time on one thread in
both cases, so a plain loop in dependency order, planned once per set of targets, gives the same results.

`install()` is part of the Rasa server's start-up step (scripts/rasa_server.py); training still uses dask.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner

from rasa_ext.patches.rasa_version import require_supported_rasa


class SequentialGraphRunner(DaskGraphRunner):
    """DaskGraphRunner's results, computed by running the needed nodes in dependency order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[str, ...], list[tuple[str, list[str]]]] = {}

    def run(self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None) -> dict[str, Any]:
        run_targets = list(targets) if targets else self._graph_schema.target_names
        plan = self._plan(tuple(run_targets))
        results: dict[str, Any] = {}
        planned = {node_name for node_name, _ in plan}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in planned:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of the input names "
                    f"passed to the `run` method are the same as node names in the graph schema."
                )
            results[name] = (name, value)
        try:
            for node_name, needs in plan:
                # (a need that is neither a node nor an input reaches the node as its name, as with dask)
                results[node_name] = self._instantiated_nodes[node_name](*(results.get(n, n) for n in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(results[target] for target in run_targets)

    def _plan(self, targets: tuple[str, ...]) -> list[tuple[str, list[str]]]:
        """The nodes the targets need, each after the nodes it needs, with the names of its inputs."""
        if targets not in self._plans:
            self._plans[targets] = dependency_order(self._graph_schema.minimal_graph_schema(list(targets)))
        return self._plans[targets]


def dependency_order(schema: GraphSchema) -> list[tuple[str, list[str]]]:
    order: list[tuple[str, list[str]]] = []
    done: set[str] = set()

    def visit(node_name: str, path: tuple[str, ...]) -> None:
        if node_name in done or node_name not in schema.nodes:
            return
        if node_name in path:
            raise GraphRunError(f"The graph has a cycle through '{node_name}'.")
        needs = list(schema.nodes[node_name].needs.values())
        for need in needs:
            visit(need, (*path, node_name))
        done.add(node_name)
        order.append((node_name, needs))

    for node_name in schema.nodes:
        visit(node_name, ())
    return order


def install() -> None:
    """Make the Rasa server load its models with SequentialGraphRunner (idempotent)."""
    require_supported_rasa(__name__)
    import rasa.core.processor

    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner
