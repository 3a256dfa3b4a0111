"""Issue 11, item 9: transport. A TLS failure says it is a certificate problem, not
"offline"; an environment proxy never carries a loopback request (nor its token); the
cache directory is private whatever the umask."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tenktui import paths
from tenktui.api.errors import TlsError
from tenktui.api.governor import RateGovernor
from tenktui.api.tenkft.client import TenKftClient
from tenktui.store import Store
from tenktui.sync.engine import SyncEngine
from tests.conftest import TODAY, TOKEN, RunningSandbox


class Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def self_signed(tmp_path: Path) -> Iterator[str]:
    """An https server on 127.0.0.1 with a certificate nobody trusts; its base URL."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/api/v1"
    server.shutdown()
    server.server_close()


async def test_an_untrusted_certificate_is_a_certificate_problem(
    self_signed: str, tmp_path: Path
) -> None:
    client = TenKftClient(self_signed, TOKEN, governor=RateGovernor(), backoff_base=0.01)
    with pytest.raises(TlsError, match="certificate could not be verified"):
        await client.get_user(1)
    store = Store(tmp_path / "profile.db", today=lambda: TODAY)
    engine = SyncEngine(store, client, "me@example.com")
    await engine.sync_once()
    await client.aclose()
    assert engine.state.kind == "tls"
    assert "certificate problem" in (engine.state.message or "")
    assert engine.state.describe().startswith("certificate problem")
    store.close()


async def test_https_to_a_plain_http_port_is_a_tls_failure_not_offline(
    demo_server: RunningSandbox,
) -> None:
    port = demo_server.root.rsplit(":", 1)[1]
    client = TenKftClient(
        f"https://127.0.0.1:{port}/api/v1", TOKEN, governor=RateGovernor(), backoff_base=0.01
    )
    with pytest.raises(TlsError, match="TLS handshake failed"):
        await client.get_user(1)
    await client.aclose()


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A would-be proxy on 127.0.0.2 that records what reaches it and answers 502."""
    heard: list[bytes] = []
    sock = socket.socket()
    sock.bind(("127.0.0.2", 0))
    sock.listen()
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    heard.append(conn.recv(65536))
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.2:{sock.getsockname()[1]}", heard
    stop.set()
    thread.join(2)
    sock.close()


async def test_a_loopback_server_is_never_reached_through_an_environment_proxy(
    demo_server: RunningSandbox, listener: tuple[str, list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy_url, heard = listener
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, proxy_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = TenKftClient(demo_server.base_url, TOKEN, governor=RateGovernor(), max_attempts=1)
    try:
        user = await client.resolve_user("me@example.com")
    finally:
        await client.aclose()
    assert user.email == "me@example.com"
    assert heard == []


def test_private_directories_are_0700_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        log_dir = paths.private_dir(tmp_path / "cache" / "tenktui" / "log")
    finally:
        os.umask(old)
    for made in (log_dir, log_dir.parent, log_dir.parent.parent):
        assert made.stat().st_mode & 0o777 == 0o700, made
