"""The editor's web server: bottle routes over a :class:`Workspace`, behind a token gate.

It listens on 127.0.0.1 only. Every URL starts with ``/<token>/`` (a random token printed with
the URL): anything else, static assets included, gets 403, as does a request whose ``Host`` is not
this server's own address (DNS rebinding), and a POST that does not come from the page itself
(another ``Origin``, a cross-site ``Sec-Fetch-Site``, a body that is not JSON: CSRF). Every response carries a strict Content-Security-Policy
(scripts and styles from this server only, no inline code, nothing framed) and ``no-referrer``.
"""
from __future__ import annotations

import json
import logging
import secrets
import socketserver
import threading
from importlib import resources
from typing import Callable, Iterable, Optional
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import bottle

from ..errors import AlignerError
from .edits import EditError
from .workspace import Workspace

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
ASSETS = {"index.html": "text/html; charset=utf-8", "editor.js": "text/javascript; charset=utf-8",
          "editor.css": "text/css; charset=utf-8", "favicon.svg": "image/svg+xml"}
SECURITY_HEADERS = [
    ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
                                " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "no-store"),
]
MAX_BODY = 1 << 20


def new_token() -> str:
    """A random URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def _assets() -> dict[str, bytes]:
    folder = resources.files("aligner.editor") / "static"
    return {name: (folder / name).read_bytes() for name in ASSETS}


def make_app(workspace: Workspace) -> bottle.Bottle:
    """The routes, relative to ``/<token>/`` (the gate strips it)."""
    app = bottle.Bottle()
    assets = _assets()

    def asset(name: str):
        bottle.response.content_type = ASSETS[name]
        return assets[name]

    def api(call: Callable[[dict], dict]):
        def route():
            try:
                payload = _json_body() if bottle.request.method == "POST" else {}
                body, status = call(payload), 200
            except EditError as exc:
                body, status = {"error": str(exc)}, 409
            except AlignerError as exc:
                body, status = {"error": str(exc)}, 400
            except Exception as exc:  # noqa: BLE001 - the page gets one line, the log the traceback
                log.exception("editor request failed")
                body, status = {"error": f"unexpected {type(exc).__name__}: {exc}"}, 500
            bottle.response.status = status
            bottle.response.content_type = "application/json; charset=utf-8"
            return json.dumps(body, ensure_ascii=False, allow_nan=False)
        return route

    app.route("/", "GET", lambda: asset("index.html"))
    app.route("/static/<name>", "GET", lambda name: asset(name) if name in ASSETS else bottle.abort(404, "no such file"))
    app.route("/api/state", "GET", api(lambda p: workspace.state()))
    app.route("/api/revision", "GET", api(lambda p: workspace.revision()))
    app.route("/api/edit", "POST", api(lambda p: workspace.edit(str(p.get("action")), p, _rev(p))))
    app.route("/api/realign", "POST", api(lambda p: workspace.realign(_rev(p))))
    app.route("/api/export", "POST", api(lambda p: workspace.export(str(p.get("format")))))
    return app


def _json_body() -> dict:
    length = bottle.request.content_length
    if length > MAX_BODY:
        raise AlignerError("request too large")
    try:
        data = json.loads(bottle.request.body.read(length or -1) or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: "[[[[..." nested past Python's stack
        raise AlignerError("the request is not JSON") from None
    if not isinstance(data, dict):
        raise AlignerError("the request is not a JSON object")
    return data


def _rev(payload: dict) -> int:
    rev = payload.get("rev")
    if not isinstance(rev, int) or isinstance(rev, bool):
        raise AlignerError("the request says on which revision it was based (rev)")
    return rev


class TokenGate:
    """WSGI middleware: 403 unless the path starts with ``/<token>/`` and ``Host`` is this server;
    adds the security headers to every response."""

    def __init__(self, app: Callable, token: str) -> None:
        self.app, self.token = app, token
        self.hosts: set[str] = set()
        """Accepted ``Host`` headers (set once the port is known)."""

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        def with_headers(status, headers, exc_info=None):
            return start_response(status, list(headers) + SECURITY_HEADERS, exc_info)

        path = environ.get("PATH_INFO", "")
        first, _, rest = path.lstrip("/").partition("/")
        host_ok = environ.get("HTTP_HOST", "") in self.hosts
        if not host_ok or not secrets.compare_digest(first.encode(), self.token.encode()):
            return _plain(with_headers, "403 Forbidden", "forbidden: this editor's URL carries a token; use the URL it printed")
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD") and not self._same_origin(environ):
            return _plain(with_headers, "403 Forbidden", "forbidden: a change must come from this editor's own page")
        if not rest and not path.endswith("/"):
            with_headers("301 Moved Permanently", [("Location", f"/{self.token}/"), ("Content-Length", "0")])
            return [b""]
        environ = dict(environ, SCRIPT_NAME=environ.get("SCRIPT_NAME", "") + f"/{self.token}", PATH_INFO="/" + rest)
        return self.app(environ, with_headers)

    def _same_origin(self, environ: dict) -> bool:
        """A state change comes from our page: an ``Origin`` (when sent) of this server, a
        ``Sec-Fetch-Site`` (when sent) of same-origin, and a JSON body (a cross-site form or
        ``text/plain`` request, which needs no CORS preflight, is neither)."""
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin not in {f"http://{h}" for h in self.hosts}:
            return False
        if environ.get("HTTP_SEC_FETCH_SITE", "same-origin") not in ("same-origin", "none"):
            return False
        return environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() == "application/json"


def _plain(start_response: Callable, status: str, text: str) -> list[bytes]:
    body = (text + "\n").encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = False


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        log.debug("%s %s", self.address_string(), format % args)


class EditorServer:
    """A threaded WSGI server on 127.0.0.1 serving one workspace; ``url`` carries the token."""

    def __init__(self, workspace: Workspace, port: int = 0, token: Optional[str] = None) -> None:
        self.token = token or new_token()
        self.gate = TokenGate(make_app(workspace), self.token)
        try:
            self.httpd = make_server(HOST, port, self.gate, server_class=_ThreadingServer, handler_class=_QuietHandler)
        except OSError as exc:
            raise AlignerError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
        self.port = self.httpd.server_address[1]
        self.gate.hosts = {f"{HOST}:{self.port}", f"localhost:{self.port}"}
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/{self.token}/"

    def serve_forever(self) -> None:
        """Serve until :meth:`shutdown` (from another thread) or KeyboardInterrupt; then close the socket."""
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.httpd.server_close()

    def start(self) -> "EditorServer":
        """Serve in a background thread (tests, benchmarks)."""
        self._thread = threading.Thread(target=self.serve_forever, name="aligner-editor", daemon=True)
        self._thread.start()
        return self

    def shutdown(self) -> None:
        self.httpd.shutdown()
        if self._thread is not None:
            self._thread.join(5)
