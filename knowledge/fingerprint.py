"""Content fingerprints: tell whether a built database or trained model matches the files it came from."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def files_fingerprint(paths: Iterable[Path], root: Path) -> str:
    """SHA-256 over the relative names and bytes of the given files, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def content_fingerprint(content_dir: Path) -> str:
    content_dir = Path(content_dir)
    return files_fingerprint(content_dir.rglob("*.yml"), content_dir)
