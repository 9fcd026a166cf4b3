"""Files that hold secrets (tokens, channel credentials, database passwords) are readable by their owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY = 0o600


def write_secret_file(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 600 from the first byte (never briefly readable by others)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        os.fchmod(file.fileno(), OWNER_ONLY)  # an existing file keeps its old mode through os.open
        file.write(text)


def read_secret_file(path: Path) -> str:
    """The secret in `path`, stripped; ValueError when the file is missing, empty or readable by others."""
    if not path.is_file():
        raise ValueError(f"{path} does not exist")
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise ValueError(f"{path} is readable by other users: run `chmod 600 {path}`")
    secret = path.read_text(encoding="utf-8").strip()
    if not secret:
        raise ValueError(f"{path} is empty")
    return secret
