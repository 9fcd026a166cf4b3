"""Serve the website chat widget and its demo page (web/) with the Python standard library.

GET /config.js and /config.json tell the demo page where the Rasa server is (--rasa-url) and, when the
environment variable WEB_JWT_SECRET is set, that it must fetch a token from GET /token: a short-lived HS256 JWT
that the widget passes as socket.io `auth: {token}`. Rasa's socketio channel, configured with the same secret
by scripts/credentials.py, refuses connections without a valid token.

Usage: python scripts/serve_web.py [--port 8080] [--bind 127.0.0.1] [--rasa-url http://localhost:5005]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import jwt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from knowledge.settings import JWT_SECRET_ENV, channels  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WEB_DIR = ROOT / "web"
TOKEN_TTL_SECONDS = 600
HIDDEN = ("/node_modules", "/package.json", "/package-lock.json")


def make_token(secret: str, ttl: int = TOKEN_TTL_SECONDS, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    return jwt.encode({"sub": "web-widget", "iat": issued, "exp": issued + ttl}, secret, algorithm="HS256")


def connect_sources(rasa_url: str) -> str:
    """CSP connect-src for the Rasa server: its http(s) origin and the matching ws(s) origin."""
    parts = urlsplit(rasa_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    ws = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc} {ws}://{parts.netloc}"


class WebHandler(SimpleHTTPRequestHandler):
    server_version = "gsa-web"
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".css": "text/css",
        ".html": "text/html",
        ".json": "application/json",
        ".png": "image/png",
        ".svg": "image/svg+xml",
    }

    def __init__(self, *args, rasa_url: str, jwt_secret: str | None, **kwargs):
        self.rasa_url = rasa_url
        self.jwt_secret = jwt_secret
        super().__init__(*args, **kwargs)

    # -- routes ------------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._route(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._route(head=True)

    def _route(self, head: bool) -> None:
        path = urlsplit(self.path).path
        if path == "/config.js":
            body = f"window.GsaChatConfig = Object.assign({{}}, window.GsaChatConfig, {json.dumps(self.config())});\n"
            return self._send(body.encode(), "text/javascript; charset=utf-8", head)
        if path == "/config.json":
            return self._send(json.dumps(self.config()).encode(), "application/json", head)
        if path == "/token":
            if not self.jwt_secret:
                return self.send_error(HTTPStatus.NOT_FOUND, "JWT is not configured")
            token = {"token": make_token(self.jwt_secret), "expires_in": TOKEN_TTL_SECONDS}
            return self._send(json.dumps(token).encode(), "application/json", head)
        if any(path == hidden or path.startswith(hidden + "/") for hidden in HIDDEN):
            return self.send_error(HTTPStatus.NOT_FOUND)
        if head:
            super().do_HEAD()
        else:
            super().do_GET()

    def config(self) -> dict:
        return {"serverUrl": self.rasa_url, "tokenUrl": "/token" if self.jwt_secret else None}

    def _send(self, body: bytes, content_type: str, head: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def list_directory(self, path):  # no directory listings
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def end_headers(self) -> None:
        path = urlsplit(getattr(self, "path", "")).path
        self.send_header("Cache-Control", "no-store" if path == "/token" else "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if path == "/" or path.endswith(".html"):
            self.send_header(
                "Content-Security-Policy",
                (
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
                    f"connect-src 'self' {connect_sources(self.rasa_url)}; object-src 'none'; base-uri 'none'; "
                    "frame-ancestors 'self'"
                ),
            )
        super().end_headers()


def make_server(
    port: int, bind: str, rasa_url: str, jwt_secret: str | None, directory: Path = WEB_DIR
) -> ThreadingHTTPServer:
    handler = partial(WebHandler, directory=str(directory), rasa_url=rasa_url.rstrip("/"), jwt_secret=jwt_secret)
    server = ThreadingHTTPServer((bind, port), handler)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--rasa-url", default="http://localhost:5005", help="the Rasa server as the browser sees it")
    args = parser.parse_args(argv)
    if not (WEB_DIR / "vendor" / "socket.io.min.js").exists():
        print("warning: web/vendor/socket.io.min.js is missing; run 'make web'", file=sys.stderr)
    secret = channels().web_jwt_secret
    if secret and len(secret.encode()) < 32:
        print(f"warning: {JWT_SECRET_ENV} is shorter than 32 bytes; use a long random secret", file=sys.stderr)
        warnings.filterwarnings("ignore", message=".*HMAC key.*")  # said once above, not on every token
    server = make_server(args.port, args.bind, args.rasa_url, secret)
    print(
        f"serving {WEB_DIR} on http://{args.bind}:{args.port}/ (Rasa at {args.rasa_url}"
        f"{', JWT tokens at /token' if secret else ''})",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
