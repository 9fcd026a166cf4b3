"""The curators' dashboard: unanswered questions in clusters, feedback, content review and use, with CSV exports.

Its own small process (Python standard library http.server), run with the knowledge library's environment
(.venv-actions: numpy for the clusters, spaCy for the nearest answer, SQLAlchemy and psycopg2 for the three
databases; knowledge/dashboard.py reads them). Every page and CSV needs the curator token set by the operator:
CURATOR_TOKEN, or CURATOR_TOKEN_FILE naming a file only its owner can read. There is no default: without a token
the dashboard does not start. The browser asks for it as a password (HTTP Basic, any user name); scripts may
send `Authorization: Bearer <token>`. Stored texts (unanswered questions are user input) are always HTML-escaped.

Usage: python scripts/dashboard.py [--port 8090] [--bind 127.0.0.1] [--prefix /curators]
"""

from __future__ import annotations

import argparse
import base64
import csv
import hmac
import html
import io
import json
import stat
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.curation import CurationStore  # noqa: E402
from knowledge.dashboard import Table, feedback_tables, review_tables, unanswered_table, use_tables  # noqa: E402
from knowledge.settings import CURATOR_TOKEN_ENV, CURATOR_TOKEN_FILE_ENV, Dashboard, dashboard  # noqa: E402
from knowledge.store import KnowledgeStore  # noqa: E402

TOKEN_ENV, TOKEN_FILE_ENV = CURATOR_TOKEN_ENV, CURATOR_TOKEN_FILE_ENV
MIN_TOKEN_LENGTH = 16
CACHE_SECONDS = 60.0  # a page's data is computed at most once a minute (the tracker store can be large)
STATIC = {
    "/static/dashboard.css": (ROOT / "web" / "dashboard" / "dashboard.css", "text/css; charset=utf-8"),
    "/static/dashboard.js": (ROOT / "web" / "dashboard" / "dashboard.js", "text/javascript; charset=utf-8"),
    "/vendor/chart.umd.min.js": (ROOT / "web" / "vendor" / "chart.umd.min.js", "text/javascript; charset=utf-8"),
}

# All the words the dashboard shows, in one place: page titles, intros, table captions and column headings.
COPY: dict[str, Any] = {
    "site": "Curators' dashboard",
    "nav": "Dashboard pages",
    "skip": "Skip to the content",
    "csv": "Download as CSV",
    "empty": "Nothing yet.",
    "updated": "Figures as of",
    "pages": {
        "unanswered": {
            "title": "Unanswered questions",
            "intro": "Questions the bot could not answer, grouped with similar ones: the largest and newest groups "
            "first. Texts are shown as stored (e-mail addresses and phone numbers removed) and deleted after the "
            "retention period.",
        },
        "feedback": {
            "title": "Feedback",
            "intro": "👍 and 👎 per topic and per specific answer, the worst rate first, and per week.",
        },
        "review": {
            "title": "Content review",
            "intro": "Every topic and answer with its review dates, overdue first, and every source, incomplete "
            "ones first.",
        },
        "use": {
            "title": "Use",
            "intro": "Conversations and messages of the last 30 days from the tracker store: counts only, never "
            "what was said.",
        },
    },
    "tables": {
        "unanswered": (
            "Clusters of unanswered questions",
            {
                "questions": "Questions",
                "latest": "Latest (UTC)",
                "examples": "Examples",
                "nearest_topic_or_answer": "Nearest topic or answer",
                "nearest_similarity": "Similarity",
            },
        ),
        "feedback": (
            "Feedback per topic and answer, worst first",
            {
                "kind": "Kind",
                "id": "Id",
                "title": "Title",
                "helpful": "👍 Helpful",
                "not_helpful": "👎 Not helpful",
                "helpful_rate": "Helpful rate",
            },
        ),
        "feedback_weekly": (
            "Feedback per week",
            {
                "week_starting": "Week starting",
                "helpful": "👍 Helpful",
                "not_helpful": "👎 Not helpful",
                "helpful_rate": "Helpful rate",
            },
        ),
        "review": (
            "Topics and answers by next review",
            {
                "kind": "Kind",
                "id": "Id",
                "title": "Title",
                "last_reviewed": "Last reviewed",
                "next_review": "Next review",
                "days_overdue": "Days overdue",
                "sources": "Sources",
                "incomplete_sources": "Incomplete sources",
            },
        ),
        "sources": (
            "Sources, incomplete first",
            {
                "id": "Id",
                "reference": "Reference",
                "missing": "Missing",
                "cited_by": "Cited by (topics and answers)",
            },
        ),
        "use_totals": ("Totals", {"measure": "Measure", "count": "Count", "share_of_messages": "Share of messages"}),
        "use_daily": (
            "Per day and channel",
            {
                "day": "Day (UTC)",
                "channel": "Channel",
                "messages": "Messages",
                "conversations": "Conversations",
            },
        ),
    },
    "charts": {
        "feedback_weekly": "Chart: helpful and not helpful feedback per week",
        "use_daily": "Chart: messages per day",
    },
}
PAGES = ("unanswered", "feedback", "review", "use")


