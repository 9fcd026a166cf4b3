"""The project's settings: every environment variable the application reads, read here and nowhere else.

One frozen dataclass per area, built from the environment by a function of the same name (storage(),
retention(), channels(), servers(), dashboard(), scaled(), load()). They read the environment when called, so a
changed variable (a test's monkeypatch, a child process's env) counts on the next call. A bad value raises
SettingError naming the variable, what it expected and what it got, at the first use, not deep in a request.

Paths are derived from this file, never from the current directory. No Rasa imports: the action server (Python
3.13, no Rasa), the Rasa server's components and channels, the scripts and the deployment all read it, so imports
point one way (content -> knowledge -> NLU/actions -> channels -> deployment). docs/configuration.md lists every
variable; tests/unit/test_docs.py finds them here by the `env.<reader>("NAME", ...)` calls.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONTENT_DIR = PROJECT_ROOT / "data" / "knowledge"
BUILD_DIR = PROJECT_ROOT / "build"
SENTENCE_VECTORS_DIR = BUILD_DIR / "sentence_vectors"  # the content wordings' embeddings (semantic_index.py)

DATABASE_URL_ENV = "KNOWLEDGE_DATABASE_URL"
CURATION_URL_ENV = "CURATION_DATABASE_URL"
TRACKER_STORE_URL_ENV = "TRACKER_STORE_URL"
CURATION_SECRET_ENV = "CURATION_SENDER_SECRET"  # the key of the sender hashes kept with unanswered questions
UNANSWERED_RETENTION_ENV = "UNANSWERED_RETENTION_DAYS"
CONVERSATION_RETENTION_ENV = "CONVERSATION_RETENTION_DAYS"
REDIS_URL_ENV = "REDIS_URL"
ALLOW_MODEL_REPLACEMENT_ENV = "ALLOW_MODEL_REPLACEMENT"
JWT_SECRET_ENV = "WEB_JWT_SECRET"
CURATOR_TOKEN_ENV = "CURATOR_TOKEN"
CURATOR_TOKEN_FILE_ENV = "CURATOR_TOKEN_FILE"
# Unanswered questions often tell of someone's health: long enough for curators to write answers, then gone.
DEFAULT_UNANSWERED_RETENTION_DAYS = 90.0
DEFAULT_CONVERSATION_RETENTION_DAYS = 30.0
FLAG_VALUES = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False, "": False}


class SettingError(ValueError):
    """An environment variable with a value the project cannot use."""


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Environment:
    """Typed reads of environment variables; an empty or blank value counts as unset (the default)."""

    values: Mapping[str, str]

    def _raw(self, name: str) -> str:
        return (self.values.get(name) or "").strip()

    def text(self, name: str, default: str = "") -> str:
        return self._raw(name) or default

    def optional(self, name: str) -> str | None:
        return self._raw(name) or None

    def integer(self, name: str, default: int, minimum: int = 1) -> int:
        raw = self._raw(name)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise SettingError(f"{name} must be a whole number of at least {minimum}, got {raw!r}") from None
        if value < minimum:
            raise SettingError(f"{name} must be a whole number of at least {minimum}, got {value}")
        return value

    def number(self, name: str, default: float) -> float:
        """A positive number (days, seconds)."""
        raw = self._raw(name)
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise SettingError(f"{name} must be a number greater than 0, got {raw!r}") from None
        if not value > 0 or value == float("inf"):
            raise SettingError(f"{name} must be a number greater than 0, got {raw!r}")
        return value

    def flag(self, name: str) -> bool:
        raw = self._raw(name).lower()
        if raw not in FLAG_VALUES:
            raise SettingError(f"{name} must be 1, true or yes (on) or 0, false, no or unset (off), got {raw!r}")
        return FLAG_VALUES[raw]


def _environment(environ: Mapping[str, str] | None) -> Environment:
    return Environment(os.environ if environ is None else environ)


# -- storage: the databases and Redis --------------------------------------------------------------------------
@dataclass(frozen=True)
class Storage:
    knowledge_url: str  # the built knowledge database (content only; rebuilt from data/knowledge)
    curation_url: str  # feedback and unanswered questions (written at run time, kept across rebuilds)
    tracker_store_url: str  # Rasa's conversations, as scripts/endpoints.py configures them
    curation_sender_secret: str | None  # None: a random key kept in the curation database
    tracker_cache_size: int  # conversations the tracker store keeps in memory per Rasa process
    redis_url: str | None  # Rasa's lock store and the channels' shared memory of deliveries


def storage(environ: Mapping[str, str] | None = None) -> Storage:
    env = _environment(environ)
    return Storage(
        knowledge_url=env.text(DATABASE_URL_ENV, _sqlite_url(BUILD_DIR / "knowledge.db")),
        curation_url=env.text(CURATION_URL_ENV, _sqlite_url(PROJECT_ROOT / "var" / "curation.db")),
        tracker_store_url=env.text(TRACKER_STORE_URL_ENV, _sqlite_url(BUILD_DIR / "trackers.db")),
        curation_sender_secret=env.optional(CURATION_SECRET_ENV),
        tracker_cache_size=env.integer("TRACKER_CACHE_SIZE", 200),
        redis_url=env.optional(REDIS_URL_ENV),
    )


def database_url() -> str:
    """URL of the built knowledge database."""
    return storage().knowledge_url


def curation_url() -> str:
    """URL of the curation database."""
    return storage().curation_url


def tracker_store_url() -> str:
    """URL of Rasa's tracker store (the conversations): read-only in the knowledge library."""
    return storage().tracker_store_url


