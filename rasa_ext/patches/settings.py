"""Which start-up patches scripts/rasa_server.py installs: the one place that reads RASA_PATCHES_OFF.

RASA_PATCHES_OFF is a comma-separated list of the patch names below, or `all`; unset or empty, every patch is
installed. With all of them off the Rasa server is stock Rasa 3.6.21 apart from Rasa's own seams (config.yml,
credentials.yml, endpoints.yml): a way to tell whether a fault comes from a patch (`make test-stock`).
A name that is not a patch stops the start, so a typo cannot leave a patch on unnoticed.
"""

from __future__ import annotations

from collections.abc import Mapping

from knowledge.settings import servers

PATCHES_OFF_ENV = "RASA_PATCHES_OFF"
# name -> what switching it off gives back (docs/rasa-deviations.md has the Rasa function each one replaces)
PATCHES = {
    "action_failures": "silence instead of the apology when a custom action fails or takes over 12 s",
    "reply_check": "Rasa's own (slower) check of the action server's replies",
    "kept_session": "a new HTTP session per action call, bodies written by json",
    "action_calls": "every event of the conversation in each action call (endpoints: enable_selective_domain off)",
    "graph_runner": "Rasa's dask graph runner",
    "server_guards": "model replacement through the HTTP API allowed; a start without a model serves silence",
}
ALL = "all"


def patches_off(env: Mapping[str, str] | None = None) -> frozenset[str]:
    """The patches switched off; ValueError on a name that is not a patch."""
    names = {name.strip().lower() for name in servers(env).rasa_patches_off.split(",") if name.strip()}
    if ALL in names:
        return frozenset(PATCHES)
    unknown = names - set(PATCHES)
    if unknown:
        raise ValueError(
            f"{PATCHES_OFF_ENV}: unknown patch {', '.join(sorted(unknown))}; "
            f"the patches are {', '.join(PATCHES)} (or {ALL})"
        )
    return frozenset(names)


def is_on(name: str, env: Mapping[str, str] | None = None) -> bool:
    if name not in PATCHES:
        raise KeyError(name)
    return name not in patches_off(env)
