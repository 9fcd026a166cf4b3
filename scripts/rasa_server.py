"""Start the Rasa server (`rasa run ...`) after the project's start-up step: the patches of rasa_ext/patches
(action_failures with reply_check and kept_session, action_calls, graph_runner, server_guards), each unless
RASA_PATCHES_OFF names it (rasa_ext/patches/settings.py).

Every way this project starts Rasa goes through here (scripts/run.sh, deploy/stack.py, deploy/scaled.py),
so a failed custom action gets an apology instead of silence, and a Rasa version the fix was not written for
stops the start with a clear message instead of running with a half-applied patch.
The HTTP API's token is read from a file (--auth-token-file PATH, mode 600) and handed to Rasa inside the
process: a token on the command line (`--auth-token`) is visible to every local user in `ps`, so it is refused.
Usage: python scripts/rasa_server.py run --auth-token-file PATH <other arguments of rasa run>
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from rasa_ext.patches import action_failures, server_guards, settings  # noqa: E402
from rasa_ext.patches.rasa_version import UnsupportedRasaVersion  # noqa: E402
from scripts.secret_files import read_secret_file  # noqa: E402

TOKEN_FILE_OPTION = "--auth-token-file"


def command(python: str, port: int, token_file: Path, model: str, credentials: Path, endpoints: Path) -> list[str]:
    """The command line of a Rasa server on the loopback address with the HTTP API behind the token in a file."""
    return [python, str(Path(__file__).resolve()), "run", "--enable-api", TOKEN_FILE_OPTION, str(token_file),
            "-i", "127.0.0.1", "-p", str(port), "-m", model,
            "--credentials", str(credentials), "--endpoints", str(endpoints)]  # fmt: skip


def patches_off() -> frozenset[str]:
    try:
        return settings.patches_off()
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None


def rasa_arguments(argv: list[str]) -> list[str]:
    """`rasa run` arguments with --auth-token-file replaced by the token; SystemExit with the reason otherwise."""
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in argv):
        raise SystemExit(f"error: --auth-token shows the token to every local user in `ps`; use {TOKEN_FILE_OPTION}")
    arguments, token = list(argv), None
    if TOKEN_FILE_OPTION in arguments:
        at = arguments.index(TOKEN_FILE_OPTION)
        if at + 1 >= len(arguments):
            raise SystemExit(f"error: {TOKEN_FILE_OPTION} needs a file")
        try:
            token = read_secret_file(Path(arguments[at + 1]))
        except ValueError as error:
            raise SystemExit(f"error: the API token file: {error}") from None
        del arguments[at : at + 2]
    if "--enable-api" in arguments and token is None:
        raise SystemExit(f"error: --enable-api without {TOKEN_FILE_OPTION} would open the HTTP API to anyone")
    endpoints = None
    if "--endpoints" in arguments and arguments.index("--endpoints") + 1 < len(arguments):
        endpoints_file = Path(arguments[arguments.index("--endpoints") + 1])
        if endpoints_file.is_file():
            endpoints = yaml.safe_load(endpoints_file.read_text(encoding="utf-8"))
    guarded = "server_guards" not in patches_off()
    refused = server_guards.refused_start_options(arguments, endpoints) if guarded else None
    if refused:
        raise SystemExit(f"error: {refused}")
    # One argument with "=": a token that starts with "-" (token_urlsafe makes some) is not taken for an option.
    return [*arguments, f"--auth-token={token}"] if token else arguments


def main(argv: list[str]) -> None:
    arguments = rasa_arguments(argv)
    off = patches_off()
    if off:
        print(
            f"warning: Rasa patches switched off ({settings.PATCHES_OFF_ENV}): {', '.join(sorted(off))}",
            file=sys.stderr,
        )
    try:
        on = {name: name not in off for name in settings.PATCHES}
        action_failures.install(
            apology=on["action_failures"], reply_check=on["reply_check"], kept_session=on["kept_session"]
        )
        if on["server_guards"]:
            server_guards.install()
        # (imported here: importing them loads Rasa, which `command()` must not)
        from rasa_ext.patches import action_calls, graph_runner

        if on["action_calls"]:
            action_calls.install()
        if on["graph_runner"]:
            graph_runner.install()
    except UnsupportedRasaVersion as error:
        raise SystemExit(f"error: {error}") from None
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *arguments]  # the process's own command line (what `ps` shows) is not changed by this
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
