"""Skipping a test of a start-up patch when RASA_PATCHES_OFF switches that patch off (`make test-stock`)."""

from __future__ import annotations

import pytest

from rasa_ext.patches.settings import PATCHES_OFF_ENV, patches_off


def requires_patch(*names: str) -> pytest.MarkDecorator:
    """Skip, saying why, when one of these patches is off: the test checks what the patch changes."""
    off = sorted(patches_off() & set(names))
    return pytest.mark.skipif(bool(off), reason=f"tests the {', '.join(off)} patch, switched off by {PATCHES_OFF_ENV}")
