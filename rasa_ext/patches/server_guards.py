"""What the Rasa server refuses, beyond stock Rasa: installed by scripts/rasa_server.py before `rasa run`.

- Replacing the model at run time. `PUT /model` makes Rasa download or load any archive it is pointed at, and a
  model server (`models:` in endpoints.yml) or `--remote-storage` does the same on a timer; `DELETE /model` and
  `POST /model/train` unload the bot or tie up the server. A model is a program the server runs, so anyone who
  holds the API token could run their own. These are refused (403, or no start) unless the operator sets
  ALLOW_MODEL_REPLACEMENT=1 in the server's environment.
- Serving without a model. Stock Rasa logs "Could not load model" and then serves every channel with nothing to
  answer: here the server stops at start with the reason (a missing, pickled or foreign model file says which).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from knowledge.settings import servers
from rasa_ext.patches.rasa_version import require_supported_rasa

logger = logging.getLogger(__name__)

ALLOW_MODEL_REPLACEMENT = "ALLOW_MODEL_REPLACEMENT"
# (method, path) of the HTTP API that replace, unload or train the model
MODEL_REPLACEMENT_ROUTES = {("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train")}

_installed = False


def model_replacement_allowed() -> bool:
    return servers().allow_model_replacement


def refused_start_options(argv: list[str], endpoints: dict[str, Any] | None) -> str | None:
    """Why the server must not start with these options (a model source other than its own file), or None."""
    if model_replacement_allowed():
        return None
    if any(arg == "--remote-storage" or arg.startswith("--remote-storage=") for arg in argv):
        return f"--remote-storage loads models from elsewhere; set {ALLOW_MODEL_REPLACEMENT}=1 to allow it"
    if endpoints and endpoints.get("models"):
        return f"endpoints.yml names a model server (models:); set {ALLOW_MODEL_REPLACEMENT}=1 to allow it"
    return None


def install() -> None:
    """Refuse model replacement routes and a start without a model (idempotent)."""
    global _installed
    if _installed:
        return
    require_supported_rasa("rasa_ext.patches.server_guards")
    import rasa.core.run
    import rasa.server

    rasa.server.create_app = _with_model_routes_refused(rasa.server.create_app)
    rasa.core.run.load_agent_on_start = _stop_without_model(rasa.core.run.load_agent_on_start)
    _installed = True


def _with_model_routes_refused(create_app: Callable[..., Any]) -> Callable[..., Any]:
    def create_app_with_guard(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)

        @app.middleware("request")
        async def refuse_model_replacement(request: Any) -> Any:
            if (request.method, request.path.rstrip("/") or "/") in MODEL_REPLACEMENT_ROUTES:
                if not model_replacement_allowed():
                    from sanic import response

                    logger.warning("refused %s %s: model replacement is off", request.method, request.path)
                    return response.json(
                        {
                            "status": "failure",
                            "reason": "ModelReplacementOff",
                            "message": f"Replacing the model at run time is off; set {ALLOW_MODEL_REPLACEMENT}=1.",
                            "code": 403,
                        },
                        status=403,
                    )
            return None

        return app

    return create_app_with_guard


def _stop_without_model(load_agent_on_start: Callable[..., Any]) -> Callable[..., Any]:
    async def load_or_stop(model_path: Any, *args: Any, **kwargs: Any) -> Any:
        agent = await load_agent_on_start(model_path, *args, **kwargs)
        if not agent.is_ready():
            # Rasa logged the cause just above (with the traceback); say it plainly and stop at once.
            print(
                f"error: the Rasa server could not load the model {model_path}, so it would answer nothing; "
                "it stops. The cause is in the log above (`make model` trains a new model).",
                file=sys.stderr,
                flush=True,
            )
            os._exit(1)  # inside Sanic's start-up a SystemExit is caught and logged, and the server goes on
        return agent

    return load_or_stop
