"""Which Python runs the action server, and its command line: the one place that says so.

The action server (actions/, rasa_sdk) and the knowledge library run in their own environment, `.venv-actions`,
on a supported Python (3.12 or 3.13) with a current rasa-sdk; the Rasa server stays in `.venv` on 3.10 (Rasa 3.6
needs it). The two speak only HTTP (the action server protocol), so they need not share an interpreter.
scripts/run.sh, scripts/stack.py, deploy/scaled.py (and through them the benchmark and the scale test)
start the action server with `command()` and build the knowledge database with `python()`.

`serve` runs rasa_sdk's own app (the same routes and replies as `python -m rasa_sdk --actions actions`) in one
process: since rasa-sdk 3.21 (Sanic 25) `python -m rasa_sdk` always starts a manager process that imports the
actions, and a spawned worker that imports them again, 392 MB instead of 211 MB here (docs/python-split.md).
Usage: python scripts/action_server.py python        (prints the interpreter, or the error and exit status 1)
       python scripts/action_server.py serve PORT    (in .venv-actions; the address is SANIC_HOST, default 127.0.0.1)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-actions"
# The Pythons .venv-actions may be built with (scripts/find_python.sh actions picks the newest found).
SUPPORTED = ((3, 13), (3, 12))


class MissingEnvironment(RuntimeError):
    pass


def python() -> str:
    """The interpreter of .venv-actions; an error that says how to make it when it is missing."""
    interpreter = VENV / "bin" / "python"
    if not interpreter.exists():
        raise MissingEnvironment(
            f"no action server environment at {VENV}: run `make venv-actions spacy-actions` "
            "(it needs Python 3.12 or 3.13; see scripts/find_python.sh)"
        )
    return str(interpreter)  # not resolved: the venv's own name keeps its site-packages


def command(port: int) -> list[str]:
    """The action server's command line (its address comes from SANIC_HOST in the environment)."""
    return [python(), str(Path(__file__).resolve()), "serve", str(port)]


def serve(port: int) -> None:
    """rasa_sdk's action server for the package `actions`, in this process (run by .venv-actions' Python)."""
    from rasa_sdk import utils
    from rasa_sdk.endpoint import create_app_for_serve
    from rasa_sdk.executor import ActionExecutor

    utils.configure_colored_logging("INFO")  # what `python -m rasa_sdk` logs by default
    utils.update_sanic_log_level()
    executor = ActionExecutor()
    executor.register_package("actions")
    # rasa_sdk reads its tracing settings from endpoints.yml, by default in the current folder
    app = create_app_for_serve(executor, endpoints=str(ROOT / "endpoints.yml"))
    host = os.environ.get("SANIC_HOST", "127.0.0.1")  # loopback unless told: only the Rasa server calls it
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "serve" and argv[1].isdigit():
        sys.path.insert(0, str(ROOT))  # the package `actions`, wherever this is started from
        serve(int(argv[1]))
        return 0
    if argv != ["python"]:
        print("\n".join(__doc__.strip().splitlines()[-2:]), file=sys.stderr)
        return 2
    try:
        print(python())
    except MissingEnvironment as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
