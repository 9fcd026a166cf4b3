"""The one Rasa version whose internals this project changes (training hook, action-failure fix)."""

from __future__ import annotations

SUPPORTED_RASA_VERSION = "3.6.21"


class UnsupportedRasaVersion(RuntimeError):
    pass


def require_supported_rasa(what: str) -> None:
    """Refuse to patch another Rasa than the one the patch was written and tested for."""
    import rasa

    if rasa.__version__ != SUPPORTED_RASA_VERSION:
        raise UnsupportedRasaVersion(
            f"{what} was written for Rasa {SUPPORTED_RASA_VERSION}, found Rasa {rasa.__version__}: "
            "read the Rasa code it replaces before changing SUPPORTED_RASA_VERSION in rasa_ext/patches/rasa_version.py"
        )