# -- retention ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Retention:
    conversation_days: float  # `make forget-old` deletes conversations silent for longer; the bot says the same
    unanswered_days: float  # ... and unanswered questions stored longer ago


def retention(environ: Mapping[str, str] | None = None) -> Retention:
    env = _environment(environ)
    return Retention(
        conversation_days=env.number(CONVERSATION_RETENTION_ENV, DEFAULT_CONVERSATION_RETENTION_DAYS),
        unanswered_days=env.number(UNANSWERED_RETENTION_ENV, DEFAULT_UNANSWERED_RETENTION_DAYS),
    )


def unanswered_retention_days() -> float:
    """How long unanswered questions are kept (`make forget-old` deletes older ones)."""
    return retention().unanswered_days


# -- channels -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Slack:
    token: str | None
    signing_secret: str | None
    channel: str | None  # a channel where the bot answers every message, not only mentions
    api_base_url: str | None

    @property
    def enabled(self) -> bool:
        return bool(self.token and self.signing_secret)


@dataclass(frozen=True)
class Telegram:
    token: str | None
    bot_name: str | None
    webhook_url: str | None
    secret_token: str | None
    api_base_url: str | None

    @property
    def enabled(self) -> bool:
        return bool(self.token and self.bot_name and self.webhook_url)


@dataclass(frozen=True)
class Channels:
    max_message_chars: int  # longer messages get a friendly refusal before Rasa
    web_jwt_secret: str | None  # the widget's socket then needs a short-lived HS256 token
    slack: Slack
    telegram: Telegram


def channels(environ: Mapping[str, str] | None = None) -> Channels:
    env = _environment(environ)
    return Channels(
        max_message_chars=env.integer("MAX_MESSAGE_CHARS", 2000),
        web_jwt_secret=env.optional(JWT_SECRET_ENV),
        slack=Slack(
            token=env.optional("SLACK_TOKEN"),
            signing_secret=env.optional("SLACK_SIGNING_SECRET"),
            channel=env.optional("SLACK_CHANNEL"),
            api_base_url=env.optional("SLACK_API_BASE_URL"),
        ),
        telegram=Telegram(
            token=env.optional("TELEGRAM_TOKEN"),
            bot_name=env.optional("TELEGRAM_BOT_NAME"),
            webhook_url=env.optional("TELEGRAM_WEBHOOK_URL"),
            secret_token=env.optional("TELEGRAM_SECRET_TOKEN"),
            api_base_url=env.optional("TELEGRAM_API_BASE_URL"),
        ),
    )


