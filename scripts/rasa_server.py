"""Start the Rasa server (`rasa run ...`) after the project's start-up step: nlu_components.action_failures,
action_calls and graph_runner.

Every way this project starts Rasa goes through here (scripts/run.sh, tests/support/stack.py, deploy/scaled.py),
so a failed custom action gets an apology instead of silence, and a Rasa version the fix was not written for
stops the start with a clear message instead of running with a half-applied patch.
Usage: python scripts/rasa_server.py run <arguments of rasa run>
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu_components import action_failures  # noqa: E402
from nlu_components.rasa_version import UnsupportedRasaVersion  # noqa: E402


def command(python: str, port: int, token: str, model: str, credentials: Path, endpoints: Path) -> list[str]:
    """The command line of a Rasa server on the loopback address with the HTTP API behind `token`."""
    return [python, str(Path(__file__).resolve()), "run", "--enable-api", "--auth-token", token,
            "-i", "127.0.0.1", "-p", str(port), "-m", model,
            "--credentials", str(credentials), "--endpoints", str(endpoints)]  # fmt: skip


def main(argv: list[str]) -> None:
    try:
        action_failures.install()
        # (imported here: importing them loads Rasa, which `command()` must not)
        from nlu_components import action_calls, graph_runner

        action_calls.install()
        graph_runner.install()
    except UnsupportedRasaVersion as error:
        raise SystemExit(f"error: {error}") from None
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