def read_token(settings: Dashboard | None = None) -> str:
    """The operator's curator token; SystemExit with a clear message when none is set or it is unsafe."""
    settings = dashboard() if settings is None else settings
    token, file = settings.token or "", settings.token_file
    if not token and file is not None:
        path = str(file)
        if not file.is_file():
            raise SystemExit(f"error: {TOKEN_FILE_ENV}={path} is not a file")
        if stat.S_IMODE(file.stat().st_mode) & 0o077:
            raise SystemExit(f"error: {path} can be read by others: chmod 600 {path}")
        token = file.read_text().strip()
    if not token:
        raise SystemExit(
            f"error: the curators' dashboard needs a token: set {TOKEN_ENV} (at least {MIN_TOKEN_LENGTH} characters) "
            f"or {TOKEN_FILE_ENV} (a file readable by its owner only). There is no default."
        )
    if len(token) < MIN_TOKEN_LENGTH:
        raise SystemExit(f"error: the curator token is too short (at least {MIN_TOKEN_LENGTH} characters)")
    return token


class Data:
    """The pages' tables, computed on demand and kept CACHE_SECONDS."""

    def __init__(self, curation: CurationStore, store: KnowledgeStore, tracker_url: str | None):
        self.curation, self.store, self.tracker_url = curation, store, tracker_url
        self._cache: dict[str, tuple[float, list[Table]]] = {}
        self._lock = threading.Lock()

    def tables(self, page: str) -> list[Table]:
        with self._lock:
            cached = self._cache.get(page)
            if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
                return cached[1]
            tables = self._compute(page)
            self._cache[page] = (time.monotonic(), tables)
            return tables

    def _compute(self, page: str) -> list[Table]:
        if page == "unanswered":
            return [unanswered_table(self.curation, self.store)]
        if page == "feedback":
            return list(feedback_tables(self.curation, self.store))
        if page == "review":
            return list(review_tables(self.store))
        totals_first = use_tables(self.tracker_url)
        return [totals_first[1], totals_first[0]]

    def table(self, name: str) -> Table | None:
        for page in PAGES:
            for table in self.tables(page):
                if table.name == name:
                    return table
        return None


# -- HTML ---------------------------------------------------------------------------------------------------------
def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def render_table(table: Table, prefix: str) -> str:
    caption, headings = COPY["tables"][table.name]
    head = "".join(f'<th scope="col">{esc(headings.get(c, c))}</th>' for c in table.columns)
    if table.rows:
        body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in table.rows)
    else:
        body = f'<tr><td colspan="{max(len(table.columns), 1)}">{esc(COPY["empty"])}</td></tr>'
    return (
        f'<section aria-labelledby="cap-{esc(table.name)}"><div class="table-head">'
        f'<h2 id="cap-{esc(table.name)}">{esc(caption)}</h2>'
        f'<a class="csv" href="{esc(prefix)}/csv/{esc(table.name)}.csv" download>{esc(COPY["csv"])}'
        f'<span class="visually-hidden">: {esc(caption)}</span></a></div>'
        f'<div class="scroll" tabindex="0" role="region" aria-labelledby="cap-{esc(table.name)}">'
        f'<table id="table-{esc(table.name)}"><caption class="visually-hidden">{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></section>"
    )


def chart_data(tables: list[Table]) -> dict[str, Any]:
    charts: dict[str, Any] = {}
    for table in tables:
        if table.name == "feedback_weekly" and table.rows:
            charts["feedback_weekly"] = {
                "labels": [r[0] for r in table.rows],
                "series": [["👍 Helpful", [r[1] for r in table.rows]], ["👎 Not helpful", [r[2] for r in table.rows]]],
            }
        if table.name == "use_daily" and table.rows:
            days = sorted({r[0] for r in table.rows})
            per_day = {d: 0 for d in days}
            for r in table.rows:
                per_day[r[0]] += r[2]
            charts["use_daily"] = {"labels": days, "series": [["Messages", [per_day[d] for d in days]]]}
    return charts