# -- the servers ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Servers:
    action_server_host: str  # loopback unless told: only the Rasa server calls the action server
    allow_model_replacement: bool  # the HTTP API may replace, unload or train the model
    rasa_patches_off: str  # RASA_PATCHES_OFF as written: parsed and checked by rasa_ext/patches/settings.py


def servers(environ: Mapping[str, str] | None = None) -> Servers:
    env = _environment(environ)
    return Servers(
        action_server_host=env.text("SANIC_HOST", "127.0.0.1"),
        allow_model_replacement=env.flag(ALLOW_MODEL_REPLACEMENT_ENV),
        rasa_patches_off=env.text("RASA_PATCHES_OFF", ""),
    )


# -- the curators' dashboard ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dashboard:
    port: int
    token: str | None
    token_file: Path | None  # a mode-600 file holding the token, instead of CURATOR_TOKEN

    @property
    def enabled(self) -> bool:
        return bool(self.token or self.token_file)


def dashboard(environ: Mapping[str, str] | None = None) -> Dashboard:
    env = _environment(environ)
    token_file = env.optional(CURATOR_TOKEN_FILE_ENV)
    return Dashboard(
        port=env.integer("DASHBOARD_PORT", 8090),
        token=env.optional(CURATOR_TOKEN_ENV),
        token_file=Path(token_file) if token_file else None,
    )


# -- the scaled layout (deploy/scaled.py) ---------------------------------------------------------------------
@dataclass(frozen=True)
class Scaled:
    run_dir: Path
    rasa_processes: int
    action_processes: int
    edge_bind: str  # where nginx listens: loopback unless the operator opens it
    edge_port: int | None  # None: a free port
    edge_rate: int  # requests a second per client address ...
    edge_burst: int  # ... with bursts of this many
    sql_pool_size: int  # PostgreSQL connections per Rasa process (Rasa's default: 50)
    sql_max_overflow: int
    ticket_lock_lifetime: int  # seconds; must outlast the slowest turn
    rasa_auth_token: str | None  # None: a random one per run


def scaled(environ: Mapping[str, str] | None = None) -> Scaled:
    env = _environment(environ)
    return Scaled(
        run_dir=Path(env.text("SCALED_RUN_DIR", str(BUILD_DIR / "scaled"))),
        rasa_processes=env.integer("RASA_PROCESSES", 2),
        action_processes=env.integer("ACTION_PROCESSES", 2),
        edge_bind=env.text("EDGE_BIND", "127.0.0.1"),
        edge_port=env.integer("EDGE_PORT", 0, minimum=0) or None,
        edge_rate=env.integer("EDGE_RATE", 20),
        edge_burst=env.integer("EDGE_BURST", 40),
        sql_pool_size=env.integer("SQL_POOL_SIZE", 5),
        sql_max_overflow=env.integer("SQL_MAX_OVERFLOW", 10, minimum=0),
        ticket_lock_lifetime=env.integer("TICKET_LOCK_LIFETIME", 30),
        rasa_auth_token=env.optional("RASA_AUTH_TOKEN"),
    )


# -- the load test (scripts/scale_test.py, deploy/locustfile.py) ----------------------------------------------
@dataclass(frozen=True)
class Load:
    users: int
    seconds: int
    log: Path  # where locust writes one line per turn


def load(environ: Mapping[str, str] | None = None) -> Load:
    env = _environment(environ)
    return Load(
        users=env.integer("LOAD_USERS", 50),
        seconds=env.integer("LOAD_SECONDS", 120),
        log=Path(env.text("LOAD_LOG", "load.jsonl")),
    )
