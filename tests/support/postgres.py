"""A throwaway PostgreSQL server for tests, from the Debian packages (.ci/run installs them)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.processes import free_port


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a PostgreSQL cluster in a temporary folder on a free port; yield its SQLAlchemy URL; stop it after."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL server binaries not found (Debian package: postgresql)")
    # Not under pytest's tmp folder: PostgreSQL runs as its own user and must be able to reach the folder.
    work_dir = Path(tempfile.mkdtemp(prefix="gsa-postgres-"))
    data, port = work_dir / "pgdata", free_port()
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        as_postgres = ["runuser", "-u", "postgres", "--"]
        shutil.chown(work_dir, "postgres", "postgres")
    run = lambda *cmd: subprocess.run([*as_postgres, *cmd], check=True, capture_output=True)  # noqa: E731
    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-w",
        "-l",
        str(work_dir / "postgres.log"),
        "-o",
        f"-p {port} -h 127.0.0.1 -k {work_dir}",
        "start",
    )
    try:
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "knowledge")
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/knowledge"
    finally:
        subprocess.run(
            [*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True
        )
        shutil.rmtree(work_dir, ignore_errors=True)
