"""The scaled layout on loopback: PostgreSQL (trackers, knowledge, curation), Redis (Rasa's lock store),
several action servers and Rasa processes, and nginx in front (rate limits, the apology on a failed turn).

    python deploy/scaled.py            # start it (`make scale-up`); Ctrl-C stops everything
Everything lives in one run folder (default build/scaled/): data, logs, the rendered nginx.conf, api-token.
Tests and the scale test (scripts/scale_test.py) use the Layout class to start it and to inject faults.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script (make scale-up) as well as imported

from deploy.processes import Process, free_port  # noqa: E402
from knowledge.domain_copy import response_text  # noqa: E402
from knowledge.settings import dashboard, scaled  # noqa: E402
from scripts import action_server, rasa_server  # noqa: E402
from scripts.secret_files import read_secret_file, write_secret_file  # noqa: E402

DEPLOY = ROOT / "deploy"
PYTHON = sys.executable  # the Rasa server's (.venv); the action servers': scripts/action_server.py


DASHBOARD_PATH = "/curators"  # where nginx serves the curators' dashboard (its token protects it)


def edge_apology_json() -> str:
    """nginx's reply body when no Rasa process answered, from the domain response utter_edge_apology.

    It goes inside '...' in nginx.conf, where a quote or a backslash would be read as nginx's own escape."""
    text = response_text("utter_edge_apology")
    if any(c in text for c in "'\"\\"):
        raise ValueError("utter_edge_apology may not contain quotes or backslashes (nginx.conf holds it as is)")
    return json.dumps([{"recipient_id": "", "text": text}], ensure_ascii=False)


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise SystemExit("error: PostgreSQL is not installed (Debian: apt-get install postgresql)")
    return found[-1].parent


def require(program: str, package: str) -> str:
    path = shutil.which(program) or (f"/usr/sbin/{program}" if Path(f"/usr/sbin/{program}").exists() else None)
    if not path:
        raise SystemExit(f"error: {program} is not installed (Debian: apt-get install {package})")
    return path


