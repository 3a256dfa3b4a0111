"""A hostile server for tests: a mangling HTTP proxy in front of a sandbox.

The proxy listens on 127.0.0.1, forwards every request to the real emulator
(10,000ft or Leantime), and lets a test replace the answer of chosen requests
after the emulator has acted on them: a create saved but answered with an empty
200, an HTML page, a redirect; a paging link that never ends; a body trickled a
byte at a time; a record with a null id. The sandbox stays the one source of truth
for what was saved, so a test can count what landed.

    with HostileProxy(server.root) as proxy:
        proxy.mangle(lambda ex, reply: Reply(200, b"") if ex.method == "POST" else None)
        client = TenKftClient(proxy.root + "/api/v1", TOKEN)
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

HOP_HEADERS = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}
)


@dataclass
class Exchange:
    """A request as the proxy received it."""

    method: str
    path: str  # with the query string
    body: bytes

    @property
    def route(self) -> str:
        return self.path.split("?", 1)[0]

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Reply:
    """An answer: the emulator's, or the one a mangler puts in its place."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    trickle: float | None = None  # seconds between bytes of the body

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @classmethod
    def of_json(cls, status: int, value: Any, **headers: str) -> Reply:
        return cls(
            status, json.dumps(value).encode(), {"Content-Type": "application/json", **headers}
        )


# A mangler sees the request and the emulator's answer; it returns a replacement, or
# None to pass the answer through.
Mangler = Callable[[Exchange, Reply], Reply | None]


class HostileProxy:
    """A proxy on a free loopback port in a background thread (``root``: its URL)."""

    def __init__(self, upstream_root: str) -> None:
        self.upstream = httpx.Client(base_url=upstream_root, timeout=30, follow_redirects=False)
        self.manglers: list[Mangler] = []
        self.requests: list[Exchange] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep the test output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                exchange = Exchange(self.command, self.path, body)
                reply = proxy.exchange(exchange, dict(self.headers.items()))
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    if name.lower() not in HOP_HEADERS:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                try:
                    if reply.trickle is None:
                        self.wfile.write(reply.body)
                    else:
                        for i in range(len(reply.body)):
                            self.wfile.write(reply.body[i : i + 1])
                            self.wfile.flush()
                            time.sleep(reply.trickle)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HostileProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.upstream.close()

    def mangle(self, mangler: Mangler) -> None:
        """Add a mangler; the first that returns a reply wins."""
        with self._lock:
            self.manglers.append(mangler)

    def clear(self) -> None:
        with self._lock:
            self.manglers.clear()

    def exchange(self, exchange: Exchange, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(exchange)
            manglers = list(self.manglers)
        wanted = {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS | {"host"}}
        answer = self.upstream.request(
            exchange.method, exchange.path, content=exchange.body, headers=wanted
        )
        reply = Reply(answer.status_code, answer.content, dict(answer.headers.items()))
        for mangler in manglers:
            replaced = mangler(exchange, reply)
            if replaced is not None:
                return replaced
        return reply
