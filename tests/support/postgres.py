"""A throwaway PostgreSQL server for tests, from the Debian packages (.ci/run installs them)."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.processes import free_port


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class Cluster:
    """A PostgreSQL cluster in a temporary folder on a free port, which a test can also crash and restart."""

    def __init__(self, settings: str = ""):
        bin_dir = postgres_bin()
        if bin_dir is None:
            raise FileNotFoundError("PostgreSQL server binaries not found (Debian package: postgresql)")
        self.bin_dir = bin_dir
        # Not under pytest's tmp folder: PostgreSQL runs as its own user and must be able to reach the folder.
        self.work_dir = Path(tempfile.mkdtemp(prefix="gsa-postgres-"))
        self.data, self.port = self.work_dir / "pgdata", free_port()
        self.settings = settings  # extra server options, e.g. "-c synchronous_commit=off"
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.work_dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.url = f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/knowledge"

    def _run(self, program: str, *arguments: str) -> None:
        subprocess.run([*self.as_postgres, str(self.bin_dir / program), *arguments], check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -h 127.0.0.1 -k {self.work_dir} {self.settings}"
        self._run(
            "pg_ctl", "-D", str(self.data), "-w", "-l", str(self.work_dir / "postgres.log"), "-o", options, "start"
        )

    def crash(self) -> None:
        """kill -9 every process of the server at once, as a power cut or the OOM killer would end it."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
        for pid in [postmaster, *map(int, children)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() for pid in [postmaster, *map(int, children)]):
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not die")
            time.sleep(0.05)

    def stop(self) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.work_dir, ignore_errors=True)


@contextmanager
def throwaway_postgres(settings: str = "") -> Iterator[str]:
    """Start a PostgreSQL cluster in a temporary folder on a free port; yield its SQLAlchemy URL; stop it after."""
    with crashable_postgres(settings) as cluster:
        yield cluster.url


@contextmanager
def crashable_postgres(settings: str = "") -> Iterator[Cluster]:
    """throwaway_postgres, yielding the cluster itself (its `url`, `crash()` and `start()`)."""
    cluster = Cluster(settings)
    try:
        cluster.start()
        cluster._run("createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "knowledge")
        yield cluster
    finally:
        cluster.stop()