def render_page(page: str, tables: list[Table], prefix: str) -> str:
    copy = COPY["pages"][page]
    current = ' aria-current="page"'
    nav = "".join(
        f'<li><a href="{esc(prefix)}/{p}"{current if p == page else ""}>{esc(COPY["pages"][p]["title"])}</a></li>'
        for p in PAGES
    )
    charts = chart_data(tables)
    canvases = "".join(
        f'<figure class="chart"><canvas id="chart-{name}" role="img" aria-label="{esc(COPY["charts"][name])}">'
        f"</canvas><figcaption>{esc(COPY['charts'][name])}</figcaption></figure>"
        for name in charts
    )
    # JSON in a non-executed script element: "<" escaped so no stored text can close the element
    data = json.dumps(charts, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    scripts = (
        f'<script type="application/json" id="chart-data">{data}</script>'
        f'<script src="{esc(prefix)}/vendor/chart.umd.min.js"></script>'
        f'<script src="{esc(prefix)}/static/dashboard.js"></script>'
        if charts
        else ""
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(copy['title'])} · {esc(COPY['site'])}</title>"
        f'<link rel="stylesheet" href="{esc(prefix)}/static/dashboard.css"></head><body>'
        f'<a class="skip" href="#main">{esc(COPY["skip"])}</a>'
        f'<header><p class="site">{esc(COPY["site"])}</p><nav aria-label="{esc(COPY["nav"])}"><ul>{nav}</ul></nav>'
        f'</header><main id="main"><h1>{esc(copy["title"])}</h1><p class="intro">{esc(copy["intro"])}</p>'
        f'<p class="updated">{esc(COPY["updated"])} {esc(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))}</p>'
        f"{canvases}{''.join(render_table(t, prefix) for t in tables)}</main>{scripts}</body></html>"
    )


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:  # a cell that starts like a formula is prefixed, so a spreadsheet shows it as text
        writer.writerow([f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v for v in row])
    return out.getvalue()


# -- HTTP ---------------------------------------------------------------------------------------------------------
class DashboardHandler(BaseHTTPRequestHandler):
    server_version = "gsa-dashboard"

    def __init__(self, *args, token: str, data: Data, prefix: str, **kwargs):
        self.token, self.data, self.prefix = token, data, prefix
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
        sys.stderr.write(f"dashboard: {self.command} {urlsplit(self.path).path} {args[1] if len(args) > 1 else ''}\n")

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = urlsplit(self.path).path
        if self.prefix and path.startswith(self.prefix):
            path = path[len(self.prefix) :] or "/"
        if path == "/health":
            return self._send(b"ok", "text/plain; charset=utf-8")
        if not self._authorised():
            return
        if path in ("/", ""):
            path = "/unanswered"
        page = path.strip("/")
        if page in PAGES:
            body = render_page(page, self.data.tables(page), self.prefix).encode()
            return self._send(body, "text/html; charset=utf-8")
        if path.startswith("/csv/") and path.endswith(".csv"):
            table = self.data.table(path[len("/csv/") : -len(".csv")])
            if table is not None:
                return self._send(
                    to_csv(table).encode(),
                    "text/csv; charset=utf-8",
                    {"Content-Disposition": f"attachment; filename={table.name}.csv"},
                )
        if path in STATIC:
            file, content_type = STATIC[path]
            if file.is_file():
                return self._send(file.read_bytes(), content_type)
        self._send(b"not found", "text/plain; charset=utf-8", status=HTTPStatus.NOT_FOUND)

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        given = ""
        if header.startswith("Bearer "):
            given = header[len("Bearer ") :].strip()
        elif header.startswith("Basic "):
            try:
                given = base64.b64decode(header[len("Basic ") :]).decode().partition(":")[2]
            except (ValueError, UnicodeDecodeError):
                given = ""
        if given and hmac.compare_digest(given.encode(), self.token.encode()):
            return True
        if given:
            time.sleep(0.5)  # slows guessing
        self._send(  # 401 for a wrong token too, so that the browser asks again
            b"the curator token is needed" if not given else b"wrong curator token",
            "text/plain; charset=utf-8",
            {"WWW-Authenticate": 'Basic realm="curators", charset="UTF-8"'},
            HTTPStatus.UNAUTHORIZED,
        )
        return False

    def _send(
        self, body: bytes, content_type: str, headers: dict[str, str] | None = None, status: HTTPStatus = HTTPStatus.OK
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'none'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        )
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def make_server(bind: str, port: int, token: str, data: Data, prefix: str = "") -> ThreadingHTTPServer:
    handler: Callable[..., DashboardHandler] = partial(DashboardHandler, token=token, data=data, prefix=prefix)
    return ThreadingHTTPServer((bind, port), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=dashboard().port)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--prefix", default="", help="the path nginx serves it under, e.g. /curators")
    args = parser.parse_args(argv)
    token = read_token()
    prefix = "/" + args.prefix.strip("/") if args.prefix.strip("/") else ""
    data = Data(CurationStore(), KnowledgeStore(), None)
    data.store.find_answers("eczema")  # loads the content and spaCy now, not on the first page
    server = make_server(args.bind, args.port, token, data, prefix)
    print(f"curators' dashboard on http://{args.bind}:{args.port}{prefix}/ (the curator token is the password)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