class Layout:
    def __init__(
        self,
        run: Path,
        rasa_processes: int | None = None,
        action_processes: int | None = None,
        rate: int | None = None,
        burst: int | None = None,
        channel_env: dict[str, str] | None = None,
    ):
        self.settings = settings = scaled()
        self.run = run
        self.channel_env = channel_env or {}  # e.g. Slack's credentials (scripts/credentials.py reads them)
        self.rasa_count = rasa_processes or settings.rasa_processes
        self.action_count = action_processes or settings.action_processes
        self.rate = rate or settings.edge_rate
        self.burst = burst or settings.edge_burst
        self.edge_port = settings.edge_port or free_port()
        # Where the edge listens: loopback unless the operator opens it (EDGE_BIND=0.0.0.0); only channel paths pass.
        self.edge_bind = settings.edge_bind
        self.edge_url = f"http://127.0.0.1:{self.edge_port}"
        self.token = settings.rasa_auth_token or secrets.token_urlsafe(24)
        self.pg_port, self.redis_port, self.action_edge_port = free_port(), free_port(), free_port()
        self.rasa_ports = [free_port() for _ in range(self.rasa_count)]
        self.action_ports = [free_port() for _ in range(self.action_count)]
        # the curators' dashboard: only when the operator set its token (scripts/dashboard.py has no default)
        self.dashboard = dashboard({**os.environ, **self.channel_env}).enabled
        self.dashboard_port = free_port()
        self.processes: dict[str, Process] = {}
        self._pg_password: str | None = None
        self.pg_bin = postgres_bin()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    # -- URLs ----------------------------------------------------------------------------------------------
    def pg_url(self, db: str, driver: str = "postgresql") -> str:
        return f"{driver}://postgres:{quote(self.pg_password, safe='')}@127.0.0.1:{self.pg_port}/{db}"

    @property
    def pg_password(self) -> str:
        """PostgreSQL's password (scram-sha-256): made once per run folder, kept in a file only its owner reads."""
        if self._pg_password is None:
            path = self.run / "pg-password"
            if not path.exists():
                write_secret_file(path, secrets.token_urlsafe(24) + "\n")
            self._pg_password = read_secret_file(path)
        return self._pg_password

    def api(self, path: str, process: int = 1) -> str:
        """A URL of the HTTP API on one Rasa process's loopback port (the edge does not pass the API)."""
        return f"http://127.0.0.1:{self.rasa_ports[process - 1]}{path}{'&' if '?' in path else '?'}token={self.token}"

    def base_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "SANIC_HOST": "127.0.0.1",
            "KNOWLEDGE_DATABASE_URL": self.pg_url("knowledge", "postgresql+psycopg2"),
            "CURATION_DATABASE_URL": self.pg_url("curation", "postgresql+psycopg2"),
            "TRACKER_STORE_URL": self.pg_url("trackers"),
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SQL_POOL_SIZE": str(self.settings.sql_pool_size),
            "SQL_MAX_OVERFLOW": str(self.settings.sql_max_overflow),
            # a conversation's lock, left by a process that died mid-turn, frees after this many seconds; it
            # must outlast the slowest turn, or two processes run one conversation at once and lose events
            "TICKET_LOCK_LIFETIME": str(self.settings.ticket_lock_lifetime),
            **self.channel_env,
        }

    # -- the parts -----------------------------------------------------------------------------------------
    def _pg(self, *command: str) -> None:
        # the password reaches the client tools through the environment, never their command line
        env = {**os.environ, "PGPASSWORD": self.pg_password}
        subprocess.run([*self.as_postgres, *command], check=True, capture_output=True, env=env)

    def start_postgres(self) -> None:
        data = self.run / "pgdata"
        if self.as_postgres:  # PostgreSQL runs as its own user; nginx's workers must pass through too
            shutil.chown(self.run, "postgres", "postgres")
            self.run.chmod(0o711)
        if not data.exists():
            # Every connection, local socket included, needs the password (scram-sha-256): none is trusted.
            password_file = self.run / "pg-initdb-password"
            write_secret_file(password_file, self.pg_password + "\n")
            if self.as_postgres:
                shutil.chown(password_file, "postgres")
            try:
                self._pg(
                    str(self.pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8",
                    "--auth=scram-sha-256", f"--pwfile={password_file}",
                )  # fmt: skip
            finally:
                password_file.unlink(missing_ok=True)
        self._pg_start()
        for db in ("trackers", "knowledge", "curation"):
            subprocess.run(
                [*self.as_postgres, str(self.pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port),
                 "-U", "postgres", db],
                capture_output=True,
                env={**os.environ, "PGPASSWORD": self.pg_password},
            )  # fmt: skip

    def _pg_start(self) -> None:
        self._pg(
            str(self.pg_bin / "pg_ctl"),
            "-D",
            str(self.run / "pgdata"),
            "-w",
            "-l",
            str(self.run / "postgres.log"),
            "-o",
            f"-p {self.pg_port} -h 127.0.0.1 -k {self.run} -c max_connections=200",
            "start",
        )

    def restart_postgres(self) -> None:
        """A fast stop and a start of PostgreSQL (every open connection is cut)."""
        self.stop_postgres()
        self._pg_start()

    def stop_postgres(self) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.pg_bin / "pg_ctl"), "-D", str(self.run / "pgdata"), "-m", "fast", "stop"],
            capture_output=True,
        )

    def start_redis(self) -> None:
        redis = require("redis-server", "redis-server")
        process = Process(
            "redis",
            [
                redis,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.run),
            ],
            self.base_env(),
            self.run,
            ready_port=self.redis_port,
        )
        self.processes["redis"] = process.start()
        process.wait_ready(20)

    def build_knowledge(self) -> None:
        subprocess.run(
            [action_server.python(), "-m", "knowledge", "build"],
            cwd=ROOT,
            env=self.base_env(),
            check=True,
            capture_output=True,
        )

    def action_process(self, n: int) -> Process:
        port = self.action_ports[n - 1]
        return Process(
            f"actions-{n}",
            action_server.command(port),
            self.base_env(),
            self.run,
            ready_url=f"http://127.0.0.1:{port}/health",
        )

    def rasa_process(self, n: int) -> Process:
        port = self.rasa_ports[n - 1]
        model = subprocess.run(
            [PYTHON, "scripts/model.py", "path"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            env=self.base_env(),
        ).stdout.strip()
        return Process(
            f"rasa-{n}",
            rasa_server.command(
                PYTHON, port, self.run / "api-token", model, self.run / "credentials.yml", self.run / "endpoints.yml"
            ),
            self.base_env(),
            self.run,
            ready_url=f"http://127.0.0.1:{port}/",
        )

    def start_rasa(self, n: int) -> None:
        process = self.rasa_process(n)
        self.processes[process.name] = process.start()
        process.wait_ready(300)

    def kill_rasa(self, n: int) -> None:
        """Kill one Rasa process at once (SIGKILL: no chance to finish its turns)."""
        self.processes[f"rasa-{n}"].kill(signal.SIGKILL)

    def start_nginx(self) -> None:
        nginx = require("nginx", "nginx-light")
        for name in ("nginx-body", "nginx-proxy", "nginx-fastcgi", "nginx-uwsgi", "nginx-scgi"):
            (self.run / name).mkdir(exist_ok=True)
            if os.geteuid() == 0:  # nginx's workers drop to nobody
                shutil.chown(self.run / name, "nobody")
        # max_fails=0: nginx never takes a process out; a dead one refuses the connection at once and the turn
        # goes to the other (marking both out under load answered hundreds of turns with "no live upstreams").
        servers = lambda ports: "\n        ".join(f"server 127.0.0.1:{p} max_fails=0;" for p in ports)  # noqa: E731
        values = {
            "RUN": self.run,
            "PORT": self.edge_port,
            "EDGE_BIND": self.edge_bind,
            "ACTION_PORT": self.action_edge_port,
            "RATE": self.rate,
            "BURST": self.burst,
            "RASA_SERVERS": servers(self.rasa_ports),
            "ACTION_SERVERS": servers(self.action_ports),
            "DASHBOARD_PORT": self.dashboard_port,
            "EDGE_APOLOGY_JSON": edge_apology_json(),
            "DASHBOARD_PATH": DASHBOARD_PATH,
        }
        # ${NAME} is ours; nginx's own $variables are left alone
        config = re.sub(
            r"\$\{([A-Z_]+)\}", lambda m: str(values[m.group(1)]), (DEPLOY / "nginx.conf.template").read_text()
        )
        (self.run / "nginx.conf").write_text(config)
        process = Process(
            "nginx",
            [nginx, "-p", str(self.run), "-c", str(self.run / "nginx.conf")],
            self.base_env(),
            self.run,
            ready_port=self.edge_port,
        )
        self.processes["nginx"] = process.start()
        process.wait_ready(20)

    # -- the whole layout ----------------------------------------------------------------------------------
    def start(self) -> Layout:
        self.run.mkdir(parents=True, exist_ok=True)
        write_secret_file(self.run / "api-token", self.token + "\n")
        env = self.base_env()
        subprocess.run(
            [
                PYTHON,
                "scripts/endpoints.py",
                str(self.run / "endpoints.yml"),
                str(self.action_edge_port),
                f"http://127.0.0.1:{self.action_edge_port}/webhook",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        subprocess.run(
            [PYTHON, "scripts/credentials.py", str(self.run / "credentials.yml")], cwd=ROOT, env=env, check=True
        )
        for step in yaml.safe_load((DEPLOY / "processes.yml").read_text()):  # the documented start order
            name = step["name"]
            if name == "postgres":
                self.start_postgres()
                self.build_knowledge()
            elif name == "redis":
                self.start_redis()
            elif name.startswith("actions"):
                started = [self.action_process(n).start() for n in range(1, self.action_count + 1)]
                for process in started:
                    self.processes[process.name] = process
                    process.wait_ready(60)
            elif name.startswith("rasa"):
                started = [self.rasa_process(n).start() for n in range(1, self.rasa_count + 1)]
                for process in started:
                    self.processes[process.name] = process
                    process.wait_ready(300)
            elif name == "dashboard":
                if self.dashboard:
                    process = Process(
                        "dashboard",
                        [action_server.python(), "scripts/dashboard.py", "--port", str(self.dashboard_port),
                         "--prefix", DASHBOARD_PATH],
                        self.base_env(),
                        self.run,
                        ready_url=f"http://127.0.0.1:{self.dashboard_port}/health",
                    )  # fmt: skip
                    self.processes["dashboard"] = process.start()
                    process.wait_ready(60)
                else:
                    print("note: the curators' dashboard is skipped: set CURATOR_TOKEN or CURATOR_TOKEN_FILE")
            elif name == "nginx":
                self.start_nginx()
        return self

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.processes[name].kill()
        self.stop_postgres()


def main() -> int:
    run = scaled().run_dir
    layout = Layout(run)
    print(f"starting the scaled layout in {run} ({layout.rasa_count} Rasa, {layout.action_count} action servers)")
    try:
        layout.start()
        print(f"ready: {layout.edge_url}/webhooks/rest/webhook (HTTP API token in {run / 'api-token'}); Ctrl-C stops")
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping...")
        layout.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
